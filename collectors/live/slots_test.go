package live

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/awstest"
)

// TestSlotsFreedInAnAccountsTail: at most Concurrency calls are in flight,
// and the slots an account no longer uses while it reads its last parts
// go to the next account at once. With Concurrency 6 and 4 parts per
// account, only one account fits at a time; the next one starts in the
// slots the first gives back in its tail, so their reads overlap. (When
// an account held its slots to its end, they never did, and a third of
// the slots sat idle at organization scale.)
func TestSlotsFreedInAnAccountsTail(t *testing.T) {
	w := awstest.NewWorld(benchOrg(4, regions17[:6]))
	w.Latency = 2 * time.Millisecond
	// One region of every account is slow, so that each account has a
	// tail: the part still running after its other readers found nothing
	// left (region parts are otherwise alike, and readers could finish
	// together).
	w.Faults.Add(awstest.Fault{Region: "ap-south-1", Service: "kms", Operation: "ListKeys", Kind: awstest.Slow, Delay: 500 * time.Millisecond})
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::100000000000:user/auditor")
	var (
		mu               sync.Mutex
		inFlight, most   int
		first, last      = map[string]time.Time{}, map[string]time.Time{}
		accountOfRequest = func(r *http.Request) string {
			_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
			akid, _, _ := strings.Cut(cred, "/")
			id, _ := w.Identities.Lookup(akid)
			return awstest.AccountOfARN(id.PrincipalARN)
		}
	)
	services := make([]awstest.Service, len(allServices))
	for i, s := range allServices {
		services[i] = awstest.Service{ID: s.ID, New: func(w *awstest.World) http.Handler {
			h := s.New(w)
			return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
				acct := accountOfRequest(r)
				mu.Lock()
				inFlight++
				most = max(most, inFlight)
				if _, ok := first[acct]; !ok {
					first[acct] = time.Now()
				}
				mu.Unlock()
				h.ServeHTTP(rw, r)
				mu.Lock()
				inFlight--
				last[acct] = time.Now()
				mu.Unlock()
			})
		}}
	}
	env := awstest.Start(t, w, services...)
	got, _, err := Collect(t.Context(), env.Config(adminKey, "us-east-1"), quick(Options{Concurrency: 6}))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Accounts) != 4 || len(got.CollectionErrors) != 0 {
		t.Fatalf("%d accounts, errors %+v", len(got.Accounts), got.CollectionErrors)
	}
	if most > 6 {
		t.Errorf("%d calls in flight at once, want at most --concurrency 6", most)
	}
	// Member accounts, read through their own sessions.
	members := []string{"100000000001", "100000000002", "100000000003"}
	overlaps := 0
	for i, a := range members {
		for _, b := range members[i+1:] {
			if first[a].Before(last[b]) && first[b].Before(last[a]) {
				overlaps++
			}
		}
	}
	if overlaps == 0 {
		t.Errorf("no two accounts were read at the same time: an account's tail kept its idle slots")
	}
}
