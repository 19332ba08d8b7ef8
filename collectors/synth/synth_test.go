package synth

import (
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The generated document is a valid snapshot: it survives the loader's
// validation, and grows by the same resources per account.
func TestOrgIsAValidSnapshot(t *testing.T) {
	for _, n := range []int{1, 2, 25} {
		s := Org(Options{Accounts: n})
		data, err := snapshot.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		got, err := snapshot.Parse("synth.json", data)
		if err != nil {
			t.Fatalf("%d accounts: %v", n, err)
		}
		if len(got.Accounts) != n || len(got.Organization.Members) != n {
			t.Fatalf("%d accounts: got %d accounts, %d members", n, len(got.Accounts), len(got.Organization.Members))
		}
		for _, a := range got.Accounts {
			if len(a.Trails) != 1 || len(a.Buckets) != 1 || len(a.Keys) != 1 || len(a.Topics) != 1 || len(a.Queues) != 2 || len(a.Roles) != 4 {
				t.Fatalf("account %s: unexpected resource counts", a.ID)
			}
		}
	}
}
