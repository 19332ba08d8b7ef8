package awstest_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func doc(s string) snapshot.Policy { return snapshot.Policy{Document: json.RawMessage(s)} }

// perimeterWorld is an organization (root, one OU, member 222… in it) with
// RCPs listed: a data perimeter on the root that denies principals outside
// the organization's OU path. Whether it applies depends on the enabled
// policy types the test sets. Bucket logs of 222… grants the outsider
// 555…, so that only RCPs can stop it.
func perimeterWorld(enabled ...string) *awstest.World {
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture,
		Organization: &snapshot.Organization{ID: "o-test000001", ManagementAccountID: "111111111111", RootID: "r-0001",
			EnabledPolicyTypes:  enabled,
			OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-0001-aaaaaaaa", ParentID: "r-0001"}},
			Members:             []snapshot.OrgAccount{{ID: "222222222222", ParentID: "ou-0001-aaaaaaaa"}},
			Policies: []snapshot.OrgPolicy{
				{ID: "p-FullAWSAccess", Type: snapshot.PolicyTypeSCP, Targets: []string{"r-0001", "ou-0001-aaaaaaaa", "222222222222", "111111111111"},
					Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
				// StringNotLike is true when the key is absent, so a server
				// that leaves aws:PrincipalOrgPaths out denies members too.
				{ID: "p-perimeter", Type: snapshot.PolicyTypeRCP, Targets: []string{"r-0001"},
					Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",` +
						`"Condition":{"StringNotLike":{"aws:PrincipalOrgPaths":"o-test000001/r-0001/*"}}}]}`)},
			}},
		Accounts: []snapshot.Account{{ID: "222222222222",
			Roles: []snapshot.Role{{Name: "Reader", Path: "/logs/", ARN: "arn:aws:iam::222222222222:role/logs/Reader",
				InlinePolicies: []snapshot.NamedPolicy{{Name: "read", Policy: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}}}},
			Buckets: []snapshot.Bucket{{Name: "logs", ARN: "arn:aws:s3:::logs", Region: "eu-west-1",
				Policy: &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
					`"Principal":{"AWS":"arn:aws:iam::555555555555:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}`)}}},
		}},
	}
	return awstest.NewWorld(s)
}

var (
	member   = awstest.Caller{PrincipalARN: "arn:aws:sts::222222222222:assumed-role/Reader/s1", Account: "222222222222", Region: "eu-west-1"}
	outsider = awstest.Caller{PrincipalARN: "arn:aws:iam::555555555555:user/admin", Account: "555555555555", Region: "eu-west-1"}
)

func decide(t *testing.T, w *awstest.World, c awstest.Caller, action, resource string) iam.Decision {
	t.Helper()
	res, err := w.Authorize(awstest.Authorization{Caller: c, Action: action, Resource: resource})
	if err != nil {
		t.Fatal(err)
	}
	return res.Decision
}

// TestRequestContext: the request context is analyzer/authz's (organization
// keys only for members, aws:PrincipalArn the session's role with its
// path or the IAM user's ARN, which AWS includes in every signed request:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn,
// aws:SecureTransport), with the endpoint's region; the keys the
// evaluator derives from the principal and the resource account are left
// to it.
func TestRequestContext(t *testing.T) {
	w := perimeterWorld(snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP)
	context := func(c awstest.Caller, resource string) map[string][]string {
		asm, err := w.Assemble(awstest.Authorization{Caller: c, Action: "s3:GetObject", Resource: resource})
		if err != nil {
			t.Fatal(err)
		}
		return asm.Request.Context
	}
	got := map[string]map[string][]string{
		"member on a member's resource":    context(member, "arn:aws:s3:::logs/k"),
		"outsider on a member's resource":  context(outsider, "arn:aws:s3:::logs/k"),
		"management account, no region":    context(awstest.Caller{PrincipalARN: "arn:aws:iam::111111111111:user/admin", Account: "111111111111"}, "*"),
		"outsider on an outsider resource": context(outsider, "arn:aws:s3:::elsewhere/k"),
	}
	want := map[string]map[string][]string{
		"member on a member's resource": {
			"aws:PrincipalArn": {"arn:aws:iam::222222222222:role/logs/Reader"}, "aws:PrincipalOrgID": {"o-test000001"},
			"aws:PrincipalOrgPaths": {"o-test000001/r-0001/ou-0001-aaaaaaaa/"}, "aws:RequestedRegion": {"eu-west-1"},
			"aws:ResourceOrgID": {"o-test000001"}, "aws:ResourceOrgPaths": {"o-test000001/r-0001/ou-0001-aaaaaaaa/"},
			"aws:SecureTransport": {"true"},
		},
		"outsider on a member's resource": {
			"aws:PrincipalArn":    {"arn:aws:iam::555555555555:user/admin"},
			"aws:RequestedRegion": {"eu-west-1"}, "aws:ResourceOrgID": {"o-test000001"},
			"aws:ResourceOrgPaths": {"o-test000001/r-0001/ou-0001-aaaaaaaa/"}, "aws:SecureTransport": {"true"},
		},
		"management account, no region": {
			"aws:PrincipalArn":   {"arn:aws:iam::111111111111:user/admin"},
			"aws:PrincipalOrgID": {"o-test000001"}, "aws:PrincipalOrgPaths": {"o-test000001/r-0001/"}, "aws:SecureTransport": {"true"},
		},
		"outsider on an outsider resource": {"aws:PrincipalArn": {"arn:aws:iam::555555555555:user/admin"}, "aws:RequestedRegion": {"eu-west-1"}, "aws:SecureTransport": {"true"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("request contexts (-want +got):\n%s", d)
	}
}

// TestRCPsOnlyWhenEnabled: RCPs bind only when RESOURCE_CONTROL_POLICY is
// enabled at the root
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
// then only the perimeter's deny matters (RCPFullAWSAccess allows the
// rest), and it lets members through because their requests carry
// aws:PrincipalOrgPaths.
func TestRCPsOnlyWhenEnabled(t *testing.T) {
	got := map[string]iam.Decision{}
	for name, enabled := range map[string][]string{
		"SCPs only":          {snapshot.PolicyTypeSCP},
		"SCPs and RCPs":      {snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP},
		"types not recorded": nil,
	} {
		w := perimeterWorld(enabled...)
		got[name+", member"] = decide(t, w, member, "s3:GetObject", "arn:aws:s3:::logs/k")
		got[name+", outsider"] = decide(t, w, outsider, "s3:GetObject", "arn:aws:s3:::logs/k")
	}
	want := map[string]iam.Decision{
		"SCPs only, member":            iam.Allowed,
		"SCPs only, outsider":          iam.Allowed,
		"SCPs and RCPs, member":        iam.Allowed,
		"SCPs and RCPs, outsider":      iam.ExplicitlyDenied,
		"types not recorded, member":   iam.Allowed,
		"types not recorded, outsider": iam.ExplicitlyDenied,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got):\n%s", d)
	}
}

// TestRCPFullAWSAccessListed: the world lists RCPFullAWSAccess on the
// root, every OU and every account once RCPs are in force, as
// Organizations lists it, and not otherwise; evaluation adds nothing of
// its own, so a member's request that no RCP denies is allowed because
// the listed policy allows it.
func TestRCPFullAWSAccessListed(t *testing.T) {
	targets := func(w *awstest.World) []string {
		for _, p := range w.Snapshot.Organization.Policies {
			if p.ID == "p-RCPFullAWSAccess" {
				if !p.AWSManaged || p.Type != snapshot.PolicyTypeRCP || p.ARN != "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess" {
					t.Errorf("RCPFullAWSAccess listed as %+v", p)
				}
				return slices.Sorted(slices.Values(p.Targets))
			}
		}
		return nil
	}
	if got := targets(perimeterWorld(snapshot.PolicyTypeSCP)); got != nil {
		t.Errorf("RCPs not enabled, RCPFullAWSAccess attached to %v", got)
	}
	w := perimeterWorld(snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP)
	if d := cmp.Diff([]string{"111111111111", "222222222222", "ou-0001-aaaaaaaa", "r-0001"}, targets(w)); d != "" {
		t.Errorf("RCPFullAWSAccess targets (-want +got):\n%s", d)
	}
	// Without it, the OU and account levels would allow nothing.
	if got := decide(t, w, member, "s3:GetObject", "arn:aws:s3:::logs/k"); got != iam.Allowed {
		t.Errorf("member under RCPFullAWSAccess: %s, want allowed", got)
	}
	w.Update(func(s *snapshot.Snapshot) {
		s.Organization.Policies = slices.DeleteFunc(s.Organization.Policies, func(p snapshot.OrgPolicy) bool { return p.ID == "p-RCPFullAWSAccess" })
	})
	if d := cmp.Diff([]string{"111111111111", "222222222222", "ou-0001-aaaaaaaa", "r-0001"}, targets(w)); d != "" {
		t.Errorf("RCPFullAWSAccess detached: AWS never lets it be (-want +got):\n%s", d)
	}
}

// TestRequestedRegionIsTheEndpoints: aws:RequestedRegion is the region the
// caller sent the request to
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion),
// not the resource's. Under a region-restriction SCP that allows only
// eu-west-1, the bucket (in eu-west-1) read through us-east-1 is denied;
// through eu-west-1 it is allowed. (analyzer/authz, which has no endpoint,
// takes the resource's region.)
func TestRequestedRegionIsTheEndpoints(t *testing.T) {
	w := perimeterWorld(snapshot.PolicyTypeSCP)
	w.Update(func(s *snapshot.Snapshot) {
		s.Organization.Policies = append(s.Organization.Policies, snapshot.OrgPolicy{ID: "p-regions", Type: snapshot.PolicyTypeSCP, Targets: []string{"r-0001"},
			Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*",` +
				`"Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`)})
	})
	inUS := member
	inUS.Region = "us-east-1"
	got := map[string]iam.Decision{
		"through eu-west-1": decide(t, w, member, "s3:GetObject", "arn:aws:s3:::logs/k"),
		"through us-east-1": decide(t, w, inUS, "s3:GetObject", "arn:aws:s3:::logs/k"),
	}
	want := map[string]iam.Decision{"through eu-west-1": iam.Allowed, "through us-east-1": iam.ExplicitlyDenied}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got):\n%s", d)
	}
}

// TestUndescribedCallers: an IAM user the world does not describe is the
// test's operator, whose identity policies allow everything; SCPs still
// bind it in a member account. A session of a role the world does not
// hold has no identity policy, as a role that does not exist has none.
func TestUndescribedCallers(t *testing.T) {
	w := perimeterWorld(snapshot.PolicyTypeSCP)
	operator := awstest.Caller{PrincipalARN: "arn:aws:iam::222222222222:user/admin", Account: "222222222222", Region: "eu-west-1"}
	ghost := awstest.Caller{PrincipalARN: "arn:aws:sts::222222222222:assumed-role/Ghost/s1", Account: "222222222222", Region: "eu-west-1"}
	got := map[string]iam.Decision{
		"operator reads its account's bucket":  decide(t, w, operator, "s3:GetObject", "arn:aws:s3:::logs/k"),
		"operator deletes it":                  decide(t, w, operator, "s3:DeleteBucket", "arn:aws:s3:::logs"),
		"a session of a role not in the world": decide(t, w, ghost, "s3:GetObject", "arn:aws:s3:::logs/k"),
	}
	w.Update(func(s *snapshot.Snapshot) {
		s.Organization.Policies = append(s.Organization.Policies, snapshot.OrgPolicy{ID: "p-nodelete", Type: snapshot.PolicyTypeSCP, Targets: []string{"222222222222"},
			Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)})
	})
	got["operator deletes it under an SCP that denies it"] = decide(t, w, operator, "s3:DeleteBucket", "arn:aws:s3:::logs")
	want := map[string]iam.Decision{
		"operator reads its account's bucket":             iam.Allowed,
		"operator deletes it":                             iam.Allowed,
		"a session of a role not in the world":            iam.ImplicitlyDenied,
		"operator deletes it under an SCP that denies it": iam.ExplicitlyDenied,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got):\n%s", d)
	}
}

// TestUpdateReassembles: the World answers from the policies it held at
// its first question until Update, whose change the next question sees.
func TestUpdateReassembles(t *testing.T) {
	w := perimeterWorld(snapshot.PolicyTypeSCP)
	if got := decide(t, w, outsider, "s3:GetObject", "arn:aws:s3:::logs/k"); got != iam.Allowed {
		t.Fatalf("outsider granted by the bucket policy: %s", got)
	}
	w.Update(func(s *snapshot.Snapshot) { s.Accounts[0].Buckets[0].Policy = nil })
	if got := decide(t, w, outsider, "s3:GetObject", "arn:aws:s3:::logs/k"); got != iam.ImplicitlyDenied {
		t.Errorf("outsider after the bucket policy is removed: %s, want implicitly denied", got)
	}
}

// TestServersAgreeWithTheAnalyzer: for a role calling the endpoint of the
// resource's region, a server decides what analyzer/authz decides about
// the same snapshot, under SCPs, RCPs, bucket and trust policies: one
// assembly, not two that could drift apart.
func TestServersAgreeWithTheAnalyzer(t *testing.T) {
	w := perimeterWorld(snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP)
	w.Update(func(s *snapshot.Snapshot) {
		s.Accounts[0].Roles = append(s.Accounts[0].Roles, snapshot.Role{Name: "Vendor", ARN: "arn:aws:iam::222222222222:role/Vendor",
			TrustPolicy: &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
				`"Principal":{"AWS":"arn:aws:iam::222222222222:role/logs/Reader"},"Action":"sts:AssumeRole"}]}`)}})
	})
	ix, err := authz.NewIndex(w.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		caller, action, resource string
		want                     iam.Decision
	}{
		{"arn:aws:sts::222222222222:assumed-role/Reader/s1", "s3:GetObject", "arn:aws:s3:::logs/k", iam.Allowed},
		{"arn:aws:sts::222222222222:assumed-role/Reader/s1", "s3:PutObject", "arn:aws:s3:::logs/k", iam.ImplicitlyDenied},
		{"arn:aws:sts::222222222222:assumed-role/Reader/s1", "sts:AssumeRole", "arn:aws:iam::222222222222:role/Vendor", iam.Allowed},
		{"arn:aws:sts::222222222222:assumed-role/Vendor/s1", "sts:AssumeRole", "arn:aws:iam::222222222222:role/logs/Reader", iam.ImplicitlyDenied},
		// Granted by the bucket policy, stopped by the perimeter RCP.
		{"arn:aws:sts::555555555555:assumed-role/Outsider/s1", "s3:GetObject", "arn:aws:s3:::logs/k", iam.ExplicitlyDenied},
	} {
		account := awstest.AccountOfARN(q.caller)
		server, err := w.Authorize(awstest.Authorization{Caller: awstest.Caller{PrincipalARN: q.caller, Account: account, Region: "eu-west-1"},
			Action: q.action, Resource: q.resource})
		if err != nil {
			t.Fatal(err)
		}
		analyzer := ix.Authorize(authz.Request{Principal: q.caller, Action: q.action, Resource: q.resource})
		if server.Decision != q.want || analyzer.Decision != q.want {
			t.Errorf("%s %s on %s: server %s, analyzer %s (%s), want %s", q.caller, q.action, q.resource, server.Decision, analyzer.Decision, analyzer.Proof, q.want)
		}
	}
}
