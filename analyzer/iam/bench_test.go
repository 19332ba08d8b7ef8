package iam

import (
	"fmt"
	"strings"
	"testing"
)

// smallSet: an identity policy of three statements.
func smallSet(b *testing.B) (Request, PolicySet) {
	p := mustParse(b, stmts(
		allowS("s3:GetObject", bucket+"/*"),
		allowS("sqs:ReceiveMessage", queueA),
		denyS("s3:DeleteObject", "*"),
	), KindIdentity)
	req := Request{Principal: roleA, Action: "s3:GetObject", Resource: object, ResourceAccount: acctA}
	return req, PolicySet{Identity: []*Policy{p}}
}

// largeSet: 50 statements across identity, resource and SCP policies, with
// wildcards, policy variables and conditions, the allow coming last.
func largeSet(b *testing.B) (Request, PolicySet) {
	var ident []string
	for i := 0; i < 30; i++ {
		ident = append(ident, fmt.Sprintf(`{"Sid":"S%d","Effect":"Allow","Action":["sqs:*Message%d","sns:Publish*"],"Resource":"arn:aws:sqs:*:%012d:queue-%d-*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"t%d"},"IpAddress":{"aws:SourceIp":["10.%d.0.0/16","192.168.0.0/24"]}}}`, i, i, i, i, i, i))
	}
	ident = append(ident,
		`{"Sid":"Deny1","Effect":"Deny","Action":"s3:Delete*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}`,
		`{"Sid":"Deny2","Effect":"Deny","NotAction":["s3:*","sqs:*","kms:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}`,
		`{"Sid":"Home","Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::logs-*/AWSLogs/${aws:PrincipalAccount}/*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["team","env*"]},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}`,
	)
	var res []string
	for i := 0; i < 12; i++ {
		res = append(res, rs(fmt.Sprintf("R%d", i), "Allow", aws(fmt.Sprintf("arn:aws:iam::%012d:role/r%d", i, i)), "s3:*", fmt.Sprintf("%s/prefix-%d/*", bucket, i), `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}`))
	}
	res = append(res,
		rs("OrgRead", "Allow", `"*"`, "s3:GetObject", bucket+"/AWSLogs/*", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"},"Bool":{"aws:SecureTransport":"true"}}`),
		rs("TLS", "Deny", `"*"`, "s3:*", bucket+"/*", `{"Bool":{"aws:SecureTransport":"false"}}`),
	)
	scp := stmts(allowS("*", "*"), `{"Effect":"Deny","Action":["cloudtrail:StopLogging","cloudtrail:DeleteTrail","guardduty:Delete*"],"Resource":"*"}`, `{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}`)
	set := PolicySet{
		Identity: []*Policy{mustParse(b, stmts(ident...), KindIdentity)},
		Resource: mustParse(b, stmts(res...), KindResource),
		SCPs:     []Level{{Target: "r-root", Policies: []*Policy{mustParse(b, scp, KindSCP)}}},
	}
	req := Request{Principal: sessA, Action: "s3:GetObject", Resource: object, ResourceAccount: acctA, Context: map[string][]string{
		"aws:PrincipalOrgID":         {"o-abc123"},
		"aws:SecureTransport":        {"true"},
		"aws:SourceIp":               {"10.3.4.5"},
		"aws:PrincipalTag/team":      {"t7"},
		"aws:TagKeys":                {"team", "env-prod"},
		"aws:CurrentTime":            {"2026-01-01T00:00:00Z"},
		"aws:RequestedRegion":        {"us-east-1"},
		"aws:MultiFactorAuthPresent": {"true"},
	}}
	return req, set
}

func BenchmarkEvaluateSmall(b *testing.B) {
	req, set := smallSet(b)
	if Evaluate(req, set).Decision != Allowed {
		b.Fatal("small set should allow")
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, set)
	}
}

func BenchmarkEvaluateLarge(b *testing.B) {
	req, set := largeSet(b)
	if got := Evaluate(req, set); got.Decision != Allowed {
		b.Fatalf("large set should allow: %s", got.Proof())
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, set)
	}
}

// BenchmarkParse1000Roles is the policy side of building a snapshot index:
// compiling a trust policy and two identity policies for each of 1,000
// roles.
func BenchmarkParse1000Roles(b *testing.B) {
	docs := make([][3][]byte, 1000)
	for i := range docs {
		docs[i][0] = []byte(stmt(rs("Trust", "Allow", aws(fmt.Sprintf("arn:aws:iam::%012d:root", i)), "sts:AssumeRole", "", `{"StringEquals":{"sts:ExternalId":"ext-`+fmt.Sprint(i)+`"}}`)))
		docs[i][1] = []byte(stmts(allowS("s3:GetObject", fmt.Sprintf("%s/AWSLogs/%012d/*", bucket, i)), allowS("sqs:ReceiveMessage", queueA), allowS("kms:Decrypt", keyA)))
		docs[i][2] = []byte(stmt(`{"Effect":"Deny","NotAction":["s3:*","sqs:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}}`))
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range docs {
			if _, err := ParsePolicy(d[0], KindTrust); err != nil {
				b.Fatal(err)
			}
			for _, id := range d[1:] {
				if _, err := ParsePolicy(id, KindIdentity); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
}

// BenchmarkGlobWorstCase shows the matcher stays polynomial on a pattern
// that makes backtracking matchers explode.
func BenchmarkGlobWorstCase(b *testing.B) {
	p := strings.Repeat("a*", 20) + "b"
	s := strings.Repeat("a", 1000)
	for b.Loop() {
		globMatch(p, s, false)
	}
}
