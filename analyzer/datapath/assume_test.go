package datapath

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

const (
	mainRole    = "arn:aws:iam::111111111111:role/radiant-aws-access-role"
	radiantExID = "radiant-external-id"
)

func role(arn, name, trust string, inline ...string) snapshot.Role {
	r := snapshot.Role{Name: name, ARN: arn}
	if trust != "" {
		r.TrustPolicy = &snapshot.Policy{Document: json.RawMessage(trust)}
	}
	for i, doc := range inline {
		r.InlinePolicies = append(r.InlinePolicies, snapshot.NamedPolicy{Name: "p" + string(rune('0'+i)), Policy: snapshot.Policy{Document: json.RawMessage(doc)}})
	}
	return r
}

// radiantSnapshot is Radiant's multi-account model (shared/profiles.md
// R6-R8): the main role trusting Radiant's principal with the external
// ID, and roles in other accounts, some the main role assumes.
func radiantSnapshot(vendorTrust string) *snapshot.Snapshot {
	trustMain := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + mainRole + `"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + radiantExID + `"}}}]}`
	assume := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":["arn:aws:iam::444444444444:role/reader","arn:aws:iam::222222222222:role/radiant-aws-access-role","arn:aws:iam::333333333333:role/logs"]}]}`
	snap := &snapshot.Snapshot{Accounts: []snapshot.Account{
		{ID: "111111111111", Roles: []snapshot.Role{role(mainRole, "radiant-aws-access-role", vendorTrust, assume)}},
		// Named like the main role.
		{ID: "222222222222", Roles: []snapshot.Role{role("arn:aws:iam::222222222222:role/radiant-aws-access-role", "radiant-aws-access-role", trustMain)}},
		// Trusting the main role (its trust names it), denying the
		// external ID the connector sends.
		{ID: "333333333333", Roles: []snapshot.Role{role("arn:aws:iam::333333333333:role/logs", "logs",
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"`+mainRole+`"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"another"}}}]}`)}},
		// Listed in the main role's sts:AssumeRole resources only; and a
		// role nothing relates to the main role.
		{ID: "444444444444", Roles: []snapshot.Role{
			role("arn:aws:iam::444444444444:role/reader", "reader", `{"Version":"2012-10-17","Statement":[]}`),
			role("arn:aws:iam::444444444444:role/unrelated", "unrelated", `{"Version":"2012-10-17","Statement":[]}`),
		}},
	}}
	snap.Sort()
	return snap
}

func reads(t *testing.T, snap *snapshot.Snapshot, c *connector.Connector) Reads {
	t.Helper()
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	paths := Evaluate(BuildFor(snap, c, ix), AuthzAsker(ix))
	srcs := Sources(snap)
	return NewReads(snap, c, paths, srcs, NewDelivery(snap, srcs, paths), AuthzAsker(ix))
}

type assumeSummary struct {
	Reader, Resource, Decision string
	Context                    map[string][]string
}

func summarizeAssumes(xs []Request) []assumeSummary {
	var out []assumeSummary
	for _, x := range xs {
		out = append(out, assumeSummary{Reader: x.Reader, Resource: x.Resource, Decision: string(x.Answer.Decision), Context: x.Context})
	}
	return out
}

// The guide names the vendor's principal when the connector file does not
// (Radiant R6): the vendor's assume is asked with it, with the context
// the reader hop asks it with; and the main role's assume of each role
// of another account it may read through (R8), with the external ID.
func TestAssumesFromTheGuide(t *testing.T) {
	vendor := profiles.TrustedPrincipal("radiant")
	if vendor == "" {
		t.Fatal("the radiant profile names no trusted principal")
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + vendor + `"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + radiantExID + `"}}}]}`
	c := &connector.Connector{Profile: "radiant", Role: mainRole, ExternalID: radiantExID}
	r := reads(t, radiantSnapshot(trust), c)
	want := []assumeSummary{{Reader: vendor, Resource: mainRole, Decision: "Allowed",
		Context: map[string][]string{"aws:PrincipalArn": {vendor}, "aws:PrincipalAccount": {"649384204969"},
			"aws:SecureTransport": {"true"}, "sts:ExternalId": {radiantExID}}}}
	if diff := cmp.Diff(want, summarizeAssumes(r.Assume)); diff != "" {
		t.Errorf("vendor's assume (-want +got):\n%s", diff)
	}
	var got []string
	for _, x := range summarizeAssumes(r.MemberAssumes) {
		if x.Reader != mainRole || x.Context["sts:ExternalId"][0] != radiantExID || x.Context["aws:PrincipalArn"][0] != mainRole {
			t.Errorf("member assume %+v: want the main role's, with its principal keys and the external ID", x)
		}
		got = append(got, x.Resource+" "+x.Decision)
	}
	wantMembers := []string{
		"arn:aws:iam::222222222222:role/radiant-aws-access-role Allowed",
		"arn:aws:iam::333333333333:role/logs ImplicitlyDenied",
		"arn:aws:iam::444444444444:role/reader ImplicitlyDenied",
	}
	if diff := cmp.Diff(wantMembers, got); diff != "" {
		t.Errorf("member assumes (-want +got):\n%s", diff)
	}
}

// A trust that does not name the guide's principal is a denied assume.
func TestAssumeGuidePrincipalNotTrusted(t *testing.T) {
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}`
	r := reads(t, radiantSnapshot(trust), &connector.Connector{Profile: "radiant", Role: mainRole, ExternalID: radiantExID})
	if len(r.Assume) != 1 || r.Assume[0].Answer.Decision != authz.ImplicitlyDenied {
		t.Errorf("got %+v, want the guide principal's assume denied", summarizeAssumes(r.Assume))
	}
}

// The connector file's principal wins over the guide's, and a guide
// without member roles asks none.
func TestAssumesConnectorPrincipal(t *testing.T) {
	const p = "arn:aws:iam::012345678901:root"
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + p + `"},"Action":"sts:AssumeRole"}]}`
	r := reads(t, radiantSnapshot(trust), &connector.Connector{Profile: "expel", Role: mainRole, TrustedPrincipal: p})
	if len(r.Assume) != 1 || r.Assume[0].Reader != p || r.Assume[0].Answer.Decision != authz.Allowed {
		t.Errorf("got %+v, want %s's assume allowed", summarizeAssumes(r.Assume), p)
	}
	if len(r.MemberAssumes) != 0 {
		t.Errorf("a guide without member roles: got %+v", summarizeAssumes(r.MemberAssumes))
	}
}
