package iac

import (
	"testing"
)

// Issue 17: the org-formation landing zone's own template was refused. A
// walk of its directory reads the template with the organization file
// beside it, and the organization file itself, without a fault; each
// binding's resources land in their accounts, and the organization holds
// the management account, the members and the SCP.
func TestWalkOrgFormation(t *testing.T) {
	res, err := Read([]string{"../orgformation/testdata/landingzone"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Faults(); len(f) > 0 {
		t.Fatalf("not judged: %v", f)
	}
	s := res.Snapshot
	accounts := map[string]bool{}
	for _, a := range s.Accounts {
		accounts[a.ID] = true
	}
	for _, id := range []string{"111111111111", "222222222222", "333333333333", "444444444444"} {
		if !accounts[id] {
			t.Errorf("no resources placed in %s (accounts: %v)", id, accounts)
		}
	}
	o := s.Organization
	if o == nil || o.ManagementAccountID != "111111111111" || len(o.Members) != 4 || len(o.Policies) != 1 {
		t.Fatalf("organization = %+v", o)
	}
}
