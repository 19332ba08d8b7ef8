package iam

import (
	"errors"
	"testing"
)

// TestPolicyKinds checks each policy kind's own rules on top of the shared
// grammar.
func TestPolicyKinds(t *testing.T) {
	cases := []struct {
		name    string
		doc     string
		kind    Kind
		policy  string
		wantMsg string // "" means valid
		wantIdx int
		wantSid string
	}{
		{"identity policy must not name a principal", docPrincipal, KindIdentity,
			stmt(`{"Sid":"P","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), msgPrincipalDenied, 0, "P"},
		{"SCP must not name a principal", docSCPSyntax, KindSCP,
			stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), msgPrincipalDenied, 0, ""},
		{"SCP needs 2012-10-17", docSCPSyntax, KindSCP,
			`{"Version":"2008-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}`, msgVersion, -1, ""},
		{"SCP Allow with a condition is accepted", docSCPSyntax, KindSCP,
			stmt(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}}`), "", 0, ""},
		{"SCP Deny with NotAction is accepted", docSCPSyntax, KindSCP,
			stmt(`{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}`), "", 0, ""},
		{"bucket policy needs a principal", docPrincipal, KindResource,
			stmts(`{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`, `{"Sid":"B","Effect":"Allow","Action":"s3:*","Resource":"*"}`), msgNoPrincipal, 1, "B"},
		{"resource policy accepts 2008-10-17", docVersion, KindResource,
			`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"}]}`, "", 0, ""},
		{"resource policy without Version", docVersion, KindResource,
			`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sqs:SendMessage","Resource":"*"}]}`, "", 0, ""},
		{"resource policy with an unknown principal type", docPrincipal, KindResource,
			stmt(`{"Effect":"Allow","Principal":{"Users":"x"},"Action":"s3:*","Resource":"*"}`), `Invalid principal in policy: "Users"`, 0, ""},
		{"resource policy with a malformed AWS principal", docPrincipal, KindResource,
			stmt(`{"Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:*","Resource":"*"}`), `Invalid principal in policy: "AWS":"alice"`, 0, ""},
		{"resource policy with a principal string other than *", docPrincipal, KindResource,
			stmt(`{"Effect":"Allow","Principal":"alice","Action":"s3:*","Resource":"*"}`), `Invalid principal in policy: "alice"`, 0, ""},
		{"NotPrincipal needs Deny", docNotPrinc, KindResource,
			stmt(`{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}`), msgNotPrincipal, 0, ""},
		{"Principal and NotPrincipal together", docGrammar, KindResource,
			stmt(`{"Effect":"Deny","Principal":"*","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}`), msgSyntax, 0, ""},
		{"trust policy without a principal", docTrust, KindTrust,
			stmt(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), msgNoPrincipal, 0, ""},
		{"trust policy with a Resource", docTrust, KindTrust,
			stmt(`{"Effect":"Allow","Principal":{"AWS":"111111111111"},"Action":"sts:AssumeRole","Resource":"*"}`), "Has prohibited field Resource", 0, ""},
		{"trust policy with NotPrincipal", docNotPrinc, KindTrust,
			stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"111111111111"},"Action":"sts:AssumeRole"}`), "Has prohibited field NotPrincipal", 0, ""},
		{"trust policy for a service", docTrust, KindTrust,
			stmt(`{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}`), "", 0, ""},
		{"RCP with a principal other than *", docRCPSyntax, KindRCP,
			stmt(`{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}`), msgRCPPrincipal, 0, ""},
		{"RCP without a principal", docRCPSyntax, KindRCP,
			stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`), msgRCPPrincipal, 0, ""},
		{"RCP custom Allow", docRCPSyntax, KindRCP,
			stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), msgRCPAllow, 0, ""},
		{"RCPFullAWSAccess", docRCPSyntax, KindRCP, fullAccessRCP, "", 0, ""},
		{"RCP deny with conditions", docRCPSyntax, KindRCP,
			stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-1"}}}`), "", 0, ""},
		{"unknown condition operator", docCondOps, KindIdentity,
			stmt(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualz":{"a":"b"}}}`), msgSyntax, 0, "X"},
		{"condition values may be JSON booleans and numbers", docCondOps, KindResource,
			stmt(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"NumericLessThan":{"s3:TlsVersion":1.2}}}`), "", 0, ""},
		{"condition value that is an object", docCondOps, KindIdentity,
			stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a":{"b":"c"}}}}`), msgSyntax, 0, ""},
		{"trailing data after the document", docGrammar, KindIdentity, stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`) + "{}", msgSyntax, -1, ""},
		{"GovCloud partition", docResource, KindIdentity,
			stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws-us-gov:s3:::b/*"}`), "", 0, ""},
		{"China partition", docResource, KindIdentity,
			stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws-cn:s3:::b/*"}`), "", 0, ""},
		{"S3 access point ARN carries a region", docResource, KindIdentity,
			stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-west-2:111111111111:accesspoint/ap"}`), "", 0, ""},
		{"error names the second statement", docGrammar, KindIdentity,
			stmts(`{"Sid":"One","Effect":"Allow","Action":"s3:*","Resource":"*"}`, `{"Sid":"Two","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:iam:::x"}`), "IAM resource path must either be \"*\" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.", 1, "Two"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePolicy([]byte(tc.policy), tc.kind)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("want valid (%s), got %v", tc.doc, err)
				}
				return
			}
			var pe *PolicyError
			if !errors.As(err, &pe) {
				t.Fatalf("want %q (%s), got %v", tc.wantMsg, tc.doc, err)
			}
			if pe.Msg != tc.wantMsg || pe.Statement != tc.wantIdx || pe.Sid != tc.wantSid {
				t.Fatalf("got {%d %q %q}, want {%d %q %q} (%s)", pe.Statement, pe.Sid, pe.Msg, tc.wantIdx, tc.wantSid, tc.wantMsg, tc.doc)
			}
		})
	}
}

func TestPolicyErrorText(t *testing.T) {
	e := &PolicyError{Statement: 2, Sid: "AllowRead", Msg: msgNoActions}
	if got, want := e.Error(), `statement 2 (Sid "AllowRead"): Policy statement must contain actions.`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	e = &PolicyError{Statement: 0, Msg: msgNoActions}
	if got, want := e.Error(), `statement 0: Policy statement must contain actions.`; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	e = &PolicyError{Statement: -1, Msg: msgSyntax}
	if got := e.Error(); got != msgSyntax {
		t.Fatalf("got %q", got)
	}
}

// TestResourcePolicySidsMayRepeat: duplicate Sids are IAM's
// MalformedPolicyDocument, but S3, SNS, SQS and KMS store resource policies
// with their own validators; a stored policy must still be read.
func TestResourcePolicySidsMayRepeat(t *testing.T) {
	doc := stmts(rs("Same", "Allow", aws(rootA), "s3:GetObject", "*", ""), rs("Same", "Allow", aws(rootB), "s3:GetObject", "*", ""))
	if _, err := ParsePolicy([]byte(doc), KindResource); err != nil {
		t.Fatalf("resource policy: %v (%s)", err, docGrammar)
	}
	if _, err := ParsePolicy([]byte(doc), KindTrust); err == nil {
		t.Fatal("trust policy with duplicate Sids accepted")
	}
}

// TestConcurrentEvaluate: compiled policies are read-only; run with -race.
func TestConcurrentEvaluate(t *testing.T) {
	p := mustParse(t, stmts(allowS("s3:*", "arn:aws:s3:::home/${aws:username}/*"), `{"Effect":"Deny","Action":"s3:Delete*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`), KindIdentity)
	done := make(chan Decision, 8)
	for i := 0; i < 8; i++ {
		go func() {
			var d Decision
			for j := 0; j < 200; j++ {
				d = Evaluate(Request{Principal: userA, Action: "s3:GetObject", Resource: "arn:aws:s3:::home/alice/x", Context: kv{"aws:MultiFactorAuthPresent": {"false"}}}, PolicySet{Identity: []*Policy{p}}).Decision
			}
			done <- d
		}()
	}
	for i := 0; i < 8; i++ {
		if d := <-done; d != Allowed {
			t.Fatalf("got %s", d)
		}
	}
}
