package authz

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A well-formed organization has no problem: every document of org() parses
// with the grammar of its kind.
func TestValidateCleanSnapshot(t *testing.T) {
	if got := Validate(org(nil)); len(got) != 0 {
		t.Errorf("Validate = %v, want nothing", got)
	}
	if got := Validate(nil); got != nil {
		t.Errorf("Validate(nil) = %v", got)
	}
}

// Every kind of document is parsed with the grammar the index uses for it,
// and each problem is located at its statement when the IaC collector knows
// where it is, else at its document, else at its resource.
func TestValidateEveryPolicyKind(t *testing.T) {
	tmpl := func(line int, addr string) snapshot.Location {
		return snapshot.Location{File: "template.yaml", Line: line, Address: addr}
	}
	s := org(func(s *snapshot.Snapshot) {
		o := s.Organization
		// A Principal in an SCP: fine in an RCP, refused in an SCP.
		o.Policies[0].Document = *pol(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`)
		o.Policies[1].Document = *pol(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`)
		logs := &s.Accounts[1]
		// The second statement misspells Effect; its line is known.
		logs.Buckets[0].Policy = pol(
			`{"Sid":"Ok","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::org-logs/*"}`,
			`{"Sid":"Typo","Effect":"Allw","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::org-logs"}`)
		logs.Buckets[0].Policy.Location = &snapshot.Location{File: "template.yaml", Line: 10, Address: "LogsPolicy"}
		logs.Buckets[0].Policy.StatementLocations = []snapshot.Location{tmpl(12, "LogsPolicy"), tmpl(17, "LogsPolicy")}
		logs.Buckets[0].Location = &snapshot.Location{File: "template.yaml", Line: 2, Address: "Logs"}
		// A trust policy without Principal, located only by its role (a
		// plan: file and address, no line).
		r := &logs.Roles[0]
		r.TrustPolicy = pol(`{"Effect":"Allow","Action":"sts:AssumeRole"}`)
		r.Location = &snapshot.Location{File: "plan.json", Address: "aws_iam_role.reader"}
		// An inline policy with a Principal: identity policies have none.
		r.InlinePolicies = append(r.InlinePolicies, inline("bad", `{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`))
		// A misspelled Actio in a live managed policy: no location.
		logs.ManagedPolicies = []snapshot.ManagedPolicy{{ARN: "arn:aws:iam::222222222222:policy/Boundary", Name: "Boundary",
			Policy: *pol(`{"Effect":"Allow","Actio":"s3:*","Resource":"*"}`)}}
		// A document holding an unresolved IaC value is unknown, not
		// malformed, even where the value stands for a statement.
		logs.Topics = []snapshot.Topic{{Name: "t", ARN: "arn:aws:sns:us-east-1:222222222222:t", Region: "us-east-1",
			Policy: &snapshot.Policy{Document: []byte(`{"Version":"2012-10-17","Statement":"` + snapshot.Unknown("ImportValue TopicStatements") + `"}`)}}}
		// A queue policy whose Version is wrong: a document-level fault.
		logs.Queues = []snapshot.Queue{{Name: "q", ARN: "arn:aws:sqs:us-east-1:222222222222:q", Region: "us-east-1",
			Policy: &snapshot.Policy{Document: []byte(`{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`),
				Location: &snapshot.Location{File: "template.yaml", Line: 40, Address: "QueuePolicy"}}}}
		// A key policy with no Principal.
		s.Accounts[0].Keys[0].Policy = pol(`{"Effect":"Allow","Action":"kms:*","Resource":"*"}`)
	})
	got := Validate(s)
	for i := range got {
		if got[i].Msg == "" {
			t.Errorf("problem %d has no message", i)
		}
		got[i].Msg = "" // the evaluator's wording is its own tests' business
	}
	want := []PolicyProblem{
		{Resource: "p-FullAWSAccess", Policy: "SCP p-FullAWSAccess", Kind: iam.KindSCP, Statement: 0},
		{Resource: keyARN, Policy: "key policy of " + keyARN, Kind: iam.KindResource, Statement: 0},
		{Resource: "arn:aws:iam::222222222222:policy/Boundary", Policy: "managed policy Boundary", Kind: iam.KindIdentity, Statement: 0},
		{Resource: "arn:aws:iam::222222222222:role/Reader", Policy: "trust policy of role Reader", Kind: iam.KindTrust, Statement: 0,
			Location: &snapshot.Location{File: "plan.json", Address: "aws_iam_role.reader"}},
		{Resource: "arn:aws:iam::222222222222:role/Reader", Policy: "inline policy bad of role Reader", Kind: iam.KindInline, Statement: 0,
			Location: &snapshot.Location{File: "plan.json", Address: "aws_iam_role.reader"}},
		{Resource: "org-logs", Policy: "bucket policy of org-logs", Kind: iam.KindResource, Statement: 1, Sid: "Typo",
			Location: &snapshot.Location{File: "template.yaml", Line: 17, Address: "LogsPolicy"}},
		{Resource: "arn:aws:sqs:us-east-1:222222222222:q", Policy: "queue policy of arn:aws:sqs:us-east-1:222222222222:q", Kind: iam.KindResource, Statement: -1,
			Location: &snapshot.Location{File: "template.yaml", Line: 40, Address: "QueuePolicy"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Validate (-want +got):\n%s", d)
	}
}

// The message names file, line, resource and statement for IaC documents,
// and the policy for live ones.
func TestPolicyProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    PolicyProblem
		want string
	}{
		{PolicyProblem{Resource: "org-logs", Policy: "bucket policy of org-logs", Statement: 1, Sid: "Typo", Msg: "Invalid effect: Allw",
			Location: &snapshot.Location{File: "template.yaml", Line: 17, Address: "LogsPolicy"}},
			`template.yaml:17: LogsPolicy: statement 1 (Sid "Typo"): Invalid effect: Allw`},
		{PolicyProblem{Resource: "org-logs", Policy: "bucket policy of org-logs", Statement: 0, Msg: "Missing required field Principal",
			Location: &snapshot.Location{File: "plan.json", Address: "aws_s3_bucket_policy.logs"}},
			`plan.json: aws_s3_bucket_policy.logs: statement 0: Missing required field Principal`},
		{PolicyProblem{Resource: "org-logs", Policy: "bucket policy of org-logs", Statement: -1, Msg: "Syntax errors in policy.",
			Location: &snapshot.Location{File: "x.json"}},
			`x.json: org-logs: Syntax errors in policy.`},
		{PolicyProblem{Resource: "org-logs", Policy: "bucket policy of org-logs", Statement: 2, Msg: "Syntax errors in policy."},
			`bucket policy of org-logs: statement 2: Syntax errors in policy.`},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
		if got := tc.p.FromIaC(); got != (tc.p.Location != nil) {
			t.Errorf("%q: FromIaC = %v", tc.want, got)
		}
	}
}

// Validate parses every document once more than NewIndex does; this shows
// what that costs per snapshot.
func BenchmarkValidate(b *testing.B) {
	s := org(nil)
	b.ReportAllocs()
	for b.Loop() {
		if len(Validate(s)) != 0 {
			b.Fatal("problems in a clean snapshot")
		}
	}
}
