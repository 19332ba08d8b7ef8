package authz

import "github.com/trailgate/trailgate/analyzer/iam"

// Decisions are the IAM evaluator's (iam.Decision, one typed decision for
// every layer); Unknown also when the policies needed to decide are not
// all in the snapshot (an attached managed policy whose document is not
// known, a resource outside the snapshot, an unresolved IaC value). Rules
// must not report Unknown as a denial.
const (
	Allowed          = iam.Allowed
	ImplicitlyDenied = iam.ImplicitlyDenied
	ExplicitlyDenied = iam.ExplicitlyDenied
	Unknown          = iam.Unknown
)

// Answer is the reply to one question.
type Answer struct {
	Decision iam.Decision `json:"decision"`
	// Proof is one sentence a finding can quote.
	Proof string `json:"proof"`
	// Explanation lists, for each policy kind consulted, what it said.
	Explanation []string `json:"explanation"`
	// Statements lists, in the order of Explanation, the statements its
	// steps name (the deny, the allow, the near miss), then the statements
	// that make a consulted policy malformed.
	Statements []Statement `json:"statements"`
	// Kinds lists, in the order of Explanation, what each policy kind
	// consulted said (one entry per SCP or RCP level, per boundary), so
	// that a rule can ask "did the identity side allow?" or "which kind
	// denied?" without reading the explanation's wording.
	Kinds []KindOutcome `json:"kinds"`
	// Causes lists, for an Unknown answer, each thing it is missing (a
	// document outside the input, an unresolved value): the engine reports
	// one unproven finding per cause, not per question. Not part of what
	// the rules see.
	Causes []Cause `json:"-"`
}

// KindOutcome is what the policies of one kind said about the request: an
// explanation step as data.
type KindOutcome struct {
	// Kind is the policy kind, named as Statement.Kind names it.
	Kind string `json:"kind"`
	// Target is, for scp and rcp, the root, OU or account of the level.
	Target string `json:"target,omitempty"`
	// Outcome is the evaluator's (iam.Outcome): allow (a statement of the
	// kind allows the request), deny (one explicitly denies it), implicit
	// (the kind's policies are present but none of their statements
	// applies: an implicit deny where the kind must allow; for an SCP or
	// RCP level, it allows nothing) or skipped (the kind takes no part in
	// the request: no such policy, or exempt, as the management account or
	// a service principal is).
	Outcome iam.Outcome `json:"outcome"`
	// Reason is the step's sentence ("statement 'S' in the bucket policy
	// of b denies s3:GetObject"), for messages that quote the decisive
	// policy; rules must not parse it.
	Reason string `json:"reason"`
}

// Statement is a statement that decided an answer or nearly did, named by
// the policy that holds it, so that a finding can point at it without
// reading the explanation's wording.
type Statement struct {
	// Kind is the policy kind: resource (a bucket, key, topic or queue
	// policy, or a role's trust policy), identity, boundary, session,
	// vpcEndpoint, scp or rcp.
	Kind string `json:"kind"`
	// Policy names the policy holding the statement: the resource's ARN
	// (the role's ARN for a trust policy), an inline policy's name or a
	// managed policy's ARN, an organization policy's ID. Empty for a policy
	// the index assumed (the identity policies of a principal outside the
	// snapshot).
	Policy string `json:"policy"`
	// Target is, for scp and rcp, the root, OU or account the policy is
	// attached to at the level that decided.
	Target string `json:"target,omitempty"`
	// Index is the zero-based index of the statement in its document.
	Index int    `json:"index"`
	Sid   string `json:"sid,omitempty"`
	// Effect is Allow or Deny; empty for a malformed statement whose
	// Effect is not one of them.
	Effect string `json:"effect"`
	// Role is why the statement is listed: RoleDeny, RoleAllow,
	// RoleNearMiss or RoleMalformed.
	Role string `json:"role"`
}

// Roles of the statements of an answer.
const (
	// RoleDeny: the statement explicitly denies the request.
	RoleDeny = "deny"
	// RoleAllow: the statement allows the request.
	RoleAllow = "allow"
	// RoleNearMiss: nothing of its kind allows the request, and this Allow
	// statement would have but for a condition (or a policy variable
	// without a value).
	RoleNearMiss = "near_miss"
	// RoleMalformed: AWS would reject the policy because of this
	// statement, so the policy grants nothing (noted only for denials).
	RoleMalformed = "malformed"
)
