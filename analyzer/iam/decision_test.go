package iam

import (
	"fmt"
	"strings"
	"testing"
)

const (
	acctA   = "111111111111" // owns the resources
	acctB   = "222222222222" // the connector's account
	userA   = "arn:aws:iam::111111111111:user/alice"
	roleA   = "arn:aws:iam::111111111111:role/Reader"
	sessA   = "arn:aws:sts::111111111111:assumed-role/Reader/s1"
	rootA   = "arn:aws:iam::111111111111:root"
	roleB   = "arn:aws:iam::222222222222:role/Connector"
	sessB   = "arn:aws:sts::222222222222:assumed-role/Connector/sess"
	userB   = "arn:aws:iam::222222222222:user/bob"
	rootB   = "arn:aws:iam::222222222222:root"
	slrA    = "arn:aws:iam::111111111111:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
	bucket  = "arn:aws:s3:::logs-bucket"
	object  = "arn:aws:s3:::logs-bucket/AWSLogs/111111111111/CloudTrail/x.json.gz"
	keyA    = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	topicA  = "arn:aws:sns:us-east-1:111111111111:security-events"
	queueA  = "arn:aws:sqs:us-east-1:111111111111:siem-queue"
	trailA  = "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	roleTgt = "arn:aws:iam::111111111111:role/ExpelRole"
	detA    = "arn:aws:guardduty:us-east-1:111111111111:detector/abc"
)

// allowS builds an Allow identity statement.
func allowS(action, resource string) string {
	return `{"Effect":"Allow","Action":"` + action + `","Resource":"` + resource + `"}`
}

func denyS(action, resource string) string {
	return `{"Effect":"Deny","Action":"` + action + `","Resource":"` + resource + `"}`
}

// rs builds a resource-policy statement; principal is the Principal JSON
// value, cond the Condition JSON (or "").
func rs(sid, effect, principal, action, resource, cond string) string {
	s := `{"Sid":"` + sid + `","Effect":"` + effect + `","Principal":` + principal + `,"Action":"` + action + `"`
	if resource != "" {
		s += `,"Resource":"` + resource + `"`
	}
	if cond != "" {
		s += `,"Condition":` + cond
	}
	return s + "}"
}

func aws(arn string) string { return `{"AWS":"` + arn + `"}` }
func svc(s string) string   { return `{"Service":"` + s + `"}` }

type decisionCase struct {
	name     string
	doc      string
	req      Request
	set      setSpec
	want     Decision
	deciding StepKind // optional: the kind of the deciding step
}

func r(principal, action, resource string, ctx map[string][]string) Request {
	acct := ""
	if p, ok := arnParts(resource); ok && p[3] != "" {
		acct = p[3]
	} else if resource != "*" {
		acct = acctA
	}
	return Request{Principal: principal, Action: action, Resource: resource, ResourceAccount: acct, Context: ctx}
}

func id(stmts_ ...string) []string { return []string{stmts(stmts_...)} }

func TestDecisions(t *testing.T) {
	scpFull := []string{fullAccessSCP}
	rcpFull := []string{fullAccessRCP}
	orgRCP := stmts(
		`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`,
	)
	denyOutsideOrgRCP := stmts(`{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*","kms:*","sts:*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}`)
	ctBucketPolicy := stmts(
		rs("AWSCloudTrailAclCheck", "Allow", svc("cloudtrail.amazonaws.com"), "s3:GetBucketAcl", bucket, `{"StringEquals":{"aws:SourceArn":"`+trailA+`"}}`),
		rs("AWSCloudTrailWrite", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", bucket+"/AWSLogs/111111111111/*", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"`+trailA+`"}}`),
	)
	defaultKeyPolicy := stmts(rs("Enable IAM User Permissions", "Allow", aws(rootA), "kms:*", "*", ""))
	directKeyPolicy := stmts(rs("AllowReader", "Allow", aws(roleA), "kms:Decrypt", "*", ""))
	crossKeyPolicy := stmts(
		rs("Enable IAM User Permissions", "Allow", aws(rootA), "kms:*", "*", ""),
		rs("AllowExternalAccount", "Allow", aws(rootB), "kms:Decrypt", "*", ""),
	)
	trustAccountB := stmts(rs("ConnectorTrust", "Allow", aws(rootB), "sts:AssumeRole", "", `{"StringEquals":{"sts:ExternalId":"ext-123"}}`))
	ctx := func(kvs ...string) map[string][]string {
		m := map[string][]string{}
		for i := 0; i+1 < len(kvs); i += 2 {
			m[kvs[i]] = append(m[kvs[i]], kvs[i+1])
		}
		return m
	}

	cases := []decisionCase{
		// Basics of a single account.
		{name: "no policy means implicit deny", doc: docEvalLogic, req: r(userA, "s3:GetObject", object, nil), want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "identity allow", doc: docSingleAcct, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:GetObject", bucket+"/*"))}, want: Allowed, deciding: StepIdentity},
		{name: "deny overrides allow in the same policy", doc: docEvalLogic, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*"), denyS("s3:GetObject", "*"))}, want: ExplicitlyDenied, deciding: StepIdentity},
		{name: "allow for another action", doc: docEvalLogic, req: r(userA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:GetObject", "*"))}, want: ImplicitlyDenied},
		{name: "allow in the second identity policy", doc: docEvalLogic, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: []string{stmt(allowS("sqs:*", "*")), stmt(allowS("s3:GetObject", "*"))}}, want: Allowed},
		{name: "deny in another identity policy", doc: docEvalLogic, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: []string{stmt(allowS("s3:*", "*")), stmt(denyS("s3:Get*", bucket+"/*"))}}, want: ExplicitlyDenied},
		{name: "deny with NotAction not covering the action", doc: docNotAction, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","NotAction":"s3:*","Resource":"*"}`)}, want: Allowed},
		{name: "deny whose condition is false", doc: docCondition, req: r(userA, "s3:GetObject", object, ctx("aws:SecureTransport", "true")), set: setSpec{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)}, want: Allowed},
		{name: "deny whose condition is true", doc: docCondition, req: r(userA, "s3:GetObject", object, ctx("aws:SecureTransport", "false")), set: setSpec{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`)}, want: ExplicitlyDenied},
		{name: "allow whose condition is false", doc: docCondition, req: r(userA, "s3:GetObject", object, ctx("aws:RequestedRegion", "eu-west-1")), set: setSpec{identity: id(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}`)}, want: ImplicitlyDenied},
		{name: "deny on NotResource outside the listed bucket", doc: docNotResource, req: r(userA, "s3:GetObject", "arn:aws:s3:::other/k", nil), set: setSpec{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:*","NotResource":["`+bucket+`","`+bucket+`/*"]}`)}, want: ExplicitlyDenied},
		{name: "deny on NotResource spares the listed bucket", doc: docNotResource, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*"), `{"Effect":"Deny","Action":"s3:*","NotResource":["`+bucket+`","`+bucket+`/*"]}`)}, want: Allowed},
		{name: "root user of the account has full access", doc: docEvalLogic, req: r(rootA, "s3:GetObject", object, nil), want: Allowed},

		// Same-account resource policies.
		{name: "bucket policy naming the user suffices", doc: docSingleAcct, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("U", "Allow", aws(userA), "s3:GetObject", bucket+"/*", ""))}, want: Allowed, deciding: StepResource},
		{name: "bucket policy naming the account delegates to identity policies", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Acct", "Allow", aws(rootA), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "account delegation plus identity allow", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("Acct", "Allow", aws(rootA), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "account ID form of the account principal", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Acct", "Allow", aws(acctA), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied},
		{name: "account ID form with identity allow", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Acct", "Allow", aws(acctA), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "public bucket policy allows without identity policy", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Public", "Allow", `"*"`, "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "AWS star principal is everyone", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Public", "Allow", aws("*"), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "bucket policy deny beats identity allow", doc: docEvalLogic, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("D", "Deny", aws(userA), "s3:GetObject", bucket+"/*", ""))}, want: ExplicitlyDenied, deciding: StepResource},
		{name: "identity allow suffices when the bucket policy is silent", doc: docSingleAcct, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Other", "Allow", aws(roleB), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "role ARN in the resource policy matches its session", doc: docPrincipal, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Role", "Allow", aws(roleA), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "role ARN with a path matches the session", doc: docPrincipal, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Role", "Allow", aws("arn:aws:iam::111111111111:role/team/Reader"), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "session ARN matches only that session", doc: docPrincipal, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Other", "Allow", aws("arn:aws:sts::111111111111:assumed-role/Reader/other"), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied},
		{name: "session ARN matches its session", doc: docPrincipal, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Sess", "Allow", aws(sessA), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "another role does not match", doc: docPrincipal, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Other", "Allow", aws("arn:aws:iam::111111111111:role/Writer"), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied},
		{name: "grant to the role ARN is limited by the boundary", doc: docEvalLogic, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Role", "Allow", aws(roleA), "s3:GetObject", bucket+"/*", "")), boundaries: []string{stmt(allowS("sqs:*", "*"))}}, want: ImplicitlyDenied, deciding: StepBoundary},
		{name: "grant to the session ARN is not limited by the boundary", doc: docEvalLogic, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Sess", "Allow", aws(sessA), "s3:GetObject", bucket+"/*", "")), boundaries: []string{stmt(allowS("sqs:*", "*"))}}, want: Allowed},
		{name: "grant to the user ARN is not limited by the boundary", doc: docEvalLogic, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("U", "Allow", aws(userA), "s3:GetObject", bucket+"/*", "")), boundaries: []string{stmt(allowS("sqs:*", "*"))}}, want: Allowed},
		{name: "grant to the role ARN is limited by the session policy", doc: docSession, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Role", "Allow", aws(roleA), "s3:GetObject", bucket+"/*", "")), session: stmt(allowS("sqs:*", "*"))}, want: ImplicitlyDenied, deciding: StepSession},
		{name: "grant to the session ARN is not limited by the session policy", doc: docSession, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Sess", "Allow", aws(sessA), "s3:GetObject", bucket+"/*", "")), session: stmt(allowS("sqs:*", "*"))}, want: Allowed},
		{name: "explicit deny in a boundary beats a session-ARN grant", doc: docEvalLogic, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Sess", "Allow", aws(sessA), "s3:GetObject", bucket+"/*", "")), boundaries: []string{stmt(denyS("s3:*", "*"))}}, want: ExplicitlyDenied, deciding: StepBoundary},
		{name: "unknown resource account is evaluated as same-account", doc: docSingleAcct, req: Request{Principal: userA, Action: "s3:GetObject", Resource: object}, set: setSpec{identity: id(allowS("s3:*", "*"))}, want: Allowed},
		{name: "a deleted role's unique ID matches nobody", doc: docPrincipal, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Old", "Allow", aws("AROAEXAMPLEID1234567"), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied},
		{name: "principal list matches any entry", doc: docPrincipal, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("L", "Allow", `{"AWS":["`+roleB+`","`+userA+`"]}`, "s3:GetObject", bucket+"/*", ""))}, want: Allowed},

		// Cross-account.
		{name: "cross-account needs the resource policy", doc: docCrossAcct, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*"))}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "cross-account account grant plus identity allow", doc: docCrossAcct, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:GetObject", "*")), resource: stmt(rs("B", "Allow", aws(rootB), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "cross-account account grant without identity allow", doc: docCrossAcct, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("B", "Allow", aws(rootB), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "cross-account role grant still needs identity allow", doc: docCrossAcct, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("B", "Allow", aws(roleB), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "cross-account role grant plus identity allow", doc: docCrossAcct, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:GetObject", bucket+"/*")), resource: stmt(rs("B", "Allow", aws(roleB), "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "cross-account limited by the boundary", doc: docBoundaries, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmt(allowS("sqs:*", "*"))}, resource: stmt(rs("B", "Allow", aws(roleB), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied, deciding: StepBoundary},
		{name: "cross-account org condition met", doc: docGlobalKeys, req: r(sessB, "s3:GetObject", object, ctx("aws:PrincipalOrgID", "o-abc123")), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Org", "Allow", `"*"`, "s3:GetObject", bucket+"/*", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))}, want: Allowed},
		{name: "cross-account org condition not met", doc: docGlobalKeys, req: r(sessB, "s3:GetObject", object, ctx("aws:PrincipalOrgID", "o-zzz")), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Org", "Allow", `"*"`, "s3:GetObject", bucket+"/*", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "cross-account org condition without the key", doc: docGlobalKeys, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Org", "Allow", `"*"`, "s3:GetObject", bucket+"/*", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))}, want: ImplicitlyDenied},
		{name: "cross-account explicit deny in the resource policy", doc: docCrossAcct, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmts(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""), rs("NoB", "Deny", aws(roleB), "s3:GetObject", bucket+"/*", ""))}, want: ExplicitlyDenied},
		{name: "cross-account with a session policy that allows", doc: docSession, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*")), resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""))}, want: Allowed},
		{name: "cross-account user named directly", doc: docCrossAcct, req: r(userB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("Bob", "Allow", aws(userB), "s3:*", bucket+"/*", ""))}, want: Allowed},
		{name: "cross-account root user with an account grant", doc: docCrossAcct, req: r(rootB, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""))}, want: Allowed},
		{name: "cross-account root user without a grant", doc: docCrossAcct, req: r(rootB, "s3:GetObject", object, nil), want: ImplicitlyDenied},
		{name: "aws:PrincipalAccount derived from the caller", doc: docGlobalKeys, req: r(sessB, "sqs:ReceiveMessage", queueA, nil), set: setSpec{identity: id(allowS("sqs:*", "*")), resource: stmt(rs("Acct", "Allow", `"*"`, "sqs:ReceiveMessage", queueA, `{"StringEquals":{"aws:PrincipalAccount":"222222222222"}}`))}, want: Allowed},
		{name: "aws:PrincipalArn derived from the session is the role ARN", doc: docGlobalKeys, req: r(sessB, "sqs:ReceiveMessage", queueA, nil), set: setSpec{identity: id(allowS("sqs:*", "*")), resource: stmt(rs("Arn", "Allow", `"*"`, "sqs:ReceiveMessage", queueA, `{"ArnEquals":{"aws:PrincipalArn":"`+roleB+`"}}`))}, want: Allowed},
		{name: "queue policy for the connector role", doc: docCrossAcct, req: r(sessB, "sqs:ReceiveMessage", queueA, nil), set: setSpec{identity: id(allowS("sqs:ReceiveMessage", queueA), allowS("sqs:DeleteMessage", queueA)), resource: stmt(rs("Connector", "Allow", aws(roleB), "sqs:ReceiveMessage", queueA, ""))}, want: Allowed},
		{name: "queue policy does not cover DeleteMessage", doc: docCrossAcct, req: r(sessB, "sqs:DeleteMessage", queueA, nil), set: setSpec{identity: id(allowS("sqs:*", queueA)), resource: stmt(rs("Connector", "Allow", aws(roleB), "sqs:ReceiveMessage", queueA, ""))}, want: ImplicitlyDenied},

		// KMS key policies.
		{name: "no key policy: IAM policies alone never allow", doc: docKMSKeyPol, req: r(sessA, "kms:Decrypt", keyA, nil), set: setSpec{identity: id(allowS("kms:Decrypt", "*"))}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "default key policy delegates to IAM", doc: docKMSKeyPol, req: r(sessA, "kms:Decrypt", keyA, nil), set: setSpec{identity: id(allowS("kms:Decrypt", keyA)), resource: defaultKeyPolicy}, want: Allowed},
		{name: "default key policy without an IAM allow", doc: docKMSKeyPol, req: r(sessA, "kms:Decrypt", keyA, nil), set: setSpec{resource: defaultKeyPolicy}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "key policy naming the role allows without IAM", doc: docKMSKeyPol, req: r(sessA, "kms:Decrypt", keyA, nil), set: setSpec{resource: directKeyPolicy}, want: Allowed, deciding: StepResource},
		{name: "key policy without the account: IAM allow does not count", doc: docKMSKeyPol, req: r(userA, "kms:Decrypt", keyA, nil), set: setSpec{identity: id(allowS("kms:*", "*")), resource: directKeyPolicy}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "key policy naming the role is limited by the boundary", doc: docBoundaries, req: r(sessA, "kms:Decrypt", keyA, nil), set: setSpec{resource: directKeyPolicy, boundaries: []string{stmt(allowS("s3:*", "*"))}}, want: ImplicitlyDenied, deciding: StepBoundary},
		{name: "cross-account key: external account plus its IAM allow", doc: docKMSCross, req: r(sessB, "kms:Decrypt", keyA, nil), set: setSpec{identity: id(allowS("kms:Decrypt", keyA)), resource: crossKeyPolicy}, want: Allowed},
		{name: "cross-account key: external account without its IAM allow", doc: docKMSCross, req: r(sessB, "kms:Decrypt", keyA, nil), set: setSpec{resource: crossKeyPolicy}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "cross-account key: key policy names only the owner", doc: docKMSCross, req: r(sessB, "kms:Decrypt", keyA, nil), set: setSpec{identity: id(allowS("kms:*", "*")), resource: defaultKeyPolicy}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "cross-account key: role named but no IAM allow", doc: docKMSCross, req: r(sessB, "kms:Decrypt", keyA, nil), set: setSpec{resource: stmt(rs("Ext", "Allow", aws(roleB), "kms:Decrypt", "*", ""))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "key policy deny outside the org", doc: docGlobalKeys, req: r(sessB, "kms:Decrypt", keyA, ctx("aws:PrincipalOrgID", "o-other")), set: setSpec{identity: id(allowS("kms:*", "*")), resource: stmts(rs("Ext", "Allow", aws(rootB), "kms:Decrypt", "*", ""), rs("Deny-outside-org", "Deny", `"*"`, "kms:*", "*", `{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))}, want: ExplicitlyDenied, deciding: StepResource},
		{name: "kms:ViaService allows use through S3", doc: docKMSKeys, req: r(sessA, "kms:Decrypt", keyA, ctx("kms:ViaService", "s3.us-east-1.amazonaws.com")), set: setSpec{resource: stmt(rs("Via", "Allow", aws(roleA), "kms:Decrypt", "*", `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}`))}, want: Allowed},
		{name: "kms:ViaService refuses direct calls", doc: docKMSKeys, req: r(sessA, "kms:Decrypt", keyA, nil), set: setSpec{resource: stmt(rs("Via", "Allow", aws(roleA), "kms:Decrypt", "*", `{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}`))}, want: ImplicitlyDenied},
		{name: "kms:ViaService wildcard on SQS", doc: docKMSKeys, req: r(sessB, "kms:Decrypt", keyA, ctx("kms:ViaService", "sqs.eu-west-1.amazonaws.com")), set: setSpec{identity: id(allowS("kms:Decrypt", "*")), resource: stmt(rs("Via", "Allow", aws(rootB), "kms:Decrypt", "*", `{"StringLike":{"kms:ViaService":"sqs.*.amazonaws.com"}}`))}, want: Allowed},
		{name: "kms:CallerAccount matches", doc: docKMSKeys, req: r(sessB, "kms:Decrypt", keyA, ctx("kms:CallerAccount", acctB)), set: setSpec{identity: id(allowS("kms:Decrypt", "*")), resource: stmt(rs("Caller", "Allow", `"*"`, "kms:Decrypt", "*", `{"StringEquals":{"kms:CallerAccount":"222222222222"}}`))}, want: Allowed},
		{name: "kms:CallerAccount differs", doc: docKMSKeys, req: r(sessB, "kms:Decrypt", keyA, ctx("kms:CallerAccount", "333333333333")), set: setSpec{identity: id(allowS("kms:Decrypt", "*")), resource: stmt(rs("Caller", "Allow", `"*"`, "kms:Decrypt", "*", `{"StringEquals":{"kms:CallerAccount":"222222222222"}}`))}, want: ImplicitlyDenied},
		{name: "CloudTrail encrypts with its encryption context", doc: docCTKMS, req: r("cloudtrail.amazonaws.com", "kms:GenerateDataKey", keyA, ctx("kms:EncryptionContext:aws:cloudtrail:arn", trailA, "aws:SourceArn", trailA)), set: setSpec{resource: stmt(rs("CT", "Allow", svc("cloudtrail.amazonaws.com"), "kms:GenerateDataKey*", "*", `{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:111111111111:trail/*"},"StringEquals":{"aws:SourceArn":"`+trailA+`"}}`))}, want: Allowed},
		{name: "CloudTrail without the encryption context", doc: docCTKMS, req: r("cloudtrail.amazonaws.com", "kms:GenerateDataKey", keyA, ctx("aws:SourceArn", trailA)), set: setSpec{resource: stmt(rs("CT", "Allow", svc("cloudtrail.amazonaws.com"), "kms:GenerateDataKey*", "*", `{"StringLike":{"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:111111111111:trail/*"}}`))}, want: ImplicitlyDenied},
		{name: "explicit KMS resource type on an alias ARN", doc: docKMSKeyPol, req: r(sessA, "kms:Decrypt", "arn:aws:kms:us-east-1:111111111111:alias/logs", nil), set: setSpec{identity: id(allowS("kms:*", "*")), rtype: ResourceKMSKey}, want: ImplicitlyDenied, deciding: StepResource},

		// Role trust policies.
		{name: "trust naming the user allows without IAM", doc: docTrust, req: r(userA, "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("U", "Allow", aws(userA), "sts:AssumeRole", "", ""))}, want: Allowed, deciding: StepResource},
		{name: "trust naming the account needs IAM", doc: docTrust, req: r(userA, "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("Acct", "Allow", aws(rootA), "sts:AssumeRole", "", ""))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "trust naming the account plus IAM allow", doc: docTrust, req: r(userA, "sts:AssumeRole", roleTgt, nil), set: setSpec{identity: id(allowS("sts:AssumeRole", roleTgt)), resource: stmt(rs("Acct", "Allow", aws(rootA), "sts:AssumeRole", "", ""))}, want: Allowed},
		{name: "no trust policy statement for the caller", doc: docTrust, req: r(userA, "sts:AssumeRole", roleTgt, nil), set: setSpec{identity: id(allowS("sts:AssumeRole", "*")), resource: stmt(rs("Other", "Allow", aws(roleB), "sts:AssumeRole", "", ""))}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "connector assumes with the right external ID", doc: docExternalID, req: r(sessB, "sts:AssumeRole", roleTgt, ctx("sts:ExternalId", "ext-123")), set: setSpec{identity: id(allowS("sts:AssumeRole", roleTgt)), resource: trustAccountB}, want: Allowed},
		{name: "connector assumes with a wrong external ID", doc: docExternalID, req: r(sessB, "sts:AssumeRole", roleTgt, ctx("sts:ExternalId", "ext-999")), set: setSpec{identity: id(allowS("sts:AssumeRole", roleTgt)), resource: trustAccountB}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "connector assumes without an external ID", doc: docExternalID, req: r(sessB, "sts:AssumeRole", roleTgt, nil), set: setSpec{identity: id(allowS("sts:AssumeRole", roleTgt)), resource: trustAccountB}, want: ImplicitlyDenied},
		{name: "connector lacks sts:AssumeRole in its own account", doc: docCrossAcct, req: r(sessB, "sts:AssumeRole", roleTgt, ctx("sts:ExternalId", "ext-123")), set: setSpec{identity: id(allowS("s3:*", "*")), resource: trustAccountB}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "trust naming the connector role still needs its IAM allow", doc: docCrossAcct, req: r(sessB, "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("R", "Allow", aws(roleB), "sts:AssumeRole", "", ""))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "connector SCP denies AssumeRole", doc: docSCPEval, req: r(sessB, "sts:AssumeRole", roleTgt, ctx("sts:ExternalId", "ext-123")), set: setSpec{identity: id(allowS("sts:AssumeRole", "*")), resource: trustAccountB, scps: [][]string{scpFull, {stmts(allowS("*", "*"), denyS("sts:AssumeRole", "*"))}}}, want: ExplicitlyDenied, deciding: StepSCP},
		{name: "external ID listed among several", doc: docExternalID, req: r(sessB, "sts:AssumeRole", roleTgt, ctx("sts:ExternalId", "b")), set: setSpec{identity: id(allowS("sts:AssumeRole", "*")), resource: stmt(rs("T", "Allow", aws(rootB), "sts:AssumeRole", "", `{"StringEquals":{"sts:ExternalId":["a","b"]}}`))}, want: Allowed},
		{name: "service principal trusted by a role", doc: docTrust, req: r("ec2.amazonaws.com", "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("EC2", "Allow", svc("ec2.amazonaws.com"), "sts:AssumeRole", "", ""))}, want: Allowed},
		{name: "another service is not trusted", doc: docTrust, req: r("lambda.amazonaws.com", "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("EC2", "Allow", svc("ec2.amazonaws.com"), "sts:AssumeRole", "", ""))}, want: ImplicitlyDenied},
		{name: "role chaining: trust names the calling role", doc: docTrust, req: r(sessA, "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("Chain", "Allow", aws(roleA), "sts:AssumeRole", "", ""))}, want: Allowed},
		{name: "trust allows AssumeRole, not TagSession", doc: docTrust, req: r(sessB, "sts:TagSession", roleTgt, nil), set: setSpec{identity: id(allowS("sts:*", "*")), resource: trustAccountB, rtype: ResourceRoleTrust}, want: ImplicitlyDenied},
		{name: "TagSession on a role takes trust semantics", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html", req: r(userA, "sts:TagSession", roleTgt, nil), set: setSpec{identity: id(allowS("sts:*", "*")), resource: stmt(rs("Other", "Allow", aws(roleB), "sts:TagSession", "", ""))}, want: ImplicitlyDenied, deciding: StepResource},
		{name: "TagSession allowed by the trust policy", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html", req: r(userA, "sts:TagSession", roleTgt, nil), set: setSpec{resource: stmt(rs("U", "Allow", aws(userA), "sts:TagSession", "", ""))}, want: Allowed},
		{name: "trust with an org condition", doc: docGlobalKeys, req: r(sessB, "sts:AssumeRole", roleTgt, ctx("aws:PrincipalOrgID", "o-abc123")), set: setSpec{identity: id(allowS("sts:AssumeRole", "*")), resource: stmt(rs("Org", "Allow", aws("*"), "sts:AssumeRole", "", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))}, want: Allowed},
		{name: "SAML federation trust", doc: docPrincipal, req: r("arn:aws:iam::111111111111:saml-provider/Okta", "sts:AssumeRoleWithSAML", roleTgt, ctx("SAML:aud", "https://signin.aws.amazon.com/saml")), set: setSpec{resource: stmt(rs("SAML", "Allow", `{"Federated":"arn:aws:iam::111111111111:saml-provider/Okta"}`, "sts:AssumeRoleWithSAML", "", `{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}`))}, want: Allowed},

		{name: "the root user cannot assume a role", doc: "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html", req: r(rootB, "sts:AssumeRole", roleTgt, nil), set: setSpec{resource: stmt(rs("B", "Allow", aws(rootB), "sts:AssumeRole", "", ""))}, want: ImplicitlyDenied, deciding: StepNote},
		{name: "web identity federation trust", doc: docPrincipal, req: r("cognito-identity.amazonaws.com", "sts:AssumeRoleWithWebIdentity", roleTgt, ctx("cognito-identity.amazonaws.com:aud", "us-east-1:pool")), set: setSpec{resource: stmt(rs("Web", "Allow", `{"Federated":"cognito-identity.amazonaws.com"}`, "sts:AssumeRoleWithWebIdentity", "", `{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:pool"}}`))}, want: Allowed},

		// Service principals writing and publishing.
		{name: "CloudTrail writes with ACL and SourceArn", doc: docCTBucket, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA, "aws:SourceAccount", acctA)), set: setSpec{resource: ctBucketPolicy}, want: Allowed, deciding: StepResource},
		{name: "CloudTrail from another trail", doc: docCTBucket, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", "arn:aws:cloudtrail:us-east-1:333333333333:trail/x")), set: setSpec{resource: ctBucketPolicy}, want: ImplicitlyDenied},
		{name: "CloudTrail without the ACL header", doc: docCTBucket, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy}, want: ImplicitlyDenied},
		{name: "CloudTrail outside the AWSLogs prefix", doc: docCTBucket, req: r("cloudtrail.amazonaws.com", "s3:PutObject", bucket+"/other/x", ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy}, want: ImplicitlyDenied},
		{name: "CloudTrail ACL check", doc: docCTBucket, req: r("cloudtrail.amazonaws.com", "s3:GetBucketAcl", bucket, ctx("aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy}, want: Allowed},
		{name: "CloudTrail with aws:SourceAccount", doc: docConfused, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("aws:SourceAccount", acctA)), set: setSpec{resource: stmt(rs("CT", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", bucket+"/*", `{"StringEquals":{"aws:SourceAccount":"111111111111"}}`))}, want: Allowed},
		{name: "CloudTrail from another account", doc: docConfused, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("aws:SourceAccount", "333333333333")), set: setSpec{resource: stmt(rs("CT", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", bucket+"/*", `{"StringEquals":{"aws:SourceAccount":"111111111111"}}`))}, want: ImplicitlyDenied},
		{name: "organization trail with aws:SourceOrgID", doc: docConfused, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("aws:SourceOrgID", "o-abc123")), set: setSpec{resource: stmt(rs("Org", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", bucket+"/*", `{"StringEquals":{"aws:SourceOrgID":"o-abc123"}}`))}, want: Allowed},
		{name: "GuardDuty export with SourceAccount and SourceArn", doc: docGDExport, req: r("guardduty.amazonaws.com", "s3:PutObject", bucket+"/guardduty/x.jsonl.gz", ctx("aws:SourceAccount", acctA, "aws:SourceArn", detA)), set: setSpec{resource: stmt(rs("GD", "Allow", svc("guardduty.amazonaws.com"), "s3:PutObject", bucket+"/*", `{"StringEquals":{"aws:SourceAccount":"111111111111","aws:SourceArn":"`+detA+`"}}`))}, want: Allowed},
		{name: "GuardDuty denied without TLS", doc: docGDExport, req: r("guardduty.amazonaws.com", "s3:PutObject", bucket+"/guardduty/x", ctx("aws:SecureTransport", "false")), set: setSpec{resource: stmts(rs("GD", "Allow", svc("guardduty.amazonaws.com"), "s3:PutObject", bucket+"/*", ""), rs("TLS", "Deny", `"*"`, "s3:*", bucket+"/*", `{"Bool":{"aws:SecureTransport":"false"}}`))}, want: ExplicitlyDenied},
		{name: "GuardDuty over TLS", doc: docGDExport, req: r("guardduty.amazonaws.com", "s3:PutObject", bucket+"/guardduty/x", ctx("aws:SecureTransport", "true")), set: setSpec{resource: stmts(rs("GD", "Allow", svc("guardduty.amazonaws.com"), "s3:PutObject", bucket+"/*", ""), rs("TLS", "Deny", `"*"`, "s3:*", bucket+"/*", `{"Bool":{"aws:SecureTransport":"false"}}`))}, want: Allowed},
		{name: "GuardDuty not listed where CloudTrail is", doc: docGDExport, req: r("guardduty.amazonaws.com", "s3:PutObject", object, nil), set: setSpec{resource: ctBucketPolicy}, want: ImplicitlyDenied},
		{name: "S3 publishes event notifications to SNS", doc: docS3Notify, req: r("s3.amazonaws.com", "sns:Publish", topicA, ctx("aws:SourceArn", bucket, "aws:SourceAccount", acctA)), set: setSpec{resource: stmt(rs("S3", "Allow", svc("s3.amazonaws.com"), "SNS:Publish", topicA, `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:*:*:logs-bucket"},"StringEquals":{"aws:SourceAccount":"111111111111"}}`))}, want: Allowed},
		{name: "S3 from another bucket", doc: docS3Notify, req: r("s3.amazonaws.com", "sns:Publish", topicA, ctx("aws:SourceArn", "arn:aws:s3:::other", "aws:SourceAccount", acctA)), set: setSpec{resource: stmt(rs("S3", "Allow", svc("s3.amazonaws.com"), "SNS:Publish", topicA, `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:*:*:logs-bucket"},"StringEquals":{"aws:SourceAccount":"111111111111"}}`))}, want: ImplicitlyDenied},
		{name: "SNS delivers to SQS from the topic", doc: docSNSSQS, req: r("sns.amazonaws.com", "sqs:SendMessage", queueA, ctx("aws:SourceArn", topicA)), set: setSpec{resource: stmt(rs("SNS", "Allow", svc("sns.amazonaws.com"), "sqs:SendMessage", queueA, `{"ArnEquals":{"aws:SourceArn":"`+topicA+`"}}`))}, want: Allowed},
		{name: "SNS from another topic", doc: docSNSSQS, req: r("sns.amazonaws.com", "sqs:SendMessage", queueA, ctx("aws:SourceArn", "arn:aws:sns:us-east-1:111111111111:other")), set: setSpec{resource: stmt(rs("SNS", "Allow", svc("sns.amazonaws.com"), "sqs:SendMessage", queueA, `{"ArnEquals":{"aws:SourceArn":"`+topicA+`"}}`))}, want: ImplicitlyDenied},
		{name: "Config writes with the ACL", doc: docConfigBkt, req: r("config.amazonaws.com", "s3:PutObject", bucket+"/AWSLogs/111111111111/Config/x", ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceAccount", acctA)), set: setSpec{resource: stmt(rs("Config", "Allow", svc("config.amazonaws.com"), "s3:PutObject", bucket+"/AWSLogs/111111111111/Config/*", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","AWS:SourceAccount":"111111111111"}}`))}, want: Allowed},
		{name: "delivery.logs writes flow logs", doc: docDeliveryLog, req: r("delivery.logs.amazonaws.com", "s3:PutObject", bucket+"/AWSLogs/111111111111/x", ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceAccount", acctA, "aws:SourceArn", "arn:aws:logs:us-east-1:111111111111:*")), set: setSpec{resource: stmt(rs("Logs", "Allow", svc("delivery.logs.amazonaws.com"), "s3:PutObject", bucket+"/AWSLogs/111111111111/*", `{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceAccount":"111111111111"},"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111111111111:*"}}`))}, want: Allowed},
		{name: "service principals are not subject to SCPs", doc: docSCP, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy, scps: [][]string{{stmt(denyS("*", "*"))}}}, want: Allowed},
		// RCPs bind service principals; AWS's perimeter RCP spares them only
		// through aws:PrincipalIsAWSService (docKMSRCP).
		{name: "service principal spared by the RCP's aws:PrincipalIsAWSService condition", doc: docKMSRCP, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy, rcps: [][]string{rcpFull, {fullAccessRCP, denyOutsideOrgRCP}}}, want: Allowed},
		{name: "service principals are subject to RCPs without that exemption", doc: docKMSRCP, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy, rcps: [][]string{rcpFull, {fullAccessRCP, stmts(`{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}`)}}}, want: ExplicitlyDenied, deciding: StepRCP},
		{name: "RCP confused-deputy guard denies a service acting for another account", doc: docKMSRCP, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA, "aws:SourceAccount", "999999999999")), set: setSpec{resource: ctBucketPolicy, rcps: [][]string{rcpFull, {fullAccessRCP, stmts(`{"Sid":"RCPEnforceConfusedDeputyProtection","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceOrgID":"o-abc123"},"Null":{"aws:SourceAccount":"false"},"Bool":{"aws:PrincipalIsAWSService":"true"}}}`)}}}, want: ExplicitlyDenied, deciding: StepRCP},
		{name: "RCPs do not bind a service writing to the management account", doc: docRCP, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy, rcps: [][]string{{stmts(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`)}}, mgmtResource: true}, want: Allowed},
		{name: "aws:PrincipalIsAWSService spares services from a deny", doc: docGlobalKeys, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, ctx("s3:x-amz-acl", "bucket-owner-full-control", "aws:SourceArn", trailA)), set: setSpec{resource: stmts(rs("AWSCloudTrailWrite", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", bucket+"/*", ""), rs("OrgOnly", "Deny", `"*"`, "s3:*", bucket+"/*", `{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},"Bool":{"aws:PrincipalIsAWSService":"false"}}`))}, want: Allowed},
		{name: "service principal without a resource policy", doc: docEvalLogic, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, nil), want: ImplicitlyDenied, deciding: StepResource},
		{name: "anonymous read of a public object", doc: docPrincipal, req: r("*", "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Public", "Allow", `"*"`, "s3:GetObject", bucket+"/*", ""))}, want: Allowed},
		{name: "anonymous callers are not in any account", doc: docPrincipal, req: r("*", "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Acct", "Allow", aws(rootA), "s3:GetObject", bucket+"/*", ""))}, want: ImplicitlyDenied},
		{name: "anonymous without a resource policy", doc: docEvalLogic, req: r("*", "s3:GetObject", object, nil), want: ImplicitlyDenied},

		// SCPs.
		{name: "SCP full access at every level", doc: docSCPEval, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", nil), set: setSpec{identity: id(allowS("sqs:*", "*")), scps: [][]string{scpFull, scpFull, scpFull}}, want: Allowed},
		{name: "SCP level without an allow", doc: docSCPEval, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", nil), set: setSpec{identity: id(allowS("sqs:*", "*")), scps: [][]string{scpFull, {stmt(allowS("s3:*", "*"))}, scpFull}}, want: ImplicitlyDenied, deciding: StepSCP},
		{name: "SCP deny at an OU", doc: docSCPEval, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", nil), set: setSpec{identity: id(allowS("sqs:*", "*")), scps: [][]string{scpFull, {fullAccessSCP, stmt(denyS("sqs:*", "*"))}}}, want: ExplicitlyDenied, deciding: StepSCP},
		{name: "SCP allow list at the account level", doc: docSCPEval, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", nil), set: setSpec{identity: id(allowS("*", "*")), scps: [][]string{scpFull, scpFull, {stmt(allowS("s3:*", "*"))}}}, want: ImplicitlyDenied},
		{name: "SCPs do not apply to the management account", doc: docSCP, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", nil), set: setSpec{identity: id(allowS("*", "*")), scps: [][]string{{stmt(denyS("*", "*"))}}, mgmtPrinc: true}, want: Allowed},
		{name: "SCPs do not apply to service-linked roles", doc: docSCP, req: r(slrA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), scps: [][]string{{stmt(denyS("*", "*"))}}}, want: Allowed},
		{name: "SCPs never grant", doc: docSCPEval, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", nil), set: setSpec{scps: [][]string{scpFull}}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "SCP limits a same-account resource-policy grant", doc: docSCPEval, req: r(userA, "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("U", "Allow", aws(userA), "s3:GetObject", bucket+"/*", "")), scps: [][]string{{stmt(allowS("sqs:*", "*"))}}}, want: ImplicitlyDenied, deciding: StepSCP},
		{name: "SCP region deny", doc: docSCPSyntax, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:eu-west-1:222222222222:q", ctx("aws:RequestedRegion", "eu-west-1")), set: setSpec{identity: id(allowS("*", "*")), scps: [][]string{{stmts(allowS("*", "*"), `{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}`)}}}, want: ExplicitlyDenied},
		{name: "SCP region deny spares the allowed region", doc: docSCPSyntax, req: r(sessB, "sqs:ReceiveMessage", "arn:aws:sqs:us-east-1:222222222222:q", ctx("aws:RequestedRegion", "us-east-1")), set: setSpec{identity: id(allowS("*", "*")), scps: [][]string{{stmts(allowS("*", "*"), `{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}`)}}}, want: Allowed},
		{name: "SCP protecting the trail denies StopLogging", doc: docSCPSyntax, req: r(sessA, "cloudtrail:StopLogging", trailA, nil), set: setSpec{identity: id(allowS("*", "*")), scps: [][]string{{fullAccessSCP, stmt(denyS("cloudtrail:StopLogging", "*"))}}}, want: ExplicitlyDenied},
		{name: "SCPs apply to a member account's root user", doc: docSCP, req: r(rootA, "cloudtrail:StopLogging", trailA, nil), set: setSpec{scps: [][]string{{fullAccessSCP, stmt(denyS("cloudtrail:*", "*"))}}}, want: ExplicitlyDenied},
		{name: "SCP with a condition on Allow", doc: docSCPSyntax, req: r(sessB, "sqs:SendMessage", "arn:aws:sqs:us-east-1:222222222222:q", ctx("aws:RequestedRegion", "us-east-1")), set: setSpec{identity: id(allowS("*", "*")), scps: [][]string{{stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}`)}}}, want: Allowed},

		// RCPs.
		{name: "RCP full access", doc: docRCP, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", "")), rcps: [][]string{rcpFull}}, want: Allowed},
		{name: "RCP denies principals outside the org", doc: docRCP, req: r(sessB, "s3:GetObject", object, ctx("aws:PrincipalOrgID", "o-other")), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", "")), rcps: [][]string{rcpFull, {orgRCP, denyOutsideOrgRCP}}}, want: ExplicitlyDenied, deciding: StepRCP},
		{name: "RCP lets org principals through", doc: docRCP, req: r(sessB, "s3:GetObject", object, ctx("aws:PrincipalOrgID", "o-abc123")), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", "")), rcps: [][]string{rcpFull, {orgRCP, denyOutsideOrgRCP}}}, want: Allowed},
		{name: "RCPs do not apply to resources in the management account", doc: docRCP, req: r(sessB, "s3:GetObject", object, ctx("aws:PrincipalOrgID", "o-other")), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", "")), rcps: [][]string{{denyOutsideOrgRCP}}, mgmtResource: true}, want: Allowed},
		{name: "RCP level without an allow", doc: docRCP, req: r(userA, "s3:GetObject", object, ctx("aws:PrincipalOrgID", "o-abc123")), set: setSpec{identity: id(allowS("s3:*", "*")), rcps: [][]string{rcpFull, {denyOutsideOrgRCP}}}, want: ImplicitlyDenied, deciding: StepRCP},
		{name: "RCP denies anonymous access despite a public policy", doc: docRCP, req: r("*", "s3:GetObject", object, nil), set: setSpec{resource: stmt(rs("Public", "Allow", `"*"`, "s3:GetObject", bucket+"/*", "")), rcps: [][]string{{fullAccessRCP, stmts(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:PrincipalAccount":"true"}}}`)}}}, want: ExplicitlyDenied},
		{name: "RCPs never grant", doc: docRCP, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{rcps: [][]string{rcpFull}}, want: ImplicitlyDenied},

		// Permissions boundaries.
		{name: "identity and boundary both allow", doc: docBoundaries, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmt(allowS("s3:GetObject", "*"))}}, want: Allowed},
		{name: "boundary does not allow", doc: docBoundaries, req: r(userA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmt(allowS("s3:GetObject", "*"))}}, want: ImplicitlyDenied, deciding: StepBoundary},
		{name: "boundary alone grants nothing", doc: docBoundaries, req: r(userA, "s3:GetObject", object, nil), set: setSpec{boundaries: []string{stmt(allowS("s3:*", "*"))}}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "boundary deny", doc: docBoundaries, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmts(allowS("*", "*"), denyS("s3:GetObject", "*"))}}, want: ExplicitlyDenied, deciding: StepBoundary},
		{name: "every listed boundary must allow", doc: docBoundaries, req: r(userA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmt(allowS("s3:*", "*")), stmt(allowS("sqs:*", "*"))}}, want: ImplicitlyDenied, deciding: StepBoundary},
		{name: "boundary applies to the role's sessions", doc: docBoundaries, req: r(sessA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmt(allowS("s3:GetObject", "*"))}}, want: ImplicitlyDenied},
		{name: "boundaries do not apply to service principals", doc: docBoundaries, req: r("cloudtrail.amazonaws.com", "s3:GetBucketAcl", bucket, ctx("aws:SourceArn", trailA)), set: setSpec{resource: ctBucketPolicy, boundaries: []string{stmt(allowS("sqs:*", "*"))}}, want: Allowed},
		{name: "cross-account boundary allows", doc: docBoundaries, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), boundaries: []string{stmt(allowS("s3:*", "*"))}, resource: stmt(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""))}, want: Allowed},

		// Session policies.
		{name: "session policy and identity allow", doc: docSession, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*"))}, want: Allowed},
		{name: "session policy does not allow", doc: docSession, req: r(sessA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*"))}, want: ImplicitlyDenied, deciding: StepSession},
		{name: "session policy deny", doc: docSession, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmts(allowS("*", "*"), denyS("s3:*", "*"))}, want: ExplicitlyDenied, deciding: StepSession},
		{name: "session policy alone grants nothing", doc: docSession, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{session: stmt(allowS("s3:*", "*"))}, want: ImplicitlyDenied, deciding: StepIdentity},
		{name: "session policies do not apply to IAM users", doc: docSession, req: r(userA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*"))}, want: Allowed},
		{name: "federated user session policy", doc: docSession, req: r("arn:aws:sts::111111111111:federated-user/carol", "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), session: stmt(allowS("s3:GetObject", "*"))}, want: ImplicitlyDenied},

		// VPC endpoint policies.
		{name: "endpoint policy allows", doc: docEvalLogic, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), vpce: []string{stmt(rs("E", "Allow", `"*"`, "s3:GetObject", bucket+"/*", ""))}}, want: Allowed},
		{name: "endpoint policy does not allow", doc: docEvalLogic, req: r(sessA, "s3:PutObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), vpce: []string{stmt(rs("E", "Allow", `"*"`, "s3:GetObject", bucket+"/*", ""))}}, want: ImplicitlyDenied, deciding: StepVPCEndpoint},
		{name: "endpoint policy deny", doc: docEvalLogic, req: r(sessA, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), vpce: []string{stmts(rs("E", "Allow", `"*"`, "*", "*", ""), rs("D", "Deny", `"*"`, "s3:GetObject", "*", ""))}}, want: ExplicitlyDenied, deciding: StepVPCEndpoint},

		// NotPrincipal.
		{name: "NotPrincipal exempts the listed session and account", doc: docNotPrinc, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmts(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""), `{"Effect":"Deny","NotPrincipal":{"AWS":["`+sessB+`","`+rootB+`"]},"Action":"s3:*","Resource":"*"}`)}, want: Allowed},
		{name: "NotPrincipal naming only the role denies its sessions", doc: docNotPrinc, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmts(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""), `{"Effect":"Deny","NotPrincipal":{"AWS":["`+roleB+`","`+rootB+`"]},"Action":"s3:*","Resource":"*"}`)}, want: ExplicitlyDenied},
		{name: "NotPrincipal without the account denies", doc: docNotPrinc, req: r(sessB, "s3:GetObject", object, nil), set: setSpec{identity: id(allowS("s3:*", "*")), resource: stmts(rs("B", "Allow", aws(rootB), "s3:*", bucket+"/*", ""), `{"Effect":"Deny","NotPrincipal":{"AWS":"`+sessB+`"},"Action":"s3:*","Resource":"*"}`)}, want: ExplicitlyDenied},
		{name: "NotPrincipal exempting a service", doc: docNotPrinc, req: r("cloudtrail.amazonaws.com", "s3:PutObject", object, nil), set: setSpec{resource: stmts(rs("CT", "Allow", svc("cloudtrail.amazonaws.com"), "s3:PutObject", bucket+"/*", ""), `{"Effect":"Deny","NotPrincipal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"*"}`)}, want: Allowed},
	}
	runDecisionCases(t, cases)
	t.Logf("%d decision cases", len(cases))
}

// runDecisionCases evaluates each case: its decision, the kind of its
// deciding step when the case names one, and a non-empty proof.
func runDecisionCases(t *testing.T, cases []decisionCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			set := buildSet(t, tc.set, tc.req.Action, tc.req.Resource)
			got := Evaluate(tc.req, set)
			if got.Decision != tc.want {
				t.Fatalf("got %s, want %s (%s)\nproof: %s\n%s", got.Decision, tc.want, tc.doc, got.Proof(), dumpSteps(got))
			}
			if tc.deciding != "" {
				if got.Deciding < 0 || got.Explanation[got.Deciding].Kind != tc.deciding {
					t.Fatalf("deciding step: got %v, want kind %s (%s)\n%s", got.Deciding, tc.deciding, tc.doc, dumpSteps(got))
				}
			}
			if got.Proof() == "" {
				t.Fatal("empty proof")
			}
		})
	}
}

func dumpSteps(r Result) string {
	var b strings.Builder
	for i, s := range r.Explanation {
		fmt.Fprintf(&b, "  %d %s %s %s\n", i, s.Kind, s.Outcome, s.Reason)
	}
	return b.String()
}
