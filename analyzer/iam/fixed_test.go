package iam

import "testing"

// AWS pages for the rules AWS applies whatever the policies say, and for
// federated user sessions.
const (
	docVarsNoValue     = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value"
	docGetFedToken     = "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html"
	docGetCallerID     = "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html"
	docManagedPolicies = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies"
	docTagPolicy       = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_TagPolicy.html"
	docSLR             = "https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"
	docSLRBoundary     = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePermissionsBoundary.html"
	docUnmodifiable    = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html#API_PutRolePolicy_Errors"
	docKMSAliasCreate  = "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html"
	docKMSAliasManage  = "https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html"
)

const (
	fedB         = "arn:aws:sts::222222222222:federated-user/carol"
	awsPolicy    = "arn:aws:iam::aws:policy/AdministratorAccess"
	awsSLRPolicy = "arn:aws:iam::aws:policy/aws-service-role/AmazonGuardDutyServiceRolePolicy"
	custPolicy   = "arn:aws:iam::111111111111:policy/Mine"
	awsAliasA    = "arn:aws:kms:us-east-1:111111111111:alias/aws/s3"
	custAliasA   = "arn:aws:kms:us-east-1:111111111111:alias/logs"
)

// TestFederatedUserSessions: a GetFederationToken session is limited by
// the session policy passed to it, has no permissions without one, and is
// still granted what a resource policy naming the session itself says.
func TestFederatedUserSessions(t *testing.T) {
	bucketB := "arn:aws:s3:::b-logs"
	objectB := bucketB + "/k"
	reqB := func(action, resource string) Request {
		return Request{Principal: fedB, Action: action, Resource: resource, ResourceAccount: acctB}
	}
	cases := []decisionCase{
		// "if you do not pass any session policies, then the resulting
		// federated user session has no permissions".
		{name: "no session policy: no permissions", doc: docGetFedToken, req: reqB("s3:GetObject", objectB), set: setSpec{identity: id(allowS("s3:*", "*"))}, want: ImplicitlyDenied, deciding: StepSession},
		// "the session permissions are the intersection of the IAM user
		// policies and the session policies that you pass".
		{name: "session policy and user policy both allow", doc: docGetFedToken, req: reqB("s3:GetObject", objectB), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*"))}, want: Allowed},
		{name: "session policy allows what the user policy does not", doc: docGetFedToken, req: reqB("s3:GetObject", objectB), set: setSpec{identity: id(allowS("sqs:*", "*")), session: stmt(allowS("s3:*", "*"))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "session policy does not allow the action", doc: docGetFedToken, req: reqB("s3:PutObject", objectB), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*"))}, want: ImplicitlyDenied, deciding: StepSession},
		// "If that policy specifically references the federated user
		// session in the Principal element of the policy, the session has
		// the permissions allowed by the policy."
		{name: "no session policy: a resource policy naming the session grants", doc: docGetFedToken, req: reqB("s3:GetObject", objectB), set: setSpec{resource: stmt(rs("Fed", "Allow", aws(fedB), "s3:GetObject", bucketB+"/*", ""))}, want: Allowed, deciding: StepResource},
		{name: "no session policy: a resource policy naming the account does not", doc: docGetFedToken, req: reqB("s3:GetObject", objectB), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Acct", "Allow", aws(rootB), "s3:GetObject", bucketB+"/*", ""))}, want: ImplicitlyDenied, deciding: StepSession},
		{name: "no session policy: cross-account grant to the session still needs its permissions", doc: docGetFedToken, req: r(fedB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Fed", "Allow", aws(fedB), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied, deciding: StepSession},
		{name: "no session policy: key policy naming the session grants", doc: docGetFedToken, req: Request{Principal: fedB, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:222222222222:key/k", ResourceAccount: acctB}, set: setSpec{resource: stmt(rs("Fed", "Allow", aws(fedB), "kms:Decrypt", "*", ""))}, want: Allowed},
		{name: "no session policy: key policy delegating to the account does not", doc: docGetFedToken, req: Request{Principal: fedB, Action: "kms:Decrypt", Resource: "arn:aws:kms:us-east-1:222222222222:key/k", ResourceAccount: acctB}, set: setSpec{identity: id(allowS("kms:*", "*")), resource: stmt(rs("Root", "Allow", aws(rootB), "kms:*", "*", ""))}, want: ImplicitlyDenied, deciding: StepSession},
	}
	runDecisionCases(t, cases)
	res := Evaluate(Request{Principal: fedB, Action: "s3:GetObject", Resource: "arn:aws:s3:::b-logs/k", ResourceAccount: acctB},
		PolicySet{Identity: []*Policy{mustParse(t, stmt(allowS("s3:*", "*")), KindIdentity)}})
	if want := "no session policy allows s3:GetObject: a federated user session created without a session policy has no permissions for federated-user/carol"; res.Proof() != want {
		t.Fatalf("proof:\n got %q\nwant %q", res.Proof(), want)
	}
}

// TestWhatNobodyMayDo: requests AWS refuses, or allows, whatever the
// policies say. Every principal below is allowed everything by its
// identity policy (or denied everything, for GetCallerIdentity).
func TestWhatNobodyMayDo(t *testing.T) {
	all := id(allowS("*", "*"))
	denyAll := id(allowS("*", "*"), denyS("*", "*"))
	slrTarget := "arn:aws:iam::111111111111:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
	fedSession := stmt(allowS("*", "*"))
	cases := []decisionCase{
		// AWS managed policies: "You cannot change the permissions defined
		// in AWS managed policies"; tags only on "an IAM customer managed
		// policy".
		{name: "CreatePolicyVersion on an AWS managed policy", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:CreatePolicyVersion", Resource: awsPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "SetDefaultPolicyVersion on an AWS managed policy", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:SetDefaultPolicyVersion", Resource: awsPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeletePolicyVersion on an AWS managed policy", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:DeletePolicyVersion", Resource: awsPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeletePolicy on an AWS managed policy under a path", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:DeletePolicy", Resource: awsSLRPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "CreatePolicy of an AWS managed policy", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:CreatePolicy", Resource: awsPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "TagPolicy on an AWS managed policy", doc: docTagPolicy, req: Request{Principal: userA, Action: "iam:TagPolicy", Resource: awsPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "UntagPolicy on an AWS managed policy, action in any case", doc: docTagPolicy, req: Request{Principal: userA, Action: "IAM:untagpolicy", Resource: awsPolicy}, set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "root cannot version an AWS managed policy either", doc: docManagedPolicies, req: Request{Principal: rootA, Action: "iam:CreatePolicyVersion", Resource: awsPolicy}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "an explicit deny stays the proof", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:DeletePolicy", Resource: awsPolicy}, set: setSpec{identity: denyAll}, want: ExplicitlyDenied, deciding: StepIdentity},
		{name: "AttachRolePolicy of an AWS managed policy is allowed", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:AttachRolePolicy", Resource: awsPolicy}, set: setSpec{identity: all}, want: Allowed},
		{name: "GetPolicyVersion of an AWS managed policy is allowed", doc: docManagedPolicies, req: Request{Principal: userA, Action: "iam:GetPolicyVersion", Resource: awsPolicy}, set: setSpec{identity: all}, want: Allowed},
		{name: "CreatePolicyVersion on a customer managed policy is allowed", doc: docManagedPolicies, req: r(userA, "iam:CreatePolicyVersion", custPolicy, nil), set: setSpec{identity: all}, want: Allowed},
		// Service-linked roles: "An IAM administrator can view, but not
		// edit the permissions for service-linked roles"; UnmodifiableEntity.
		{name: "PutRolePolicy on a service-linked role", doc: docUnmodifiable, req: r(userA, "iam:PutRolePolicy", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "AttachRolePolicy on a service-linked role", doc: docSLR, req: r(userA, "iam:AttachRolePolicy", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DetachRolePolicy on a service-linked role", doc: docSLR, req: r(userA, "iam:DetachRolePolicy", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeleteRolePolicy on a service-linked role", doc: docSLR, req: r(userA, "iam:DeleteRolePolicy", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "UpdateAssumeRolePolicy on a service-linked role", doc: docSLR, req: r(userA, "iam:UpdateAssumeRolePolicy", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "PutRolePermissionsBoundary on a service-linked role", doc: docSLRBoundary, req: r(userA, "iam:PutRolePermissionsBoundary", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeleteRolePermissionsBoundary on a service-linked role", doc: docSLRBoundary, req: r(userA, "iam:DeleteRolePermissionsBoundary", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeleteRole on a service-linked role", doc: docUnmodifiable, req: r(userA, "iam:DeleteRole", slrTarget, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeleteServiceLinkedRole is how it is deleted", doc: docSLR, req: r(userA, "iam:DeleteServiceLinkedRole", slrTarget, nil), set: setSpec{identity: all}, want: Allowed},
		{name: "UpdateRoleDescription of a service-linked role is allowed", doc: docSLR, req: r(userA, "iam:UpdateRoleDescription", slrTarget, nil), set: setSpec{identity: all}, want: Allowed},
		{name: "PutRolePolicy on an ordinary role is allowed", doc: docSLR, req: r(userA, "iam:PutRolePolicy", roleTgt, nil), set: setSpec{identity: all}, want: Allowed},
		// KMS aliases under alias/aws/.
		{name: "CreateAlias under alias/aws/", doc: docKMSAliasCreate, req: r(userA, "kms:CreateAlias", awsAliasA, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "UpdateAlias under alias/aws/", doc: docKMSAliasManage, req: r(userA, "kms:UpdateAlias", awsAliasA, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "DeleteAlias under alias/aws/", doc: docKMSAliasManage, req: r(userA, "kms:DeleteAlias", awsAliasA, nil), set: setSpec{identity: all}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "CreateAlias of a customer alias is allowed", doc: docKMSAliasCreate, req: r(userA, "kms:CreateAlias", custAliasA, nil), set: setSpec{identity: all}, want: Allowed},
		{name: "ListAliases is allowed", doc: docKMSAliasManage, req: r(userA, "kms:ListAliases", "*", nil), set: setSpec{identity: all}, want: Allowed},
		// GetCallerIdentity: "No permissions are required … If an
		// administrator attaches a policy to your identity that explicitly
		// denies access to the sts:GetCallerIdentity action, you can still
		// perform this operation."
		{name: "GetCallerIdentity without any policy", doc: docGetCallerID, req: r(sessA, "sts:GetCallerIdentity", "*", nil), want: Allowed, deciding: StepNote},
		{name: "GetCallerIdentity under an explicit deny", doc: docGetCallerID, req: r(userA, "sts:GetCallerIdentity", "*", nil), set: setSpec{identity: denyAll}, want: Allowed, deciding: StepNote},
		{name: "GetCallerIdentity under an SCP deny", doc: docGetCallerID, req: r(userB, "sts:GetCallerIdentity", "*", nil), set: setSpec{scps: [][]string{{stmts(allowS("*", "*"), denyS("sts:*", "*"))}}}, want: Allowed, deciding: StepNote},
		{name: "GetCallerIdentity by a federated user without a session policy", doc: docGetFedToken, req: r(fedB, "sts:GetCallerIdentity", "*", nil), want: Allowed, deciding: StepNote},
		{name: "GetCallerIdentity allowed by policy keeps its proof", doc: docGetCallerID, req: r(userA, "sts:GetCallerIdentity", "*", nil), set: setSpec{identity: all}, want: Allowed, deciding: StepIdentity},
		{name: "anonymous callers are not answered", doc: docGetCallerID, req: r("*", "sts:GetCallerIdentity", "*", nil), want: ImplicitlyDenied},
		{name: "GetSessionToken still needs its permission", doc: docGetCallerID, req: r(userA, "sts:GetSessionToken", "*", nil), set: setSpec{identity: denyAll}, want: ExplicitlyDenied},
		// GetFederationToken sessions: "You cannot call any IAM operations
		// using the CLI or the Amazon Web Services API", "You cannot call
		// any STS operations except GetCallerIdentity".
		{name: "federated user cannot call IAM", doc: docGetFedToken, req: r(fedB, "iam:ListRoles", "*", nil), set: setSpec{identity: all, session: fedSession}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "federated user cannot call STS AssumeRole", doc: docGetFedToken, req: r(fedB, "sts:AssumeRole", roleTgt, nil), set: setSpec{identity: all, session: fedSession, resource: stmt(rs("Fed", "Allow", aws(fedB), "sts:AssumeRole", "", ""))}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "federated user may call S3", doc: docGetFedToken, req: Request{Principal: fedB, Action: "s3:GetObject", Resource: "arn:aws:s3:::b-logs/k", ResourceAccount: acctB}, set: setSpec{identity: all, session: fedSession}, want: Allowed},
	}
	runDecisionCases(t, cases)
	res := Evaluate(r(userA, "sts:GetCallerIdentity", "*", nil), buildSet(t, setSpec{identity: denyAll}, "", ""))
	if want := "sts:GetCallerIdentity needs no permission: AWS answers it for every authenticated caller, even under an explicit deny (user/alice)"; res.Proof() != want {
		t.Fatalf("proof:\n got %q\nwant %q", res.Proof(), want)
	}
}
