package awstest_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// perimeterWorld is an organization (root, one OU, member 222… in it) with
// RCPs listed: a data perimeter on the root that denies principals outside
// the organization's OU path. Whether it applies depends on the enabled
// policy types the test sets.
func perimeterWorld(enabled ...string) *awstest.World {
	doc := func(s string) snapshot.Policy { return snapshot.Policy{Document: json.RawMessage(s)} }
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture,
		Organization: &snapshot.Organization{ID: "o-test000001", ManagementAccountID: "111111111111", RootID: "r-0001",
			EnabledPolicyTypes:  enabled,
			OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-0001-aaaaaaaa", ParentID: "r-0001"}},
			Members:             []snapshot.OrgAccount{{ID: "222222222222", ParentID: "ou-0001-aaaaaaaa"}},
			Policies: []snapshot.OrgPolicy{
				{ID: "p-FullAWSAccess", Type: snapshot.PolicyTypeSCP, Targets: []string{"r-0001", "ou-0001-aaaaaaaa", "222222222222"},
					Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
				// StringNotLike is true when the key is absent, so a server
				// that leaves aws:PrincipalOrgPaths out denies members too.
				{ID: "p-perimeter", Type: snapshot.PolicyTypeRCP, Targets: []string{"r-0001"},
					Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",` +
						`"Condition":{"StringNotLike":{"aws:PrincipalOrgPaths":"o-test000001/r-0001/*"}}}]}`)},
			}},
		Accounts: []snapshot.Account{{ID: "222222222222", Roles: []snapshot.Role{{Name: "Reader", Path: "/logs/", ARN: "arn:aws:iam::222222222222:role/logs/Reader",
			InlinePolicies: []snapshot.NamedPolicy{{Name: "read", Policy: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)}}}}}},
	}
	return awstest.NewWorld(s)
}

var (
	member   = awstest.Caller{PrincipalARN: "arn:aws:sts::222222222222:assumed-role/Reader/s1", Account: "222222222222", Region: "eu-west-1"}
	outsider = awstest.Caller{PrincipalARN: "arn:aws:iam::555555555555:user/admin", Account: "555555555555", Region: "eu-west-1"}
)

// TestRequestContext: the global keys AWS sets
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html),
// organization keys only for members, aws:PrincipalArn the session's role
// with its path.
func TestRequestContext(t *testing.T) {
	w := perimeterWorld(snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP)
	got := map[string]map[string][]string{
		"member on a member's resource":    w.RequestContext(member, "222222222222"),
		"outsider on a member's resource":  w.RequestContext(outsider, "222222222222"),
		"management account, not listed":   w.RequestContext(awstest.Caller{PrincipalARN: "arn:aws:iam::111111111111:user/admin", Account: "111111111111"}, ""),
		"outsider on an outsider resource": w.RequestContext(outsider, "555555555555"),
	}
	want := map[string]map[string][]string{
		"member on a member's resource": {
			"aws:PrincipalAccount": {"222222222222"}, "aws:PrincipalArn": {"arn:aws:iam::222222222222:role/logs/Reader"},
			"aws:PrincipalIsAWSService": {"false"}, "aws:PrincipalOrgID": {"o-test000001"},
			"aws:PrincipalOrgPaths": {"o-test000001/r-0001/ou-0001-aaaaaaaa/"}, "aws:RequestedRegion": {"eu-west-1"},
			"aws:ResourceAccount": {"222222222222"}, "aws:ResourceOrgID": {"o-test000001"},
			"aws:ResourceOrgPaths": {"o-test000001/r-0001/ou-0001-aaaaaaaa/"}, "aws:SecureTransport": {"true"},
		},
		"outsider on a member's resource": {
			"aws:PrincipalAccount": {"555555555555"}, "aws:PrincipalArn": {"arn:aws:iam::555555555555:user/admin"},
			"aws:PrincipalIsAWSService": {"false"}, "aws:RequestedRegion": {"eu-west-1"},
			"aws:ResourceAccount": {"222222222222"}, "aws:ResourceOrgID": {"o-test000001"},
			"aws:ResourceOrgPaths": {"o-test000001/r-0001/ou-0001-aaaaaaaa/"}, "aws:SecureTransport": {"true"},
		},
		"management account, not listed": {
			"aws:PrincipalAccount": {"111111111111"}, "aws:PrincipalArn": {"arn:aws:iam::111111111111:user/admin"},
			"aws:PrincipalIsAWSService": {"false"}, "aws:PrincipalOrgID": {"o-test000001"},
			"aws:PrincipalOrgPaths": {"o-test000001/r-0001/"}, "aws:SecureTransport": {"true"},
		},
		"outsider on an outsider resource": {
			"aws:PrincipalAccount": {"555555555555"}, "aws:PrincipalArn": {"arn:aws:iam::555555555555:user/admin"},
			"aws:PrincipalIsAWSService": {"false"}, "aws:RequestedRegion": {"eu-west-1"},
			"aws:ResourceAccount": {"555555555555"}, "aws:SecureTransport": {"true"},
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("request contexts (-want +got):\n%s", d)
	}
}

// TestRCPsOnlyWhenEnabled: RCPs bind only when RESOURCE_CONTROL_POLICY is
// enabled at the root
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html);
// then RCPFullAWSAccess stands at every level, so only the perimeter's deny
// matters, and it lets members through because their requests carry
// aws:PrincipalOrgPaths.
func TestRCPsOnlyWhenEnabled(t *testing.T) {
	// The bucket policy grants the outsider, so that only RCPs can stop it.
	bucketPolicy := &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::555555555555:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}`)}
	decide := func(w *awstest.World, c awstest.Caller) iam.Decision {
		res, err := w.Authorize(awstest.Authorization{Caller: c, Action: "s3:GetObject", Resource: "arn:aws:s3:::logs/k",
			ResourceAccount: "222222222222", ResourcePolicy: bucketPolicy})
		if err != nil {
			t.Fatal(err)
		}
		return res.Decision
	}
	got := map[string]iam.Decision{}
	for name, enabled := range map[string][]string{
		"SCPs only":          {snapshot.PolicyTypeSCP},
		"SCPs and RCPs":      {snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP},
		"types not recorded": nil,
	} {
		w := perimeterWorld(enabled...)
		got[name+", member"] = decide(w, member)
		got[name+", outsider"] = decide(w, outsider)
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
	// Levels: root, OU, account; each RCP level carries RCPFullAWSAccess.
	levels, err := perimeterWorld(snapshot.PolicyTypeRCP).OrgLevels("222222222222", snapshot.PolicyTypeRCP)
	if err != nil {
		t.Fatal(err)
	}
	var shape []string
	for _, l := range levels {
		shape = append(shape, l.Target+":"+string(rune('0'+len(l.Policies))))
	}
	if d := cmp.Diff([]string{"r-0001:2", "ou-0001-aaaaaaaa:1", "222222222222:1"}, shape); d != "" {
		t.Errorf("RCP levels (-want +got):\n%s", d)
	}
}
