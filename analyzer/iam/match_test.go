package iam

import (
	"fmt"
	"strings"
	"testing"
)

func TestGlobMatch(t *testing.T) {
	cases := []struct {
		p, s string
		fold bool
		want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"a*", "a", false, true},
		{"a*", "abc", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"*a*b*c*", "xaybzc", false, true},
		{"*a*b*c*", "xaycz", false, false},
		{"ABC", "abc", true, true},
		{"ABC", "abc", false, false},
		{`a\*`, "a*", false, true},
		{`a\*`, "ab", false, false},
		{`a\?`, "a?", false, true},
		{`a\\b`, `a\b`, false, true},
		{"**", "x", false, true},
		{"a*a*a*a*a*a*a*a*b", strings.Repeat("a", 200), false, false},
	}
	for _, tc := range cases {
		if got := globMatch(tc.p, tc.s, tc.fold); got != tc.want {
			t.Errorf("globMatch(%q, %q, %v) = %v, want %v (%s)", tc.p, tc.s, tc.fold, got, tc.want, docResource)
		}
	}
}

type matchCase struct {
	doc      string
	action   string // Action element (JSON value)
	resource string // Resource element (JSON key and value), e.g. `"Resource":"*"`
	reqAct   string
	reqRes   string
	ctx      map[string][]string
	version  string
	want     bool
}

// TestActionResourceMatching evaluates one Allow statement per case.
func TestActionResourceMatching(t *testing.T) {
	const b = "arn:aws:s3:::logs-bucket"
	cases := []matchCase{
		// Actions: case-insensitive, with * and ?.
		{doc: docAction, action: `"s3:GetObject"`, resource: `"Resource":"*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"s3:getobject"`, resource: `"Resource":"*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"S3:GETOBJECT"`, resource: `"Resource":"*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"s3:Get*"`, resource: `"Resource":"*"`, reqAct: "s3:GetObjectAcl", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"s3:Get*"`, resource: `"Resource":"*"`, reqAct: "s3:PutObject", reqRes: b + "/k", want: false},
		{doc: docAction, action: `"s3:*Object"`, resource: `"Resource":"*"`, reqAct: "s3:DeleteObject", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"s3:*Object"`, resource: `"Resource":"*"`, reqAct: "s3:DeleteObjects", reqRes: b + "/k", want: false},
		{doc: docAction, action: `"s3:?etObject"`, resource: `"Resource":"*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"*"`, resource: `"Resource":"*"`, reqAct: "kms:Decrypt", reqRes: "*", want: true},
		{doc: docAction, action: `"s3:*"`, resource: `"Resource":"*"`, reqAct: "sqs:SendMessage", reqRes: "*", want: false},
		{doc: docAction, action: `["sqs:SendMessage","s3:GetObject"]`, resource: `"Resource":"*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docAction, action: `"s3:GetObject"`, resource: `"Resource":"*"`, reqAct: "s3:GetObjectVersion", reqRes: b + "/k", want: false},
		{doc: docAction, action: `"sqs:Receive?essage"`, resource: `"Resource":"*"`, reqAct: "sqs:ReceiveMessage", reqRes: "*", want: true},
		// NotAction.
		{doc: docNotAction, action: "", resource: `"NotAction":"iam:*","Resource":"*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docNotAction, action: "", resource: `"NotAction":"iam:*","Resource":"*"`, reqAct: "iam:CreateUser", reqRes: "*", want: false},
		{doc: docNotAction, action: "", resource: `"NotAction":["iam:*","s3:*"],"Resource":"*"`, reqAct: "S3:GetObject", reqRes: b + "/k", want: false},
		// Resources: case-sensitive, per ARN field.
		{doc: docResource, action: `"s3:GetObject"`, resource: `"Resource":"` + b + `/*"`, reqAct: "s3:GetObject", reqRes: b + "/AWSLogs/1/x.gz", want: true},
		{doc: docResource, action: `"s3:GetObject"`, resource: `"Resource":"` + b + `/*"`, reqAct: "s3:GetObject", reqRes: b, want: false},
		{doc: docResource, action: `"s3:ListBucket"`, resource: `"Resource":"` + b + `"`, reqAct: "s3:ListBucket", reqRes: b, want: true},
		{doc: docResource, action: `"s3:GetObject"`, resource: `"Resource":"arn:aws:s3:::Logs-Bucket/*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: false},
		{doc: docResource, action: `"s3:GetObject"`, resource: `"Resource":"arn:aws:s3:::logs-*/*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docResource, action: `"s3:GetObject"`, resource: `"Resource":"arn:aws:s3:::logs-bucke?/k"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: true},
		{doc: docResource, action: `"s3:GetObject"`, resource: `"Resource":"` + b + `/AWSLogs/*/CloudTrail/*"`, reqAct: "s3:GetObject", reqRes: b + "/AWSLogs/111111111111/CloudTrail/us-east-1/x.gz", want: true},
		{doc: docResource, action: `"sqs:*"`, resource: `"Resource":"arn:aws:sqs:*:111111111111:queue"`, reqAct: "sqs:ReceiveMessage", reqRes: "arn:aws:sqs:eu-west-1:111111111111:queue", want: true},
		{doc: docResource, action: `"sqs:*"`, resource: `"Resource":"arn:aws:sqs:*:111111111111:queue"`, reqAct: "sqs:ReceiveMessage", reqRes: "arn:aws:sqs:eu-west-1:222222222222:queue", want: false},
		{doc: docResource, action: `"sqs:*"`, resource: `"Resource":"arn:aws:sqs:us-*:*:*"`, reqAct: "sqs:ReceiveMessage", reqRes: "arn:aws:sqs:us-west-2:1:q", want: true},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:*:*:*:*"`, reqAct: "sns:Publish", reqRes: "arn:aws:sns:us-east-1:1:t", want: true},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:sns:*:*:*"`, reqAct: "sns:Publish", reqRes: "arn:aws:sqs:us-east-1:1:t", want: false},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:s*:*:*:*"`, reqAct: "sns:Publish", reqRes: "arn:aws:sns:us-east-1:1:t", want: true},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:sns:us-east-1:*"`, reqAct: "sns:Publish", reqRes: "arn:aws:sns:us-east-1:1:t", want: true},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:kms:*:111111111111:key/*"`, reqAct: "kms:Decrypt", reqRes: "arn:aws:kms:us-east-1:111111111111:key/1234", want: true},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:kms:*:111111111111:alias/*"`, reqAct: "kms:Decrypt", reqRes: "arn:aws:kms:us-east-1:111111111111:key/1234", want: false},
		{doc: docResource, action: `"*"`, resource: `"Resource":"arn:aws:logs:*:*:log-group:/aws/*:*"`, reqAct: "logs:PutLogEvents", reqRes: "arn:aws:logs:us-east-1:1:log-group:/aws/x:log-stream:s", want: true},
		{doc: docResource, action: `"*"`, resource: `"Resource":["arn:aws:sns:*:*:a","arn:aws:sns:*:*:b"]`, reqAct: "sns:Publish", reqRes: "arn:aws:sns:us-east-1:1:b", want: true},
		// Actions without resource-level permissions are matched by "*" only.
		{doc: docResource, action: `"s3:ListAllMyBuckets"`, resource: `"Resource":"*"`, reqAct: "s3:ListAllMyBuckets", reqRes: "*", want: true},
		{doc: docResource, action: `"s3:ListAllMyBuckets"`, resource: `"Resource":"arn:aws:s3:::*"`, reqAct: "s3:ListAllMyBuckets", reqRes: "*", want: false},
		// NotResource.
		{doc: docNotResource, action: `"s3:*"`, resource: `"NotResource":"` + b + `/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::other/k", want: true},
		{doc: docNotResource, action: `"s3:*"`, resource: `"NotResource":"` + b + `/*"`, reqAct: "s3:GetObject", reqRes: b + "/k", want: false},
		{doc: docNotResource, action: `"s3:*"`, resource: `"NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::HRBucket/Payroll/x", want: false},
		// Policy variables in resources.
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:username}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/alice/x", want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:username}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/bob/x", want: false},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/ops/x", ctx: kv{"aws:PrincipalTag/team": {"ops"}}, want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/ops/x", want: false},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/shared/x", want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/*/x", ctx: kv{"aws:PrincipalTag/team": {"*"}}, want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:PrincipalTag/team}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/ops/x", ctx: kv{"aws:PrincipalTag/team": {"*"}}, want: false},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::b/${*}"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::b/*", want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::b/${*}"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::b/x", want: false},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::b/${?}"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::b/?", want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::b/${$}"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::b/$", want: true},
		{doc: docVariables, action: `"s3:*"`, resource: `"Resource":["arn:aws:s3:::home/${aws:PrincipalTag/team}/*","arn:aws:s3:::public/*"]`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::public/x", want: true},
		{doc: docVariables, action: `"iam:*"`, resource: `"Resource":"arn:aws:iam::*:user/${aws:username}"`, reqAct: "iam:ChangePassword", reqRes: "arn:aws:iam::111111111111:user/alice", want: true},
		// Version 2008-10-17 takes ${...} literally.
		{doc: docVersion, version: Version2008, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:username}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/alice/x", want: false},
		{doc: docVersion, version: Version2008, action: `"s3:*"`, resource: `"Resource":"arn:aws:s3:::home/${aws:username}/*"`, reqAct: "s3:GetObject", reqRes: "arn:aws:s3:::home/${aws:username}/x", want: true},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%03d", i), func(t *testing.T) {
			body := `{"Effect":"Allow",`
			if tc.action != "" {
				body += `"Action":` + tc.action + ","
			}
			body += tc.resource + `,"Principal":{"AWS":"arn:aws:iam::111111111111:user/alice"}}`
			version := tc.version
			if version == "" {
				version = Version2012
			}
			// A resource policy, so that both versions parse.
			doc := `{"Version":"` + version + `","Statement":[` + body + `]}`
			p := mustParse(t, doc, KindResource)
			req := Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: tc.reqAct, Resource: tc.reqRes, ResourceAccount: "111111111111", Context: tc.ctx}
			got := Evaluate(req, PolicySet{Resource: p, ResourceType: ResourceGeneric}).Decision == Allowed
			if got != tc.want {
				t.Errorf("%s on %s against %s: got %v, want %v (%s)", tc.reqAct, tc.reqRes, body, got, tc.want, tc.doc)
			}
		})
	}
	t.Logf("%d matching cases", len(cases))
}
