package iam

import "fmt"

// Kind is the type of a policy document. It decides which grammar AWS
// enforces (Principal required or forbidden, versions accepted) and how the
// policy takes part in a decision.
type Kind int

const (
	// KindIdentity is an identity-based policy (inline or managed), also the
	// grammar of permissions boundaries and session policies: no Principal,
	// Version 2012-10-17 only (CreatePolicy rejects 2008-10-17 and a missing
	// Version, see testdata/iam-policy-grammar.json).
	KindIdentity Kind = iota
	// KindResource is a resource-based policy (bucket, key, topic, queue,
	// VPC endpoint policy): Principal or NotPrincipal required.
	KindResource
	// KindTrust is a role trust policy (AssumeRolePolicyDocument): Principal
	// required, actions are sts:AssumeRole*, sts:TagSession,
	// sts:SetSourceIdentity, sts:SetContext.
	KindTrust
	// KindSCP is a service control policy: no Principal, no NotPrincipal.
	KindSCP
	// KindRCP is a resource control policy: Principal must be "*".
	KindRCP
	// KindInline is an inline identity policy (PutRolePolicy,
	// PutUserPolicy, PutGroupPolicy): the identity grammar, except that
	// IAM accepts it without a Version, which then means 2008-10-17 and
	// policy variables are literal text.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
	KindInline
)

// String names the kind as the explanation and error messages use it.
func (k Kind) String() string {
	switch k {
	case KindIdentity:
		return "identity policy"
	case KindResource:
		return "resource policy"
	case KindTrust:
		return "trust policy"
	case KindSCP:
		return "SCP"
	case KindRCP:
		return "RCP"
	case KindInline:
		return "inline policy"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// PolicyError is a document AWS would reject. Msg is AWS's own
// MalformedPolicyDocument message where AWS has one; Statement is the
// zero-based statement index (-1 for document-level errors) and Sid its Sid
// when it has one.
type PolicyError struct {
	Statement int
	Sid       string
	Msg       string
	// Hint says what is wrong in the author's terms where AWS's message
	// does not ("The policy failed legacy parsing" for an Effect of
	// "deny"); empty when Msg says it.
	Hint string
}

func (e *PolicyError) Error() string {
	msg := e.Msg
	if e.Hint != "" {
		msg = e.Hint + " (AWS: " + e.Msg + ")"
	}
	switch {
	case e.Statement < 0:
		return msg
	case e.Sid != "":
		return fmt.Sprintf("statement %d (Sid %q): %s", e.Statement, e.Sid, msg)
	default:
		return fmt.Sprintf("statement %d: %s", e.Statement, msg)
	}
}

// Request is one authorization question.
type Request struct {
	// Principal is the caller: an IAM user or role ARN, an assumed-role
	// session ARN (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION), an
	// account root ARN, a service principal (cloudtrail.amazonaws.com) or
	// "*" for an anonymous caller.
	Principal string
	// Action is service:Action, matched case-insensitively.
	Action string
	// Resource is the resource ARN, or "*" for actions without
	// resource-level permissions.
	Resource string
	// ResourceAccount owns the resource. Empty: taken from the resource ARN
	// when it carries one; otherwise the request is treated as same-account
	// and the explanation says so.
	ResourceAccount string
	// Context holds condition keys (case-insensitive) and their values.
	// Keys AWS derives from the principal (aws:PrincipalArn,
	// aws:PrincipalAccount, aws:PrincipalIsAWSService,
	// aws:PrincipalServiceName, aws:username, aws:ResourceAccount) are
	// filled in when absent; a value given here wins.
	Context map[string][]string
}

// Level is one node of the organization path (root, each OU, the account)
// with the SCPs or RCPs attached to it. Every level must allow.
type Level struct {
	Target   string
	Policies []*Policy
}

// ResourceType selects resource-policy semantics that differ from the
// default. The zero value infers it from the request: a kms key ARN means
// key-policy semantics, an sts:AssumeRole* action means trust semantics.
type ResourceType int

const (
	// ResourceAuto infers the type from the request.
	ResourceAuto ResourceType = iota
	// ResourceGeneric: same-account, the identity or the resource policy
	// suffices.
	ResourceGeneric
	// ResourceKMSKey: the key policy must allow, directly or by delegating
	// to the account root; only then do IAM policies count.
	ResourceKMSKey
	// ResourceRoleTrust: the trust policy must allow; naming the account
	// root delegates to the caller's identity policies.
	ResourceRoleTrust
)

// PolicySet is every policy that applies to one request. Nil or empty
// fields mean "not present": no resource policy, no boundary, no session
// policy, no endpoint, not governed by SCPs/RCPs.
type PolicySet struct {
	Identity     []*Policy
	Resource     *Policy
	Boundaries   []*Policy
	Session      *Policy
	VPCEndpoints []*Policy
	SCPs         []Level
	RCPs         []Level
	// ResourceType chooses key-policy or trust-policy semantics.
	ResourceType ResourceType
	// PrincipalInManagementAccount: SCPs do not apply to the management
	// account's principals.
	PrincipalInManagementAccount bool
	// ResourceInManagementAccount: RCPs do not apply to the management
	// account's resources.
	ResourceInManagementAccount bool
}

// Decision is the final answer, spelled as AWS spells it.
type Decision string

const (
	Allowed          Decision = "Allowed"
	ImplicitlyDenied Decision = "ImplicitlyDenied"
	ExplicitlyDenied Decision = "ExplicitlyDenied"
	// Unknown: the answer depends on statements holding unresolved values
	// (see ParseOptions): it is Allowed if they apply and denied if they do
	// not, or the other way round. Never returned for policies parsed
	// without ParseOptions.Unknown.
	Unknown Decision = "Unknown"
)

// StepKind names the policy kind a step of the explanation is about.
type StepKind string

const (
	StepSCP         StepKind = "scp"
	StepRCP         StepKind = "rcp"
	StepVPCEndpoint StepKind = "vpcEndpointPolicy"
	StepResource    StepKind = "resourcePolicy"
	StepIdentity    StepKind = "identityPolicy"
	StepBoundary    StepKind = "permissionsBoundary"
	StepSession     StepKind = "sessionPolicy"
	StepNote        StepKind = "note"
)

// Outcome is what one policy kind contributed.
type Outcome string

const (
	// OutcomeAllow: a statement allows the request.
	OutcomeAllow Outcome = "allow"
	// OutcomeDeny: a statement explicitly denies the request.
	OutcomeDeny Outcome = "deny"
	// OutcomeNoMatch: the policies are present but no statement applies
	// (an implicit deny for this kind). analyzer/authz spells its outcomes
	// with the same words.
	OutcomeNoMatch Outcome = "implicit"
	// OutcomeSkipped: the policy kind does not take part in this request
	// (absent, or exempt: management account, service principal, ...).
	OutcomeSkipped Outcome = "skipped"
	// OutcomeInfo: a note about how the request was read.
	OutcomeInfo Outcome = "info"
)

// Step is one line of an explanation. PolicyIndex and StatementIndex are
// zero-based and -1 when they do not apply; Target is the SCP/RCP level.
type Step struct {
	Kind           StepKind `json:"kind"`
	Outcome        Outcome  `json:"outcome"`
	Target         string   `json:"target,omitempty"`
	PolicyIndex    int      `json:"policyIndex"`
	StatementIndex int      `json:"statementIndex"`
	Sid            string   `json:"sid,omitempty"`
	Reason         string   `json:"reason"`
	// Detail names a near miss when nothing allowed: the statement that
	// would have allowed the request and the condition it failed on (that
	// statement is then the one PolicyIndex/StatementIndex point at).
	Detail string `json:"detail,omitempty"`
}

// Result is a decision and the steps that lead to it.
type Result struct {
	Decision    Decision `json:"decision"`
	Explanation []Step   `json:"explanation"`
	// Deciding is the index in Explanation of the step that decided the
	// answer (the deny, the missing allow, or the allow), -1 when none.
	Deciding int `json:"-"`
	// kept for Proof's wording.
	action, principal string
	rtype             ResourceType
	// missing lists the policy kinds that took part but allowed nothing
	// (for an explicit deny's proof).
	missing []string
	// unknown is set only when statements holding unresolved values took
	// part (kept behind a pointer: the common Result stays small).
	unknown *unknownInfo
}

// unknownInfo is what a Result says about statements holding unresolved
// values.
type unknownInfo struct {
	// proof and readings word an Unknown decision.
	proof, readings string
	// maybe lists the statements the evaluation mode applied; unresolved
	// those the final decision depends on.
	maybe      []uncertainStmt
	unresolved []UnresolvedStatement
}

// ParsePolicy compiles a policy document of the given kind once, for any
// number of evaluations. A document AWS would reject returns a
// *PolicyError naming the statement.
func ParsePolicy(doc []byte, kind Kind) (*Policy, error) {
	return parsePolicy(doc, kind, ParseOptions{})
}

// ParseOptions tune ParsePolicyWith.
type ParseOptions struct {
	// Unknown recognises a string of the document that stands for a value
	// its author could not resolve (an infrastructure-as-code value known
	// only at deploy time). Such an Action, Resource, Principal or
	// Condition entry is exempt from AWS's format checks (AWS will see the
	// resolved value, not the placeholder) and marks its statement as one
	// that may or may not apply: Evaluate then decides the request with
	// those statements applying and with them not applying, and answers
	// Unknown only when the two differ. Nil: every value is known.
	Unknown func(string) bool
}

// ParsePolicyWith is ParsePolicy with options. A document whose structure
// itself is unresolved (a Statement, Effect, Version or condition operator
// standing for an unknown value) is still refused with a *PolicyError: the
// caller knows it holds unknowns and must not read it as malformed.
func ParsePolicyWith(doc []byte, kind Kind, opts ParseOptions) (*Policy, error) {
	return parsePolicy(doc, kind, opts)
}

// Evaluate answers req against set following AWS's policy evaluation logic.
// It is safe for concurrent use; compiled policies are read-only.
func Evaluate(req Request, set PolicySet) Result {
	res := evaluate(&req, &set, modeRestrictive)
	if res.unknown != nil {
		res = evaluateUncertain(&req, &set, res)
	}
	applyFixed(&req, &res)
	return res
}
