package check

import (
	"encoding/json"
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestForgetPolicyTextReachesEveryDocument(t *testing.T) {
	doc := func() snapshot.Policy { return snapshot.Policy{Document: json.RawMessage(`{"Statement":[]}`)} }
	trust, bucket := doc(), doc()
	s := &snapshot.Snapshot{
		Organization: &snapshot.Organization{Policies: []snapshot.OrgPolicy{{Document: doc()}}},
		Accounts: []snapshot.Account{{
			ManagedPolicies: []snapshot.ManagedPolicy{{Policy: doc()}},
			Roles:           []snapshot.Role{{TrustPolicy: &trust, InlinePolicies: []snapshot.NamedPolicy{{Name: "p", Policy: doc()}}}},
			Buckets:         []snapshot.Bucket{{Name: "b", Policy: &bucket}},
		}},
	}
	forgetPolicyText(s)
	a := s.Accounts[0]
	for what, d := range map[string]json.RawMessage{
		"org policy": s.Organization.Policies[0].Document.Document,
		"managed":    a.ManagedPolicies[0].Document,
		"trust":      a.Roles[0].TrustPolicy.Document,
		"inline":     a.Roles[0].InlinePolicies[0].Document,
		"bucket":     a.Buckets[0].Policy.Document,
	} {
		if d != nil {
			t.Errorf("%s: text kept", what)
		}
	}
	if a.Buckets[0].Name != "b" || a.Roles[0].InlinePolicies[0].Name != "p" {
		t.Error("forgetPolicyText changed more than the documents")
	}
	forgetPolicyText(nil)
}
