package iam

import "strings"

// Requests AWS answers the same way whatever the policies say: operations
// on what AWS owns, which no principal may perform, and the one operation
// every authenticated caller may perform. Evaluate runs the policies first
// (an explicit deny stays the proof when there is one) and then applies
// these, so the explanation still shows what each policy said.

// fixedRule is a request AWS decides by itself.
type fixedRule struct {
	allow  bool // true: allowed whatever the policies say; false: never allowed
	reason string
}

// Actions no principal may perform on AWS managed policies
// (arn:PARTITION:iam::aws:policy/…): "You cannot change the permissions
// defined in AWS managed policies"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies),
// they are created by AWS alone, and tags go only on "an IAM customer
// managed policy" (https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html,
// API_UntagPolicy.html).
var awsManagedPolicyActions = []string{
	"iam:CreatePolicy",
	"iam:CreatePolicyVersion",
	"iam:DeletePolicy",
	"iam:DeletePolicyVersion",
	"iam:SetDefaultPolicyVersion",
	"iam:TagPolicy",
	"iam:UntagPolicy",
}

// Actions no principal may perform on a service-linked role (a role under
// the reserved path /aws-service-role/): "The linked service defines the
// permissions of its service-linked roles … The defined permissions include
// the trust policy and the permissions policy"; "An IAM administrator can
// view, but not edit the permissions for service-linked roles"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html).
// Each of these operations' API reference lists UnmodifiableEntity: "The
// request was rejected because service-linked roles are protected AWS
// resources. Only the service that depends on the service-linked role can
// modify or delete the role on your behalf" (API_PutRolePolicy.html,
// API_AttachRolePolicy.html, …), and the boundary operations say "You cannot
// set the boundary for a service-linked role"
// (API_PutRolePermissionsBoundary.html, API_DeleteRolePermissionsBoundary.html).
// Deleting one goes through iam:DeleteServiceLinkedRole, which is not listed.
var serviceLinkedRoleActions = []string{
	"iam:AttachRolePolicy",
	"iam:DeleteRole",
	"iam:DeleteRolePermissionsBoundary",
	"iam:DeleteRolePolicy",
	"iam:DetachRolePolicy",
	"iam:PutRolePermissionsBoundary",
	"iam:PutRolePolicy",
	"iam:UpdateAssumeRolePolicy",
}

// Actions no principal may perform on an alias under alias/aws/: "The alias
// name cannot begin with alias/aws/. The alias/aws/ prefix is reserved for
// AWS managed keys" (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html),
// and "You cannot manage aliases for AWS managed keys or AWS owned keys"
// (https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html).
var awsManagedAliasActions = []string{
	"kms:CreateAlias",
	"kms:DeleteAlias",
	"kms:UpdateAlias",
}

// fixedFor returns the rule AWS applies to the request, if any.
func fixedFor(req *Request, c *caller) (fixedRule, bool) {
	a := req.Action
	if len(a) < 4 || a[3] != ':' {
		return fixedRule{}, false
	}
	service := a[:3]
	switch {
	case equalFold(service, "sts"):
		if equalFold(a, "sts:GetCallerIdentity") {
			if c.kind == callerAnonymous || c.kind == callerService {
				return fixedRule{}, false
			}
			// "No permissions are required to perform this operation. If an
			// administrator attaches a policy to your identity that
			// explicitly denies access to the sts:GetCallerIdentity action,
			// you can still perform this operation"
			// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
			return fixedRule{allow: true, reason: "sts:GetCallerIdentity needs no permission: AWS answers it for every authenticated caller, even under an explicit deny"}, true
		}
		if c.kind == callerFederatedUser {
			// GetFederationToken: "You cannot call any STS operations
			// except GetCallerIdentity"
			// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html).
			return fixedRule{reason: "a federated user session cannot call STS operations other than GetCallerIdentity"}, true
		}
	case equalFold(service, "iam"):
		if c.kind == callerFederatedUser {
			// GetFederationToken: "You cannot call any IAM operations using
			// the CLI or the Amazon Web Services API" (the same page).
			return fixedRule{reason: "a federated user session cannot call IAM operations through the API"}, true
		}
		p, ok := arnParts(req.Resource)
		if !ok || p[1] != "iam" {
			return fixedRule{}, false
		}
		if p[3] == "aws" && strings.HasPrefix(p[4], "policy/") && containsFold(awsManagedPolicyActions, a) {
			return fixedRule{reason: req.Action + " is not possible on an AWS managed policy: only AWS creates and changes them"}, true
		}
		if strings.HasPrefix(p[4], "role/aws-service-role/") && containsFold(serviceLinkedRoleActions, a) {
			return fixedRule{reason: req.Action + " is not possible on a service-linked role: only its service may change or delete it"}, true
		}
	case equalFold(service, "kms"):
		p, ok := arnParts(req.Resource)
		if ok && p[1] == "kms" && strings.HasPrefix(p[4], "alias/aws/") && containsFold(awsManagedAliasActions, a) {
			return fixedRule{reason: req.Action + " is not possible on an alias under alias/aws/: the prefix is reserved for AWS managed keys"}, true
		}
	}
	return fixedRule{}, false
}

// applyFixed lets AWS's own rule for the request, if any, decide. An
// explicit deny that a never-allowed request also meets stays the answer:
// it is a statement the reader can act on. Requests outside iam:, kms: and
// sts: cost two byte comparisons.
func applyFixed(req *Request, res *Result) {
	a := req.Action
	if len(a) < 4 || a[3] != ':' {
		return
	}
	switch a[0] | 0x20 {
	case 'i', 'k', 's':
	default:
		return
	}
	if s := a[:3]; !equalFold(s, "iam") && !equalFold(s, "kms") && !equalFold(s, "sts") {
		return
	}
	c := parseCaller(req.Principal)
	rule, ok := fixedFor(req, &c)
	if !ok {
		return
	}
	switch {
	case rule.allow && res.Decision == Allowed:
		return
	case !rule.allow && (res.Decision == ImplicitlyDenied || res.Decision == ExplicitlyDenied):
		return
	}
	d := ImplicitlyDenied
	if rule.allow {
		d = Allowed
	}
	res.Explanation = append(res.Explanation, Step{Kind: StepNote, Outcome: OutcomeInfo, PolicyIndex: -1, StatementIndex: -1, Reason: rule.reason})
	res.Decision, res.Deciding = d, len(res.Explanation)-1
	res.missing, res.unknown = nil, nil
}
