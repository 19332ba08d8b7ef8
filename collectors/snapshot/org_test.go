package snapshot

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOrganizationAncestors(t *testing.T) {
	o := &Organization{ID: "o-1", RootID: "r-1", ManagementAccountID: "111111111111",
		OrganizationalUnits: []OrganizationalUnit{{ID: "ou-a", ParentID: "r-1"}, {ID: "ou-b", ParentID: "ou-a"}},
		Members:             []OrgAccount{{ID: "222222222222", ParentID: "ou-b"}},
		Policies:            []OrgPolicy{{ID: "p-1", Type: PolicyTypeSCP}}}
	cases := []struct {
		account string
		chain   []string
		member  bool
		path    string
	}{
		{"222222222222", []string{"r-1", "ou-a", "ou-b"}, true, "o-1/r-1/ou-a/ou-b/"},
		// The management account is in the organization even when Members
		// leaves it out, directly under the root.
		{"111111111111", []string{"r-1"}, true, "o-1/r-1/"},
		{"333333333333", nil, false, ""},
	}
	for _, c := range cases {
		chain, member := o.Ancestors(c.account)
		if d := cmp.Diff(c.chain, chain); d != "" || member != c.member {
			t.Errorf("Ancestors(%s) = %v, %v; want %v, %v", c.account, chain, member, c.chain, c.member)
		}
		if got := o.OrgPath(c.account); got != c.path {
			t.Errorf("OrgPath(%s) = %q, want %q", c.account, got, c.path)
		}
	}
	// No enabled types listed (an older snapshot): any policy of the type
	// puts it in force; listed types decide otherwise.
	if !o.PolicyTypeInForce(PolicyTypeSCP) || o.PolicyTypeInForce(PolicyTypeRCP) {
		t.Errorf("in force without EnabledPolicyTypes: SCP %v, RCP %v", o.PolicyTypeInForce(PolicyTypeSCP), o.PolicyTypeInForce(PolicyTypeRCP))
	}
	o.EnabledPolicyTypes = []string{PolicyTypeRCP}
	if o.PolicyTypeInForce(PolicyTypeSCP) || !o.PolicyTypeInForce(PolicyTypeRCP) {
		t.Errorf("in force with EnabledPolicyTypes=[RCP]: SCP %v, RCP %v", o.PolicyTypeInForce(PolicyTypeSCP), o.PolicyTypeInForce(PolicyTypeRCP))
	}
	var none *Organization
	if none.PolicyTypeInForce(PolicyTypeSCP) || none.OrgPath("222222222222") != "" {
		t.Error("a nil organization has no policies in force and no paths")
	}
}

// AllAncestors gives every account of the organization the chain
// Ancestors gives it, on organizations with the shapes Ancestors handles:
// a duplicated member (the last entry wins), a member directly under the
// root, one with no parent, a cycle of OUs, the management account listed
// or not.
func TestAllAncestorsMatchesAncestors(t *testing.T) {
	ous := []OrganizationalUnit{{ID: "ou-a", ParentID: "r-1"}, {ID: "ou-b", ParentID: "ou-a"},
		{ID: "ou-x", ParentID: "ou-y"}, {ID: "ou-y", ParentID: "ou-x"}}
	members := []OrgAccount{{ID: "222222222222", ParentID: "ou-b"}, {ID: "333333333333", ParentID: "r-1"},
		{ID: "444444444444", ParentID: "ou-a"}, {ID: "444444444444", ParentID: "ou-b"},
		{ID: "555555555555"}, {ID: "666666666666", ParentID: "ou-x"}}
	for _, o := range []*Organization{
		{ID: "o-1", RootID: "r-1", ManagementAccountID: "111111111111", OrganizationalUnits: ous, Members: members},
		{ID: "o-1", RootID: "r-1", ManagementAccountID: "111111111111", OrganizationalUnits: ous,
			Members: append([]OrgAccount{{ID: "111111111111", ParentID: "ou-a"}}, members...)},
		{ID: "o-1", RootID: "r-1", OrganizationalUnits: ous, Members: members},
	} {
		all := o.AllAncestors()
		accounts := []string{"111111111111", "222222222222", "333333333333", "444444444444", "555555555555", "666666666666", "777777777777", ""}
		members := 0
		for _, a := range accounts {
			chain, member := o.Ancestors(a)
			if member {
				members++
			}
			got, ok := all[a]
			if ok != member || !cmp.Equal(chain, got) {
				t.Errorf("management %q, account %q: AllAncestors %v, %v; Ancestors %v, %v", o.ManagementAccountID, a, got, ok, chain, member)
			}
		}
		if len(all) != members {
			t.Errorf("management %q: AllAncestors has %d accounts: %v", o.ManagementAccountID, len(all), all)
		}
	}
	var none *Organization
	if none.AllAncestors() != nil {
		t.Error("a nil organization has no accounts")
	}
}
