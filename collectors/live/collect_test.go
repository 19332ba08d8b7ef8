package live

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

const orgFile = "testdata/org.json"

// TestRoundTrip: collecting an organization served by the loopback
// servers gives back the snapshot they serve (see expected for what live
// AWS cannot report).
func TestRoundTrip(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	got, st := collect(t, w, Options{})
	want := expected(t, w, "111111111111", "222222222222", "333333333333")
	if diff := cmp.Diff(want, canonical(t, got)); diff != "" {
		t.Errorf("collected snapshot differs (-served +collected):\n%s", diff)
	}
	if len(got.CollectionErrors) != 0 {
		t.Errorf("collection errors: %+v", got.CollectionErrors)
	}
	if st.Mode != "organization" || st.AccountRegions != 6 {
		t.Errorf("stats = %+v, want organization mode over 3 accounts × 2 regions", st)
	}
}

// TestRoundTripPaginated: with every list answered two items at a time,
// the collector follows every page and still gets the same snapshot.
func TestRoundTripPaginated(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.PageSize = 1
	got, _ := collect(t, w, Options{})
	want := expected(t, w, "111111111111", "222222222222", "333333333333")
	if diff := cmp.Diff(want, canonical(t, got)); diff != "" {
		t.Errorf("collected snapshot differs (-served +collected):\n%s", diff)
	}
	cont := 0
	for _, c := range w.Calls.All() {
		if c.Continuation {
			cont++
		}
	}
	if cont == 0 {
		t.Error("no call asked for a second page")
	}
}

// TestDeterministic: two collections of the same organization, with
// concurrency, give byte-identical JSON.
func TestDeterministic(t *testing.T) {
	var outs [][]byte
	for range 2 {
		w := world(t, orgFile, "111111111111")
		got, _ := collect(t, w, Options{Concurrency: 8})
		data, err := snapshot.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, data)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Error("two collections of the same organization differ")
	}
}
