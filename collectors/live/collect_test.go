package live

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const orgFile = "testdata/org.json"

// TestRoundTrip: collecting an organization served by the loopback
// servers gives back the snapshot they serve (see expected for what live
// AWS cannot report).
func TestRoundTrip(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	got, st := collect(t, w, Options{})
	want := expected(t, w, got, "111111111111", "222222222222", "333333333333")
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
	want := expected(t, w, got, "111111111111", "222222222222", "333333333333")
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

// TestAWSManagedKeysSkipped: keys behind alias/aws/* are AWS managed; the
// collector leaves them out without describing them.
func TestAWSManagedKeysSkipped(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	got, _ := collect(t, w, Options{})
	for _, c := range w.Calls.All() {
		if c.Service == "kms" && strings.Contains(c.Resource, "11111111-2222-4333-8444-555555555555") {
			t.Errorf("AWS managed key read: %+v", c)
		}
	}
	if n := len(account(got, "222222222222").Keys); n != 1 {
		t.Errorf("%d keys collected, want the customer key only", n)
	}
}

// TestBucketLocationFallback: an S3 endpoint whose ListBuckets does not
// report BucketRegion (older S3-compatible stores) still gets each bucket's
// region, from GetBucketLocation.
func TestBucketLocationFallback(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	services := append([]awstest.Service(nil), allServices...)
	for i, s := range services {
		if s.ID == awstest.S3 {
			inner := s.New
			services[i].New = func(w *awstest.World) http.Handler {
				h := inner(w)
				return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, r)
					body := regexp.MustCompile(`<BucketRegion>[^<]*</BucketRegion>`).ReplaceAll(rec.Body.Bytes(), nil)
					for k, v := range rec.Header() {
						rw.Header()[k] = v
					}
					rw.Header().Del("Content-Length")
					rw.WriteHeader(rec.Code)
					rw.Write(body)
				})
			}
		}
	}
	env := awstest.Start(t, w, services...)
	got, _, err := Collect(context.Background(), env.Config(adminKey, "us-east-1"), quick(Options{}))
	if err != nil {
		t.Fatal(err)
	}
	want := expected(t, w, got, "111111111111", "222222222222", "333333333333")
	if diff := cmp.Diff(want, canonical(t, got)); diff != "" {
		t.Errorf("collected snapshot differs (-served +collected):\n%s", diff)
	}
	n := 0
	for _, c := range w.Calls.All() {
		if c.Operation == "GetBucketLocation" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d GetBucketLocation calls, want one per bucket", n)
	}
}
