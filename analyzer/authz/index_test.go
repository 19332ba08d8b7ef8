package authz

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	mgmt   = "111111111111"
	logArc = "222222222222"
	audit  = "333333333333"
	vendor = "012345678901"
	bucket = "arn:aws:s3:::org-logs"
	object = "arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/111111111111/CloudTrail/us-east-1/f.json.gz"
	keyARN = "arn:aws:kms:us-east-1:111111111111:key/6f3c2a1e-8b7d-4e5f-9a0b-1c2d3e4f5a6b"
)

func pol(statements ...string) *snapshot.Policy {
	return &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`)}
}

func inline(name string, statements ...string) snapshot.NamedPolicy {
	return snapshot.NamedPolicy{Name: name, Policy: *pol(statements...)}
}

const fullAccess = `{"Effect":"Allow","Action":"*","Resource":"*"}`

// org builds a Control Tower–like organization: the reader role in Log
// Archive, the bucket in Log Archive, the key in the management account.
func org(mutate func(*snapshot.Snapshot)) *snapshot.Snapshot {
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Source:        snapshot.SourceFixture,
		Organization: &snapshot.Organization{
			ID: "o-a1b2c3d4e5", ManagementAccountID: mgmt, RootID: "r-a1b2",
			OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-a1b2-sec", ParentID: "r-a1b2"}},
			Members: []snapshot.OrgAccount{
				{ID: mgmt, ParentID: "r-a1b2"}, {ID: logArc, ParentID: "ou-a1b2-sec"}, {ID: audit, ParentID: "ou-a1b2-sec"},
			},
			EnabledPolicyTypes: []string{snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP},
			Policies: []snapshot.OrgPolicy{
				{ID: "p-FullAWSAccess", Type: snapshot.PolicyTypeSCP, Document: *pol(fullAccess), Targets: []string{"r-a1b2", "ou-a1b2-sec", mgmt, logArc, audit}},
				{ID: "p-RCPFullAWSAccess", Type: snapshot.PolicyTypeRCP, Document: *pol(`{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}`), Targets: []string{"r-a1b2", "ou-a1b2-sec", mgmt, logArc, audit}},
			},
		},
		Accounts: []snapshot.Account{
			{ID: mgmt, Keys: []snapshot.Key{{KeyID: "6f3c2a1e-8b7d-4e5f-9a0b-1c2d3e4f5a6b", ARN: keyARN, Region: "us-east-1", KeyState: "Enabled", KeyManager: "CUSTOMER",
				Policy: pol(`{"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}`)}}},
			{ID: logArc,
				Roles: []snapshot.Role{{Name: "Reader", ARN: "arn:aws:iam::222222222222:role/Reader",
					TrustPolicy:    pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}`),
					InlinePolicies: []snapshot.NamedPolicy{inline("read", `{"Effect":"Allow","Action":["s3:GetObject","kms:Decrypt"],"Resource":["arn:aws:s3:::org-logs/*","`+keyARN+`"]}`)}}},
				Buckets: []snapshot.Bucket{{Name: "org-logs", ARN: bucket, Region: "us-east-1",
					Policy: pol(`{"Sid":"CloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::org-logs/AWSLogs/*","Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}}`)}}},
			{ID: audit},
		},
	}
	if mutate != nil {
		mutate(s)
	}
	return s
}

func ask(t *testing.T, s *snapshot.Snapshot, principal, action, resource string, ctx map[string][]string) Answer {
	t.Helper()
	ix, err := NewIndex(s)
	if err != nil {
		t.Fatal(err)
	}
	return ix.Authorize(Request{Principal: principal, Action: action, Resource: resource, Context: ctx})
}

const reader = "arn:aws:iam::222222222222:role/Reader"

// regionSCP denies every call outside two regions, except global services
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region).
const regionSCP = `{"Sid":"DenyAllOutsideAllowedRegions","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}}`

func TestDecisions(t *testing.T) {
	cases := []struct {
		name      string
		mutate    func(*snapshot.Snapshot)
		principal string
		action    string
		resource  string
		ctx       map[string][]string
		want      iam.Decision
		proof     string // substring of the proof
	}{
		{
			// Same account: the identity policy alone suffices
			// (reference_policies_evaluation-logic.html).
			name: "same account identity allows", principal: reader, action: "s3:GetObject", resource: object, want: Allowed,
		},
		{
			name: "same account nothing allows", principal: reader, action: "s3:ListBucket", resource: bucket, want: ImplicitlyDenied,
		},
		{
			// Cross-account: the bucket policy must allow too
			// (reference_policies_evaluation-logic-cross-account.html).
			name: "cross account identity only", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) { moveBucket(s, audit) },
			want:   ImplicitlyDenied, proof: "bucket policy of org-logs",
		},
		{
			name: "cross account both sides", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				moveBucket(s, audit)
				s.Accounts[2].Buckets[0].Policy = pol(`{"Effect":"Allow","Principal":{"AWS":"` + reader + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
			},
			want: Allowed,
		},
		{
			// A key policy that only enables the key owner's IAM does not
			// admit another account (key-policy-modifying-external-accounts.html).
			name: "kms key policy silent on the reader", principal: reader, action: "kms:Decrypt", resource: keyARN, want: ImplicitlyDenied,
		},
		{
			name: "kms key policy delegates to reader account", principal: reader, action: "kms:Decrypt", resource: keyARN,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[0].Keys[0].Policy = pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:Decrypt","Resource":"*"}`)
			},
			want: Allowed,
		},
		{
			// SCPs bind member accounts (orgs_manage_policies_scps.html).
			name: "scp deny on the OU", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				addSCP(s, "ou-a1b2-sec", `{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
			},
			want: ExplicitlyDenied,
		},
		{
			// The standard region-restriction SCP
			// (reference_policies_examples_aws_deny-requested-region.html):
			// a call to a bucket in an allowed region carries that region as
			// aws:RequestedRegion and passes.
			name: "region scp allows the bucket's region", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) { addSCP(s, "r-a1b2", regionSCP) },
			want:   Allowed,
		},
		{
			name: "region scp denies another region", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				addSCP(s, "r-a1b2", regionSCP)
				s.Accounts[1].Buckets[0].Region = "ap-southeast-2"
			},
			want: ExplicitlyDenied,
		},
		{
			// A data-perimeter SCP on the organization path of the caller
			// (reference_policies_condition-keys.html#condition-keys-principalorgpaths):
			// the reader's account is under ou-a1b2-sec, so the request
			// carries that path and passes.
			name: "org paths scp admits the OU's principals", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				addSCP(s, "r-a1b2", `{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-a1b2/ou-a1b2-sec/*"}}}`)
			},
			want: Allowed,
		},
		{
			name: "org paths scp denies other OUs' principals", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				addSCP(s, "r-a1b2", `{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-a1b2/ou-other/*"}}}`)
			},
			want: ExplicitlyDenied,
		},
		{
			// A key's region is in its ARN.
			name: "region scp allows the key's region", principal: reader, action: "kms:Decrypt", resource: keyARN,
			mutate: func(s *snapshot.Snapshot) {
				addSCP(s, "r-a1b2", regionSCP)
				s.Accounts[0].Keys[0].Policy = pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:Decrypt","Resource":"*"}`)
			},
			want: Allowed,
		},
		{
			name: "scp level without an allow", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Organization.Policies[0].Targets = []string{"r-a1b2", mgmt, logArc, audit}
			},
			want: ImplicitlyDenied,
		},
		{
			// …but never the management account.
			name: "scp does not bind the management account", principal: "arn:aws:iam::111111111111:role/Admin", action: "kms:Decrypt", resource: keyARN,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[0].Roles = []snapshot.Role{{Name: "Admin", ARN: "arn:aws:iam::111111111111:role/Admin", InlinePolicies: []snapshot.NamedPolicy{inline("all", fullAccess)}}}
				addSCP(s, "r-a1b2", `{"Effect":"Deny","Action":"kms:*","Resource":"*"}`)
			},
			want: Allowed,
		},
		{
			// RCPs bind resources of member accounts (orgs_manage_policies_rcps.html).
			name: "rcp blocks an outside principal", principal: "arn:aws:iam::012345678901:role/Vendor", action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Buckets[0].Policy = pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:role/Vendor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
				addRCP(s, "r-a1b2", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}`)
			},
			want: ExplicitlyDenied,
		},
		{
			name: "org member passes the rcp perimeter", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				addRCP(s, "r-a1b2", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}`)
			},
			want: Allowed,
		},
		{
			name: "service principal with matching SourceArn", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
			ctx: map[string][]string{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}, want: Allowed,
		},
		{
			name: "service principal with another trail", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
			ctx:  map[string][]string{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/other"}},
			want: ImplicitlyDenied, proof: "its condition StringEquals on aws:SourceArn is not met",
		},
		{
			// A principal outside the snapshot: its identity side is the
			// vendor's; the trust policy decides.
			name: "vendor assumes with the external id", principal: "arn:aws:iam::012345678901:root", action: "sts:AssumeRole", resource: reader,
			ctx: map[string][]string{"sts:ExternalId": {"ext-1"}}, want: Allowed,
		},
		{
			name: "vendor assumes with another external id", principal: "arn:aws:iam::012345678901:root", action: "sts:AssumeRole", resource: reader,
			ctx: map[string][]string{"sts:ExternalId": {"ext-2"}}, want: ImplicitlyDenied, proof: "its condition StringEquals on sts:ExternalId is not met",
		},
		{
			name: "attached AWS managed policy known", principal: reader, action: "s3:ListBucket", resource: bucket,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Roles[0].AttachedPolicyARNs = []string{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}
			},
			want: Allowed,
		},
		{
			name: "attached policy not in the snapshot", principal: reader, action: "s3:ListBucket", resource: bucket,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Roles[0].AttachedPolicyARNs = []string{"arn:aws:iam::222222222222:policy/Unseen"}
			},
			want: Unknown,
		},
		{
			name: "unresolved IaC value in the resource policy", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Buckets[0].Policy = pol(`{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"` + snapshot.Unknown("ImportValue LogPrefix") + `"}`)
			},
			want: Unknown,
		},
		{
			// Terraform leaves a whole Statement unknown when it comes from
			// a data source read at apply; a document loaded from JSON
			// carries the token escaped (\u003c). The answer is Unknown,
			// neither an error nor "malformed, grants nothing".
			name: "statement unknown until apply", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Buckets[0].Policy = &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":"\u003cunknown:known after apply: data.aws_iam_policy_document.b.json\u003e"}`)}
			},
			want: Unknown, proof: "cannot prove",
		},
		{
			// RCPs bind service principals
			// (kms/latest/developerguide/resource-control-policies.html):
			// a perimeter without the aws:PrincipalIsAWSService exemption
			// stops CloudTrail writing to a member account's bucket.
			name: "rcp without a service exemption blocks cloudtrail", principal: "cloudtrail.amazonaws.com", action: "s3:PutObject", resource: object,
			ctx: map[string][]string{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}},
			mutate: func(s *snapshot.Snapshot) {
				addRCP(s, "r-a1b2", `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)
			},
			want: ExplicitlyDenied,
		},
		{
			// RCPs do not apply to AWS managed KMS keys (same page).
			name: "rcp does not bind an AWS managed key", principal: "arn:aws:iam::012345678901:role/Vendor", action: "kms:Decrypt", resource: "arn:aws:kms:us-east-1:222222222222:key/aws-managed-1",
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Keys = []snapshot.Key{{KeyID: "aws-managed-1", ARN: "arn:aws:kms:us-east-1:222222222222:key/aws-managed-1", Region: "us-east-1", KeyState: "Enabled", KeyManager: "AWS",
					Policy: pol(`{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*"}`)}}
				addRCP(s, "r-a1b2", `{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)
			},
			want: Allowed,
		},
		{
			// RCPs do not affect resources in the management account
			// (organizations/latest/userguide/orgs_manage_policies_rcps.html).
			name: "rcp does not bind the management account's key", principal: "arn:aws:iam::012345678901:role/Vendor", action: "kms:Decrypt", resource: keyARN,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[0].Keys[0].Policy = pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"kms:Decrypt","Resource":"*"}`)
				addRCP(s, "r-a1b2", `{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}`)
			},
			want: Allowed,
		},
		{
			// An account root ARN stands for any principal of the account;
			// those of a member account are bound by its SCP path: Control
			// Tower's guardrail forbids them changing the log bucket policy
			// (controltower/latest/controlreference/mandatory-controls.html).
			name: "scp binds any principal of a member account", principal: "arn:aws:iam::222222222222:root", action: "s3:PutBucketPolicy", resource: bucket,
			mutate: func(s *snapshot.Snapshot) {
				addSCP(s, "ou-a1b2-sec", `{"Sid":"GRAUDITBUCKETPOLICYCHANGESPROHIBITED","Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::org-*","Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/AWSControlTowerExecution"}}}`)
			},
			want: ExplicitlyDenied, proof: "GRAUDITBUCKETPOLICYCHANGESPROHIBITED",
		},
		{
			name: "malformed trust policy grants nothing", principal: "arn:aws:iam::012345678901:root", action: "sts:AssumeRole", resource: reader,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Roles[0].TrustPolicy = pol(`{"Effect":"Allow","Principal":"arn:aws:iam::012345678901:root","Action":"sts:AssumeRole"}`)
			},
			want: ImplicitlyDenied, proof: "malformed",
		},
		{
			name: "permissions boundary without the action", principal: reader, action: "s3:GetObject", resource: object,
			mutate: func(s *snapshot.Snapshot) {
				s.Accounts[1].Roles[0].PermissionsBoundaryARN = "arn:aws:iam::222222222222:policy/Boundary"
				s.Accounts[1].ManagedPolicies = []snapshot.ManagedPolicy{{ARN: "arn:aws:iam::222222222222:policy/Boundary", Policy: *pol(`{"Effect":"Allow","Action":"sqs:*","Resource":"*"}`)}}
			},
			want: ImplicitlyDenied,
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
			if a.Proof == "" || len(a.Explanation) == 0 {
				t.Errorf("empty proof or explanation: %+v", a)
			}
		})
	}
}

func moveBucket(s *snapshot.Snapshot, account string) {
	for i := range s.Accounts {
		if s.Accounts[i].ID == account {
			s.Accounts[i].Buckets = s.Accounts[1].Buckets
		}
	}
	s.Accounts[1].Buckets = nil
}

func addSCP(s *snapshot.Snapshot, target, statement string) {
	s.Organization.Policies = append(s.Organization.Policies, snapshot.OrgPolicy{ID: "p-test" + target, Type: snapshot.PolicyTypeSCP, Document: *pol(statement), Targets: []string{target}})
}

func addRCP(s *snapshot.Snapshot, target, statement string) {
	s.Organization.Policies = append(s.Organization.Policies, snapshot.OrgPolicy{ID: "p-rcp" + target, Type: snapshot.PolicyTypeRCP, Document: *pol(statement), Targets: []string{target}})
}

func TestAnswersAreCached(t *testing.T) {
	ix, err := NewIndex(org(nil))
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Principal: reader, Action: "s3:GetObject", Resource: object, Context: map[string][]string{"aws:SourceIp": {"192.0.2.1"}}}
	a := ix.Authorize(req)
	if len(ix.cache) != 1 {
		t.Fatalf("cache holds %d answers, want 1", len(ix.cache))
	}
	if b := ix.Authorize(req); b.Decision != a.Decision || b.Proof != a.Proof {
		t.Errorf("cached answer differs: %+v vs %+v", a, b)
	}
	if len(ix.cache) != 1 {
		t.Errorf("a repeated question was evaluated again")
	}
}

// TestAnswersShareLists: two questions whose answers say the same steps
// (one role reading the same object under two contexts no policy tests)
// get one list of each, and an answer the index does not keep
// (AuthorizeUncached) shares them too; appending to a shared list copies
// it.
func TestAnswersShareLists(t *testing.T) {
	ix, err := NewIndex(org(nil))
	if err != nil {
		t.Fatal(err)
	}
	first := Request{Principal: reader, Action: "s3:GetObject", Resource: object, Context: map[string][]string{"aws:SourceIp": {"192.0.2.1"}}}
	second := first
	second.Context = map[string][]string{"aws:SourceIp": {"192.0.2.2"}}
	a, b := ix.Authorize(first), ix.Authorize(second)
	third := first
	third.Context = map[string][]string{"aws:SourceIp": {"192.0.2.3"}}
	c := ix.AuthorizeUncached(third, third.Key())
	if len(ix.cache) != 2 {
		t.Fatalf("cache holds %d answers, want 2", len(ix.cache))
	}
	for _, other := range []Answer{b, c} {
		if len(a.Explanation) == 0 || len(a.Kinds) == 0 || len(a.Statements) == 0 {
			t.Fatalf("answer without lists: %+v", a)
		}
		if &other.Explanation[0] != &a.Explanation[0] || &other.Kinds[0] != &a.Kinds[0] || &other.Statements[0] != &a.Statements[0] {
			t.Errorf("equal lists are not shared: %+v\n%+v", a, other)
		}
	}
	// A key of a question the index was asked spells its context with
	// the index's string.
	k := ix.InternKey(first.Key())
	for cached := range ix.cache {
		if cached == k && unsafe.StringData(cached.context) != unsafe.StringData(k.context) {
			t.Error("InternKey spells the context anew")
		}
	}
	if k != first.Key() {
		t.Errorf("InternKey changed the key")
	}
	want := slices.Clone(a.Explanation)
	_ = append(b.Explanation, "appended")
	if !slices.Equal(a.Explanation, want) {
		t.Errorf("appending to one answer's explanation changed another's: %q", a.Explanation)
	}
}

// TestKey: condition keys are compared case-insensitively, values and the
// request's other parts exactly.
func TestKey(t *testing.T) {
	base := Request{Principal: reader, Action: "s3:GetObject", Resource: object, Context: map[string][]string{"aws:SourceIp": {"192.0.2.1"}}}
	same := base
	same.Context = map[string][]string{"AWS:SOURCEIP": {"192.0.2.1"}}
	if base.Key() != same.Key() || base.Key().String() != same.Key().String() {
		t.Errorf("condition keys differing in case make different questions")
	}
	strs := map[string]string{}
	if base.Key().Interned(strs) != same.Key().Interned(strs) || len(strs) != 1 {
		t.Errorf("interned keys differ or hold %d contexts", len(strs))
	}
	for _, other := range []Request{
		{Principal: reader, Action: "s3:GetObject", Resource: object},
		{Principal: reader, Action: "s3:GetObject", Resource: object, Context: map[string][]string{"aws:SourceIp": {"192.0.2.2"}}},
		{Principal: reader, Action: "s3:GetObject", Resource: object, Context: map[string][]string{"aws:SourceIp": {"192.0.2.1", "192.0.2.2"}}},
		{Principal: reader, Action: "s3:PutObject", Resource: object, Context: base.Context},
		{Principal: reader, Action: "s3:GetObject", Resource: bucket, Context: base.Context},
	} {
		if other.Key() == base.Key() || other.Key().String() == base.Key().String() {
			t.Errorf("%+v has the key of %+v", other, base)
		}
	}
}

// manyRoles builds a snapshot with n roles, each with an inline policy, a
// trust policy and an attached managed policy.
func manyRoles(n int) *snapshot.Snapshot {
	s := org(nil)
	a := &s.Accounts[1]
	a.ManagedPolicies = append(a.ManagedPolicies, snapshot.ManagedPolicy{ARN: "arn:aws:iam::222222222222:policy/Shared", Policy: *pol(`{"Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}`)})
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("Role%04d", i)
		a.Roles = append(a.Roles, snapshot.Role{
			Name: name, ARN: "arn:aws:iam::222222222222:role/" + name,
			TrustPolicy:        pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::012345678901:root"},"Action":"sts:AssumeRole"}`),
			InlinePolicies:     []snapshot.NamedPolicy{inline("p", fmt.Sprintf(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-%d","arn:aws:s3:::bucket-%d/*"]}`, i, i))},
			AttachedPolicyARNs: []string{"arn:aws:iam::222222222222:policy/Shared"},
		})
	}
	return s
}

func BenchmarkIndex(b *testing.B) {
	s := manyRoles(1000)
	b.ReportAllocs()
	for b.Loop() {
		ix, err := NewIndex(s)
		if err != nil {
			b.Fatal(err)
		}
		if ix.Roles != 1001 {
			b.Fatalf("indexed %d roles", ix.Roles)
		}
	}
}

func BenchmarkAuthorize(b *testing.B) {
	ix, err := NewIndex(manyRoles(1000))
	if err != nil {
		b.Fatal(err)
	}
	reqs := make([]Request, 1000)
	for i := range reqs {
		reqs[i] = Request{Principal: fmt.Sprintf("arn:aws:iam::222222222222:role/Role%04d", i), Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-east-1:222222222222:q"}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.authorize(reqs[i%len(reqs)])
	}
}

// FuzzIndex: any policy text in any slot of a snapshot yields an index and
// an answer, never a panic.
func FuzzIndex(f *testing.F) {
	f.Add(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`, "s3:GetObject")
	f.Add(`{"Effect":"Deny","NotPrincipal":{"AWS":"x"},"NotAction":"s3:*","NotResource":"*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*"]}}}`, "kms:Decrypt")
	f.Add(`"not an object"`, "sts:AssumeRole")
	// Unresolved IaC values in every element.
	f.Add(`{"Effect":"Deny","Principal":{"AWS":"<unknown:a>"},"Action":"<unknown:b>","Resource":"<unknown:c>","Condition":{"StringEquals":{"<unknown:d>":"<unknown:e>"}}}`, "s3:GetObject")
	f.Add(`{"Effect":"Allow","NotPrincipal":{"AWS":["<unknown:a>"]},"NotAction":["s3:*","<unknown:b>"],"NotResource":"<unknown:c>"}`, "kms:Decrypt")
	f.Fuzz(func(t *testing.T, statement, action string) {
		s := org(func(s *snapshot.Snapshot) {
			p := &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[` + statement + `]}`)}
			s.Accounts[1].Buckets[0].Policy = p
			s.Accounts[1].Roles[0].TrustPolicy = p
			s.Accounts[1].Roles[0].InlinePolicies[0].Policy = *p
			s.Organization.Policies[0].Document = *p
		})
		ix, err := NewIndex(s)
		if err != nil {
			return
		}
		for _, res := range []string{object, bucket, keyARN, reader} {
			a := ix.Authorize(Request{Principal: reader, Action: action, Resource: res})
			switch a.Decision {
			case Allowed, ImplicitlyDenied, ExplicitlyDenied, Unknown:
			default:
				t.Fatalf("decision %q", a.Decision)
			}
		}
	})
}

func TestEmbeddedAWSManagedPoliciesCompile(t *testing.T) {
	names := KnownAWSManagedPolicies()
	if len(names) == 0 {
		t.Fatal("no embedded AWS managed policies")
	}
	for _, n := range names {
		d := awsManagedPolicies[n]()
		if d == nil || d.policy == nil {
			t.Errorf("%s: not compiled", n)
		}
	}
}

// The index adds the organization keys Organization.OrgContext adds, from
// the paths it computed once.
func TestOrgContextMatchesOrganization(t *testing.T) {
	o := &snapshot.Organization{ID: "o-1", RootID: "r-1", ManagementAccountID: "111111111111",
		OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-a", ParentID: "r-1"}, {ID: "ou-b", ParentID: "ou-a"}},
		Members:             []snapshot.OrgAccount{{ID: "222222222222", ParentID: "ou-b"}, {ID: "333333333333", ParentID: "r-1"}}}
	ix, err := NewIndex(&snapshot.Snapshot{Organization: o})
	if err != nil {
		t.Fatal(err)
	}
	accounts := []string{"", "111111111111", "222222222222", "333333333333", "444444444444"}
	for _, p := range accounts {
		for _, r := range accounts {
			want, got := map[string][]string{}, map[string][]string{}
			o.OrgContext(want, p, r)
			ix.orgContext(got, p, r)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("principal %q, resource %q (-Organization +index):\n%s", p, r, d)
			}
		}
		chain, _ := o.Ancestors(p)
		if p != "" && !cmp.Equal(chain, ix.chains[p]) {
			t.Errorf("chain of %q: %v, want %v", p, ix.chains[p], chain)
		}
	}
}
