package authz

import (
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestUnresolvedValues: a statement holding a value the IaC collector could
// not resolve may or may not apply. The answer is the decision every
// resolution gives, and Unknown only when resolutions disagree
// (AWS's evaluation, reference_policies_evaluation-logic.html, is monotone
// in each statement: an Allow can only add, a Deny only remove).
func TestUnresolvedValues(t *testing.T) {
	imported := snapshot.Unknown("ImportValue LogBucketArn")
	// The audit's case: one Allow statement's Resource is an !ImportValue.
	withImport := func(s *snapshot.Snapshot) {
		s.Accounts[1].Roles[0].InlinePolicies = append(s.Accounts[1].Roles[0].InlinePolicies, inline("imported",
			`{"Sid":"Acl","Effect":"Allow","Action":"s3:GetBucketAcl","Resource":"`+bucket+`"}`,
			`{"Sid":"Imported","Effect":"Allow","Action":"s3:PutObject","Resource":"`+imported+`"}`))
	}
	bucketDeny := func(s *snapshot.Snapshot) {
		s.Accounts[1].Buckets[0].Policy = pol(
			`{"Sid":"CloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::org-logs/AWSLogs/*"}`,
			`{"Sid":"OnlyImported","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::org-logs/*","Condition":{"StringNotEquals":{"aws:SourceAccount":"`+imported+`"}}}`)
	}
	cases := []struct {
		name      string
		mutate    func(*snapshot.Snapshot)
		principal string
		action    string
		resource  string
		ctx       map[string][]string
		want      iam.Decision
		proof     string
	}{
		{
			name: "unrelated known allow beside an unresolved Resource", mutate: withImport,
			principal: reader, action: "s3:GetBucketAcl", resource: bucket, want: Allowed,
		},
		{
			name: "only the unresolved statement could allow", mutate: withImport,
			principal: reader, action: "s3:PutObject", resource: object, want: Unknown,
			proof: "cannot prove: it depends on values the IaC collector could not resolve in statement 'Imported' of the inline policy imported of role Reader: Allowed if it applies",
		},
		{
			name: "unresolved statement whose known action does not match", mutate: withImport,
			principal: reader, action: "sqs:DeleteMessage", resource: "arn:aws:sqs:us-east-1:222222222222:q", want: ImplicitlyDenied,
		},
		{
			name: "unresolved Deny, otherwise allowed", mutate: bucketDeny, principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
			want: Unknown, proof: "statement 'OnlyImported' of the bucket policy of org-logs",
		},
		{
			// Nothing grants s3:DeleteObject: denied whatever the value.
			name: "unresolved Deny, otherwise denied", mutate: bucketDeny, principal: "cloudtrail.amazonaws.com", action: "s3:DeleteObject", resource: object,
			want: ImplicitlyDenied, proof: "no statement in the bucket policy of org-logs allows s3:DeleteObject",
		},
		{
			// The Deny's known Resource does not cover another bucket.
			name: "unresolved Deny whose known resource does not match", principal: reader, action: "s3:GetObject", resource: "arn:aws:s3:::other-bucket/x",
			mutate: func(s *snapshot.Snapshot) {
				bucketDeny(s)
				s.Accounts[1].Roles[0].InlinePolicies[0] = inline("read", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)
				s.Accounts[1].Buckets = append(s.Accounts[1].Buckets, snapshot.Bucket{Name: "other-bucket", ARN: "arn:aws:s3:::other-bucket", Region: "us-east-1"})
			},
			want: Allowed,
		},
		{
			name: "unresolved Condition value in the key policy", principal: "arn:aws:iam::012345678901:role/Vendor", action: "kms:Decrypt", resource: keyARN,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[0].Keys[0].Policy = pol(`{"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"` + snapshot.Unknown("parameter ViaService") + `"}}}`)
			},
			want: Unknown, proof: "statement 'Vendor' of the key policy of " + keyARN,
		},
		{
			// The bucket policy's grant names an unresolved principal: the
			// cross-account reader needs it (…evaluation-logic-cross-account.html).
			name: "unresolved Principal, cross-account", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				moveBucket(s, audit)
				s.Accounts[2].Buckets[0].Policy = pol(`{"Sid":"Reader","Effect":"Allow","Principal":{"AWS":"` + snapshot.Unknown("ImportValue ReaderRoleArn") + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
			},
			want: Unknown, proof: "statement 'Reader' of the bucket policy of org-logs",
		},
		{
			// Same account: the identity policy alone suffices.
			name: "unresolved Principal, same account", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Buckets[0].Policy = pol(`{"Sid":"Reader","Effect":"Allow","Principal":{"AWS":"` + snapshot.Unknown("ImportValue ReaderRoleArn") + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
			},
			want: Allowed,
		},
		{
			// A document whose structure is unresolved stays Unknown for
			// every question that consults it, even one its other
			// policies would answer.
			name: "structure unresolved", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Buckets[0].Policy = &snapshot.Policy{Document: []byte(`{"Version":"2012-10-17","Statement":"` + imported + `"}`)}
			},
			want: Unknown, proof: "cannot prove: the bucket policy of org-logs holds a value the IaC collector could not resolve",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), c.principal, c.action, c.resource, c.ctx)
			if a.Decision != c.want {
				t.Fatalf("decision %s, want %s\nproof: %s\nexplanation:\n  %s", a.Decision, c.want, a.Proof, strings.Join(a.Explanation, "\n  "))
			}
			if c.proof != "" && !strings.Contains(a.Proof, c.proof) {
				t.Errorf("proof %q does not contain %q", a.Proof, c.proof)
			}
		})
	}
}

// TestUnresolvedDenyNamed: denied either way, the explanation names the
// unresolved Deny that might make the denial explicit.
func TestUnresolvedDenyNamed(t *testing.T) {
	a := ask(t, org(func(s *snapshot.Snapshot) {
		s.Accounts[1].Buckets[0].Policy = pol(`{"Sid":"Guard","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"` + snapshot.Unknown("ImportValue Arn") + `"}`)
	}), reader, "s3:DeleteObject", object, nil)
	want := "unresolved: the IaC collector could not resolve values in statement 'Guard' of the bucket policy of org-logs"
	if a.Decision != ImplicitlyDenied || a.Explanation[len(a.Explanation)-1] != want {
		t.Errorf("decision %s, explanation %q; want ImplicitlyDenied ending with %q", a.Decision, a.Explanation, want)
	}
}
