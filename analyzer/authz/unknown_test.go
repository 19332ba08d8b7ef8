package authz

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

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

// TestBoundaryOutsideInput: a permissions boundary whose document is not in
// the input can only take permissions away. AWS allows a request only when
// every required policy type allows it, and an explicit deny in any policy
// decides it
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html),
// so a denial by the policies known is proven whatever the boundary says;
// only an allow is unknown, and the proof names the missing boundary.
func TestBoundaryOutsideInput(t *testing.T) {
	const boundary = "arn:aws:iam::222222222222:policy/OrgBoundary"
	withBoundary := func(extra func(*snapshot.Snapshot)) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) {
			s.Accounts[1].Roles[0].PermissionsBoundaryARN = boundary
			if extra != nil {
				extra(s)
			}
		}
	}
	cases := []struct {
		name   string
		mutate func(*snapshot.Snapshot)
		action string
		want   iam.Decision
	}{
		{"allowed by the known policies", withBoundary(nil), "s3:GetObject", Unknown},
		{"explicit bucket Deny", withBoundary(func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets[0].Policy = pol(`{"Sid":"DenyOutsideVpc","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`)
		}), "s3:GetObject", ExplicitlyDenied},
		{"nothing allows", withBoundary(nil), "s3:DeleteObject", ImplicitlyDenied},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), reader, c.action, object, nil)
			if a.Decision != c.want {
				t.Fatalf("decision %s, want %s\nproof: %s", a.Decision, c.want, a.Proof)
			}
			if c.want == Unknown && !strings.Contains(a.Proof, "the permissions boundary "+boundary+" is not in the snapshot") {
				t.Errorf("proof %q does not name the missing boundary", a.Proof)
			}
		})
	}
}

// TestUnresolvedIdentityCrossAccount: a cross-account request needs the
// resource policy to allow as well as the identity policies
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html).
// When the known bucket policy does not, the request is denied whatever
// the caller's unresolved identity policy says; when it does, the
// unresolved identity policy decides.
func TestUnresolvedIdentityCrossAccount(t *testing.T) {
	unresolved := func(grant bool) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) {
			moveBucket(s, audit)
			s.Accounts[1].Roles[0].InlinePolicies = []snapshot.NamedPolicy{{Name: "read",
				Policy: snapshot.Policy{Document: []byte(`{"Version":"2012-10-17","Statement":"` + snapshot.Unknown("ImportValue ReadPolicy") + `"}`)}}}
			s.Accounts[2].Buckets[0].Policy = nil
			if grant {
				s.Accounts[2].Buckets[0].Policy = pol(`{"Sid":"Reader","Effect":"Allow","Principal":{"AWS":"` + reader + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
			}
		}
	}
	if a := ask(t, org(unresolved(false)), reader, "s3:GetObject", object, nil); a.Decision != ImplicitlyDenied {
		t.Errorf("no bucket grant: decision %s, want ImplicitlyDenied\nproof: %s", a.Decision, a.Proof)
	}
	if a := ask(t, org(unresolved(true)), reader, "s3:GetObject", object, nil); a.Decision != Unknown {
		t.Errorf("bucket grant: decision %s, want Unknown\nproof: %s", a.Decision, a.Proof)
	}
}

// TestUnresolvedResourcePolicyDenied: an explicit deny in the caller's
// identity policy decides whatever the unresolved bucket policy says; an
// allow still depends on it (reference_policies_evaluation-logic.html).
func TestUnresolvedResourcePolicyDenied(t *testing.T) {
	unresolved := func(deny bool) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets[0].Policy = &snapshot.Policy{Document: []byte(`{"Version":"2012-10-17","Statement":"` + snapshot.Unknown("known after apply: aws_s3_bucket_policy.logs.policy") + `"}`)}
			if deny {
				s.Accounts[1].Roles[0].InlinePolicies = append(s.Accounts[1].Roles[0].InlinePolicies, inline("guard", `{"Sid":"NoReads","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`))
			}
		}
	}
	if a := ask(t, org(unresolved(true)), reader, "s3:GetObject", object, nil); a.Decision != ExplicitlyDenied {
		t.Errorf("identity deny: decision %s, want ExplicitlyDenied\nproof: %s", a.Decision, a.Proof)
	}
	if a := ask(t, org(unresolved(false)), reader, "s3:GetObject", object, nil); a.Decision != Unknown {
		t.Errorf("identity allow: decision %s, want Unknown\nproof: %s", a.Decision, a.Proof)
	}
}

// TestSymbolWildcard: a generated bucket (a symbol) is matched by "*" in a
// grant for every name AWS could generate, and by a literal prefix only for
// some: that question is Unknown, and says why.
func TestSymbolWildcard(t *testing.T) {
	gen := "arn:aws:s3:::" + snapshot.Symbol("t.yaml", "Logs", "Name")
	withGrant := func(resource string) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets = append(s.Accounts[1].Buckets, snapshot.Bucket{Name: strings.TrimPrefix(gen, "arn:aws:s3:::"), ARN: gen, Region: "us-east-1"})
			s.Accounts[1].Roles[0].InlinePolicies = []snapshot.NamedPolicy{inline("read", `{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"`+resource+`"}`)}
		}
	}
	for _, c := range []struct {
		grant string
		want  iam.Decision
	}{
		{"arn:aws:s3:::*/*", Allowed},
		{"arn:aws:s3:::org-*/*", Unknown},
		{"arn:aws:s3:::org-logs/*", ImplicitlyDenied},
	} {
		a := ask(t, org(withGrant(c.grant)), reader, "s3:GetObject", gen+"/AWSLogs/x", nil)
		if a.Decision != c.want {
			t.Errorf("grant %s: decision %s, want %s\nproof: %s", c.grant, a.Decision, c.want, a.Proof)
		}
		if c.want == Unknown && !strings.Contains(a.Proof, "the value AWS assigns at apply") {
			t.Errorf("grant %s: proof %q does not say a value AWS assigns decides", c.grant, a.Proof)
		}
	}
}

// TestAnswerCauses: an Unknown answer names each thing it is missing, as a
// key shared by every question it blocks: the missing boundary, the
// unresolved value of the statement the answer depends on, the statement
// whose wildcard a value AWS assigns meets. Known answers name none.
func TestAnswerCauses(t *testing.T) {
	const boundary = "arn:aws:iam::222222222222:policy/OrgBoundary"
	imported := snapshot.Unknown("ImportValue LogBucketArn")
	gen := "arn:aws:s3:::" + snapshot.Symbol("t.yaml", "Logs", "Name")
	cases := []struct {
		name     string
		mutate   func(*snapshot.Snapshot)
		action   string
		resource string
		want     []Cause
	}{
		{"missing boundary", func(s *snapshot.Snapshot) { s.Accounts[1].Roles[0].PermissionsBoundaryARN = boundary }, "s3:GetObject", object,
			[]Cause{{Key: "missing:" + boundary, Resource: boundary, At: reader,
				What: "the permissions boundary " + boundary + " is not in the snapshot; pass --snapshot of its account or add it"}}},
		{"unresolved value", func(s *snapshot.Snapshot) {
			s.Accounts[1].Roles[0].InlinePolicies = append(s.Accounts[1].Roles[0].InlinePolicies, inline("imported",
				`{"Sid":"Imported","Effect":"Allow","Action":"s3:PutObject","Resource":"`+imported+`"}`))
		}, "s3:PutObject", object,
			[]Cause{{Key: "value:" + imported, What: "the value ImportValue LogBucketArn", Where: "statement 'Imported' of the inline policy imported of role Reader", Token: imported}}},
		{"wildcard meets a symbol", func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets = append(s.Accounts[1].Buckets, snapshot.Bucket{Name: strings.TrimPrefix(gen, "arn:aws:s3:::"), ARN: gen, Region: "us-east-1"})
			s.Accounts[1].Roles[0].InlinePolicies = []snapshot.NamedPolicy{inline("read", `{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::org-*/*"}`)}
		}, "s3:GetObject", gen + "/AWSLogs/x",
			[]Cause{{Key: "wildcard:" + gen + "\x00statement 'Read'", What: "the value AWS assigns at apply, which a wildcard in statement 'Read' matches for some values only"}}},
		{"known", nil, "s3:GetObject", object, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), reader, c.action, c.resource, nil)
			if diff := cmp.Diff(c.want, a.Causes); diff != "" {
				t.Errorf("causes (-want +got):\n%s\nproof: %s", diff, a.Proof)
			}
		})
	}
}

// TestUnresolvedRequestValues: a request on an object key holding a value
// the input does not determine (an organization trail's AWSLogs/<org ID>/
// key) is decided where every value decides alike, and Unknown, naming
// the value, where they differ. Org-trail bucket policy:
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html#org-trail-bucket-policy
func TestUnresolvedRequestValues(t *testing.T) {
	orgID := snapshot.Unknown("organization ID")
	key := "arn:aws:s3:::org-logs/AWSLogs/" + orgID + "/111111111111/CloudTrail/x.json.gz"
	policy := func(resource string) func(*snapshot.Snapshot) {
		return func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets[0].Policy = pol(
				`{"Sid":"CloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"` + resource + `"}`)
		}
	}
	cases := []struct {
		name     string
		mutate   func(*snapshot.Snapshot)
		resource string
		ctx      map[string][]string
		want     iam.Decision
		proof    string
	}{
		{name: "AWSLogs/* covers every organization ID", mutate: policy("arn:aws:s3:::org-logs/AWSLogs/*"), resource: key, want: Allowed},
		{name: "another prefix covers none", mutate: policy("arn:aws:s3:::org-logs/Other/*"), resource: key, want: ImplicitlyDenied},
		{name: "a literal ID may or may not be it", mutate: policy("arn:aws:s3:::org-logs/AWSLogs/o-abc/*"), resource: key, want: Unknown,
			proof: "cannot prove: the resource ARN is not resolved"},
		{name: "the bucket name unresolved: the resource itself is unknown", mutate: policy("arn:aws:s3:::org-logs/AWSLogs/*"),
			resource: "arn:aws:s3:::" + snapshot.Unknown("ImportValue Bucket") + "/x", want: Unknown, proof: "the resource ARN is not resolved"},
		{name: "a context value holding the ID", mutate: func(s *snapshot.Snapshot) {
			s.Accounts[1].Buckets[0].Policy = pol(
				`{"Sid":"CloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::org-logs/*","Condition":{"StringEquals":{"aws:SourceOrgID":"o-abc"}}}`)
		}, resource: object, ctx: map[string][]string{"aws:SourceOrgID": {orgID}}, want: Unknown, proof: "cannot prove: the value of aws:SourceOrgID is not resolved"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), "cloudtrail.amazonaws.com", "s3:PutObject", c.resource, c.ctx)
			if a.Decision != c.want {
				t.Fatalf("decision %s, want %s\nproof: %s\nexplanation:\n  %s", a.Decision, c.want, a.Proof, strings.Join(a.Explanation, "\n  "))
			}
			if c.proof != "" && !strings.Contains(a.Proof, c.proof) {
				t.Errorf("proof %q does not contain %q", a.Proof, c.proof)
			}
			if c.want == Unknown && len(a.Causes) == 0 {
				t.Errorf("an Unknown answer names no cause")
			}
		})
	}
}

// TestUnresolvedPrincipal: a principal ARN holding an unknown token (an
// IaC principal whose account or role name the input does not determine)
// is split at the colons the ARN writes, not those in the token's reason,
// and answered Unknown with the cause named: an unresolved account may or
// may not be the resource's, and an unresolved name may be any role's.
// Read as plain text, "arn:aws:iam::<unknown:account ID>:role/Reader"
// was a cross-account principal "<unknown" named "ID>:role/Reader".
func TestUnresolvedPrincipal(t *testing.T) {
	account := snapshot.Unknown("account ID")
	name := snapshot.Unknown("known after apply: aws_iam_role.reader/name")
	cases := []struct {
		name, principal, resource, cause string
	}{
		{"account token in a role ARN", "arn:aws:iam::" + account + ":role/Reader", object, principalAccountUnresolved},
		{"account token in a root ARN", "arn:aws:iam::" + account + ":root", object, principalAccountUnresolved},
		{"account token in an assumed-role ARN", "arn:aws:sts::" + account + ":assumed-role/Reader/session", object, principalAccountUnresolved},
		{"role name token in a known account", "arn:aws:iam::222222222222:role/" + name, object, principalRoleUnresolved},
		{"role name token in an assumed-role ARN", "arn:aws:sts::222222222222:assumed-role/" + name + "/session", object, principalRoleUnresolved},
		{"role name token after a path", "arn:aws:iam::222222222222:role/logs/" + name, object, principalRoleUnresolved},
		{"user name token", "arn:aws:iam::222222222222:user/" + name, object, principalUserUnresolved},
		{"token in a service principal's name", snapshot.Unknown("parameter Service") + ".amazonaws.com", object, principalUnresolved},
		{"token in the session name only", "arn:aws:sts::222222222222:assumed-role/Reader/" + name, object, principalUnresolved},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(nil), c.principal, "s3:GetObject", c.resource, nil)
			if a.Decision != Unknown {
				t.Fatalf("decision %s, want Unknown\nproof: %s\nexplanation:\n  %s", a.Decision, a.Proof, strings.Join(a.Explanation, "\n  "))
			}
			if want := "cannot prove: " + c.cause; a.Proof != want {
				t.Errorf("proof %q, want %q", a.Proof, want)
			}
			if strings.Contains(strings.Join(a.Explanation, "\n"), "does not exist") || strings.Contains(strings.Join(a.Explanation, "\n"), "outside the snapshot") {
				t.Errorf("explanation places the principal:\n  %s", strings.Join(a.Explanation, "\n  "))
			}
			if len(a.Causes) != 1 || a.Causes[0].Token == "" || !strings.Contains(a.Causes[0].Where, c.principal) {
				t.Errorf("causes %+v, want the principal's token as the one cause", a.Causes)
			}
		})
	}
	// Without a token, the same principals are placed as before.
	if a := ask(t, org(nil), reader, "s3:GetObject", object, nil); a.Decision != Allowed {
		t.Errorf("known reader: %s (%s)", a.Decision, a.Proof)
	}
}

func TestParseCallerTokens(t *testing.T) {
	account := snapshot.Unknown("account ID")
	path := snapshot.Unknown("parameter a/b:c")
	cases := []struct {
		arn  string
		want caller
	}{
		{"arn:aws:iam::222222222222:role/p/Reader", caller{kind: "role", account: "222222222222", roleName: "Reader"}},
		{"arn:aws:sts::222222222222:assumed-role/Reader/s", caller{kind: "assumed-role", account: "222222222222", roleName: "Reader"}},
		{"arn:aws:iam::" + account + ":role/Reader", caller{kind: "other", account: account, unresolved: principalAccountUnresolved}},
		// A token in the path, even one holding '/' and ':', leaves the
		// name after the last '/' the ARN writes; the principal as a whole
		// (which policies name with its path) stays unresolved.
		{"arn:aws:iam::222222222222:role/" + path + "/Reader", caller{kind: "role", account: "222222222222", roleName: "Reader", unresolved: principalUnresolved}},
		{"arn:aws:sts::222222222222:assumed-role/" + path + "/s", caller{kind: "assumed-role", account: "222222222222", roleName: path, unresolved: principalRoleUnresolved}},
		{snapshot.Unknown("x") + ".amazonaws.com", caller{kind: "service", unresolved: principalUnresolved}},
		{"arn:aws:iam::" + account, caller{kind: "other", unresolved: principalUnresolved}},
	}
	for _, c := range cases {
		if got := parseCaller(c.arn, "aws"); got != c.want {
			t.Errorf("parseCaller(%q) = %+v, want %+v", c.arn, got, c.want)
		}
	}
}
