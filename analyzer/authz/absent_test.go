package authz

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestAbsentPrincipal: a role or user of an account the input holds, but
// not among its principals, does not exist only where the account's
// principals were listed whole (a live or fixture snapshot whose IAM
// listing succeeded). A template declares some of an account's roles only,
// and a failed listing is a gap: there the principal's identity policies
// are unknown, an allow by the other layers cannot be proven, and a denial
// by them stands
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
func TestAbsentPrincipal(t *testing.T) {
	const role = "arn:aws:iam::222222222222:role/vendor-reader"
	const user = "arn:aws:iam::222222222222:user/vendor"
	iacSource := func(s *snapshot.Snapshot) { s.Source = snapshot.SourceCloudFormation }
	listingFailed := func(s *snapshot.Snapshot) {
		s.CollectionErrors = append(s.CollectionErrors, snapshot.CollectionError{Account: logArc, Service: "iam", Operation: "GetAccountAuthorizationDetails", Code: "AccessDenied"})
	}
	notFromTemplate := "role vendor-reader is not in the template or plan; give the stack or plan that creates it, or a snapshot from trailgate collect"
	cases := []struct {
		name      string
		mutate    func(*snapshot.Snapshot)
		principal string
		want      iam.Decision
		causes    []Cause
		note      string
	}{
		{name: "live listing complete: the role does not exist", principal: role, want: ImplicitlyDenied, note: "identity: role vendor-reader does not exist in account 222222222222"},
		{name: "one malformed document: the listing went on", principal: role, want: ImplicitlyDenied, mutate: func(s *snapshot.Snapshot) {
			s.CollectionErrors = append(s.CollectionErrors, snapshot.CollectionError{Account: logArc, Service: "iam", Operation: "GetAccountAuthorizationDetails",
				Resource: "arn:aws:iam::222222222222:role/Other", Code: "MalformedPolicyDocument"})
		}, note: "does not exist"},
		{name: "template: the role may be another stack's", principal: role, want: Unknown, mutate: iacSource,
			causes: []Cause{{Key: "missing:" + role, Resource: role, What: notFromTemplate}}},
		{name: "template: a user likewise", principal: user, want: Unknown, mutate: iacSource,
			causes: []Cause{{Key: "missing:" + user, Resource: user,
				What: "user vendor is not in the template or plan; give the stack or plan that creates it, or a snapshot from trailgate collect"}}},
		{name: "live listing failed: a gap, not a denial", principal: role, want: Unknown, mutate: listingFailed,
			causes: []Cause{{Key: "missing:" + role, Resource: role,
				What: "role vendor-reader is not in the snapshot: listing the IAM principals of account 222222222222 failed (AccessDenied); collect it again once that is fixed"}}},
		{name: "live listing failed in another account", principal: role, want: ImplicitlyDenied, mutate: func(s *snapshot.Snapshot) {
			s.CollectionErrors = append(s.CollectionErrors, snapshot.CollectionError{Account: audit, Service: "iam", Operation: "GetAccountAuthorizationDetails", Code: "AccessDenied"})
		}, note: "does not exist"},
		{name: "account not read whole", principal: role, want: Unknown, mutate: func(s *snapshot.Snapshot) {
			s.CollectionErrors = append(s.CollectionErrors, snapshot.CollectionError{Account: logArc, Service: notCollectedService, Operation: "CollectAccount", Code: "AccountTimeout"})
		}, causes: []Cause{{Key: "missing:" + role, Resource: role,
			What: "role vendor-reader is not in the snapshot: account 222222222222 was not read whole (AccountTimeout); collect it again once that is fixed"}}},
		{name: "template: an SCP's deny stands whatever the role's policies say", principal: role, want: ExplicitlyDenied, mutate: func(s *snapshot.Snapshot) {
			iacSource(s)
			addSCP(s, logArc, `{"Effect":"Deny","Action":"s3:GetObject","Resource":"*"}`)
		}},
		{name: "template: a role of an account outside the input is assumed to allow", principal: "arn:aws:iam::444444444444:role/x", want: Allowed, mutate: func(s *snapshot.Snapshot) {
			iacSource(s)
			s.Accounts[1].Buckets[0].Policy = pol(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:role/x"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::org-logs/*"}`)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := ask(t, org(c.mutate), c.principal, "s3:GetObject", object, nil)
			if a.Decision != c.want {
				t.Fatalf("decision %s, want %s\nproof: %s\nexplanation:\n  %s", a.Decision, c.want, a.Proof, strings.Join(a.Explanation, "\n  "))
			}
			if diff := cmp.Diff(c.causes, a.Causes); diff != "" {
				t.Errorf("causes (-want +got):\n%s", diff)
			}
			if c.note != "" && !strings.Contains(strings.Join(a.Explanation, "\n"), c.note) {
				t.Errorf("explanation lacks %q:\n  %s", c.note, strings.Join(a.Explanation, "\n  "))
			}
			if c.want == Unknown && !strings.HasPrefix(a.Proof, "cannot prove: ") {
				t.Errorf("proof %q", a.Proof)
			}
		})
	}
}

// TestAbsentPrincipalOverlay: a template laid over a live snapshot keeps
// the live account's listing (snapshot.Overlay keeps the base's source):
// a role neither declares does not exist.
func TestAbsentPrincipalOverlay(t *testing.T) {
	base := org(func(s *snapshot.Snapshot) { s.Source = snapshot.SourceLive })
	overlay := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceCloudFormation,
		Accounts: []snapshot.Account{{ID: logArc, Topics: []snapshot.Topic{{Name: "t", ARN: "arn:aws:sns:us-east-1:222222222222:t", Region: "us-east-1"}}}}}
	merged := snapshot.Overlay(base, overlay)
	ix, err := NewIndex(merged)
	if err != nil {
		t.Fatal(err)
	}
	if gaps := ix.PrincipalGaps(); len(gaps) != 0 {
		t.Errorf("gaps %v, want none", gaps)
	}
	a := ix.Authorize(Request{Principal: "arn:aws:iam::222222222222:role/vendor-reader", Action: "s3:GetObject", Resource: object})
	if a.Decision != ImplicitlyDenied {
		t.Errorf("decision %s, want %s: %s", a.Decision, ImplicitlyDenied, a.Proof)
	}
}

// TestAbsentRoleTrust: the vendor assuming a role the input does not hold
// is denied (no trust policy) only where the account's roles were listed
// whole; in a template it is unknown, with the one cause the role's own
// questions have, so that they make one unproven finding.
func TestAbsentRoleTrust(t *testing.T) {
	const role = "arn:aws:iam::222222222222:role/vendor-reader"
	ctx := map[string][]string{"sts:ExternalId": {"ext-1"}}
	if a := ask(t, org(nil), "arn:aws:iam::012345678901:root", "sts:AssumeRole", role, ctx); a.Decision != ImplicitlyDenied {
		t.Errorf("listing complete: decision %s, want %s: %s", a.Decision, ImplicitlyDenied, a.Proof)
	}
	a := ask(t, org(func(s *snapshot.Snapshot) { s.Source = snapshot.SourceTerraform }), "arn:aws:iam::012345678901:root", "sts:AssumeRole", role, ctx)
	want := []Cause{{Key: "missing:" + role, Resource: role,
		What: "role vendor-reader is not in the template or plan; give the stack or plan that creates it, or a snapshot from trailgate collect"}}
	if a.Decision != Unknown {
		t.Fatalf("plan: decision %s, want %s: %s", a.Decision, Unknown, a.Proof)
	}
	if diff := cmp.Diff(want, a.Causes); diff != "" {
		t.Errorf("causes (-want +got):\n%s", diff)
	}
}

// TestAbsentPrincipalOverlayNewAccount: a template for an account the live
// collection did not reach adds that account with the template's
// principals only; a role it does not declare may exist there, so the
// account is a gap, while the collected accounts stay listed whole.
func TestAbsentPrincipalOverlayNewAccount(t *testing.T) {
	const newAccount = "444455556666"
	base := org(func(s *snapshot.Snapshot) { s.Source = snapshot.SourceLive })
	overlay := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceCloudFormation,
		Accounts: []snapshot.Account{{ID: newAccount, Topics: []snapshot.Topic{{Name: "t", ARN: "arn:aws:sns:us-east-1:" + newAccount + ":t", Region: "us-east-1"}}}}}
	ix, err := NewIndex(snapshot.Overlay(base, overlay))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]string{newAccount: ""}, ix.PrincipalGaps()); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
	a := ix.Authorize(Request{Principal: "arn:aws:iam::" + newAccount + ":role/vendor-reader", Action: "sns:Subscribe", Resource: "arn:aws:sns:us-east-1:" + newAccount + ":t"})
	if a.Decision == ImplicitlyDenied || a.Decision == ExplicitlyDenied {
		t.Errorf("decision %s, want no proven denial for a role the template may not declare: %s", a.Decision, a.Proof)
	}
}
