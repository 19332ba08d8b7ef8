package live

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func account(s *snapshot.Snapshot, id string) *snapshot.Account {
	for i := range s.Accounts {
		if s.Accounts[i].ID == id {
			return &s.Accounts[i]
		}
	}
	return nil
}

// sameAccount checks that account id was collected exactly as served.
func sameAccount(t *testing.T, w *awstest.World, got *snapshot.Snapshot, id string) {
	t.Helper()
	want := account(expected(t, w, got, id), id)
	if diff := cmp.Diff(want, account(canonical(t, got), id)); diff != "" {
		t.Errorf("account %s differs (-served +collected):\n%s", id, diff)
	}
}

// sameAccountNameless is sameAccount for single-account mode, where the
// account's name (an Organizations attribute) is not known.
func sameAccountNameless(t *testing.T, w *awstest.World, got *snapshot.Snapshot, id string) {
	t.Helper()
	want := account(expected(t, w, got, id), id)
	want.Name = ""
	if diff := cmp.Diff(want, account(canonical(t, got), id)); diff != "" {
		t.Errorf("account %s differs (-served +collected):\n%s", id, diff)
	}
}

func TestFaultAccessDeniedOneAccount(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Account: "333333333333", Kind: awstest.Deny})
	got, st := collect(t, w, Options{})
	sameAccount(t, w, got, "111111111111")
	sameAccount(t, w, got, "222222222222")
	a := account(got, "333333333333")
	if a == nil || len(a.Roles)+len(a.Detectors)+len(a.Buckets) != 0 {
		t.Fatalf("account 333333333333 = %+v, want present and empty", a)
	}
	// ec2:DescribeRegions is denied too, so only the configured region is read.
	if !cmp.Equal(a.Regions, []string{"us-east-1"}) {
		t.Errorf("regions = %v, want the configured region only", a.Regions)
	}
	ops := map[string]bool{}
	for _, e := range got.CollectionErrors {
		if e.Account != "333333333333" {
			t.Errorf("error outside the denied account: %+v", e)
		}
		if e.Code != awstest.DenyCode(e.Service) {
			t.Errorf("%s:%s code = %s, want %s", e.Service, e.Operation, e.Code, awstest.DenyCode(e.Service))
		}
		ops[e.Service+":"+e.Operation] = true
	}
	for _, op := range []string{"ec2:DescribeRegions", "iam:GetAccountAuthorizationDetails", "s3:ListBuckets", "cloudtrail:DescribeTrails",
		"kms:ListKeys", "sns:ListTopics", "sqs:ListQueues", "guardduty:ListDetectors"} {
		if !ops[op] {
			t.Errorf("no collection error for %s", op)
		}
	}
	if st.Errors != len(got.CollectionErrors) {
		t.Errorf("stats errors = %d, snapshot has %d", st.Errors, len(got.CollectionErrors))
	}
}

func TestFaultAccessDeniedOneRegion(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Region: "eu-west-1", Kind: awstest.Deny})
	got, _ := collect(t, w, Options{})
	if len(got.CollectionErrors) == 0 {
		t.Fatal("no collection errors")
	}
	for _, e := range got.CollectionErrors {
		if e.Region != "eu-west-1" {
			t.Errorf("error outside eu-west-1: %+v", e)
		}
	}
	sec := account(got, "333333333333")
	if len(sec.Detectors) != 1 || sec.Detectors[0].Region != "us-east-1" {
		t.Errorf("detectors = %+v, want only the us-east-1 one", sec.Detectors)
	}
	// The eu-west-1 bucket is still listed (ListBuckets and
	// GetBucketLocation go to us-east-1) but its sub-resources are unknown.
	logs := account(got, "222222222222")
	var gd *snapshot.Bucket
	for i := range logs.Buckets {
		if logs.Buckets[i].Region == "eu-west-1" {
			gd = &logs.Buckets[i]
		}
	}
	if gd == nil || gd.Encryption != nil || gd.ObjectOwnership != "" {
		t.Errorf("eu-west-1 bucket = %+v, want listed without sub-resources", gd)
	}
	sameAccount(t, w, got, "111111111111") // only us-east-1 holds its trail
}

func TestFaultAccessDeniedOneOperation(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Service: "kms", Operation: "GetKeyPolicy", Kind: awstest.Deny})
	got, _ := collect(t, w, Options{})
	key := "arn:aws:kms:us-east-1:222222222222:key/0f1e2d3c-aaaa-4bbb-8ccc-123456789012"
	want := []snapshot.CollectionError{{Account: "222222222222", Region: "us-east-1", Service: "kms", Operation: "GetKeyPolicy",
		Resource: key, Code: "AccessDeniedException"}}
	if diff := cmp.Diff(want, got.CollectionErrors, cmpIgnoreMessage); diff != "" {
		t.Errorf("collection errors (-want +got):\n%s", diff)
	}
	k := account(got, "222222222222").Keys[0]
	if k.Policy != nil || k.KeyState != "Enabled" || len(k.Grants) != 1 {
		t.Errorf("key = %+v, want everything but the policy", k)
	}
	if !strings.Contains(got.CollectionErrors[0].Message, "not authorized to perform") {
		t.Errorf("message %q lost AWS's wording", got.CollectionErrors[0].Message)
	}
}

var cmpIgnoreMessage = cmp.Transformer("noMessage", func(e snapshot.CollectionError) snapshot.CollectionError {
	e.Message = ""
	return e
})

func TestFaultThrottlingClears(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	f := w.Faults.Add(awstest.Fault{Service: "sqs", Operation: "GetQueueAttributes", Kind: awstest.Throttle, Times: 2})
	got, st := collect(t, w, Options{})
	if len(got.CollectionErrors) != 0 {
		t.Errorf("collection errors: %+v", got.CollectionErrors)
	}
	sameAccount(t, w, got, "222222222222")
	if n := w.Faults.Hits(f); n != 2 {
		t.Errorf("throttled %d times, want 2", n)
	}
	if st.Attempts != st.Calls+2 {
		t.Errorf("attempts = %d, calls = %d: want two retries", st.Attempts, st.Calls)
	}
}

func TestFaultThrottlingNeverClears(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	f := w.Faults.Add(awstest.Fault{Service: "cloudtrail", Operation: "GetEventSelectors", Kind: awstest.Throttle})
	got, _ := collect(t, w, Options{})
	trail := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"
	want := []snapshot.CollectionError{{Account: "111111111111", Region: "us-east-1", Service: "cloudtrail", Operation: "GetEventSelectors",
		Resource: trail, Code: "ThrottlingException"}}
	if diff := cmp.Diff(want, got.CollectionErrors, cmpIgnoreMessage); diff != "" {
		t.Errorf("collection errors (-want +got):\n%s", diff)
	}
	if n := w.Faults.Hits(f); n != DefaultMaxAttempts {
		t.Errorf("server saw %d attempts, want DefaultMaxAttempts (%d)", n, DefaultMaxAttempts)
	}
	tr := account(got, "111111111111").Trails[0]
	if tr.EventSelectors != nil || tr.Status == nil || !tr.Status.IsLogging {
		t.Errorf("trail = %+v, want status but no selectors", tr)
	}
}

func TestFaultServerError(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Service: "guardduty", Operation: "GetDetector", Region: "eu-west-1", Kind: awstest.ServerError})
	got, _ := collect(t, w, Options{})
	want := []snapshot.CollectionError{{Account: "333333333333", Region: "eu-west-1", Service: "guardduty", Operation: "GetDetector",
		Resource: "a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4", Code: "InternalServerErrorException"}}
	if diff := cmp.Diff(want, got.CollectionErrors, cmpIgnoreMessage); diff != "" {
		t.Errorf("collection errors (-want +got):\n%s", diff)
	}
	for _, d := range account(got, "333333333333").Detectors {
		if d.Region == "eu-west-1" && (d.Status != "" || len(d.PublishingDestinations) != 1) {
			t.Errorf("detector = %+v, want no settings but its destination", d)
		}
	}
}

func TestFaultSecondPageFails(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.PageSize = 1
	w.Faults.Add(awstest.Fault{Account: "222222222222", Service: "iam", Operation: "GetAccountAuthorizationDetails",
		OnContinuation: true, Kind: awstest.Deny})
	got, _ := collect(t, w, Options{})
	want := []snapshot.CollectionError{{Account: "222222222222", Service: "iam", Operation: "GetAccountAuthorizationDetails", Code: "AccessDenied"}}
	if diff := cmp.Diff(want, got.CollectionErrors, cmpIgnoreMessage); diff != "" {
		t.Errorf("collection errors (-want +got):\n%s", diff)
	}
	a := account(got, "222222222222")
	if len(a.Roles) != 1 || len(a.ManagedPolicies) != 0 {
		t.Errorf("got %d roles, %d policies; want the first page's one role", len(a.Roles), len(a.ManagedPolicies))
	}
}

func TestAssumeRoleWrongExternalID(t *testing.T) {
	for _, tc := range []struct {
		externalID string
		collected  bool
	}{{"wrong-id", false}, {"", false}, {"right-id", true}} {
		t.Run(tc.externalID, func(t *testing.T) {
			w := world(t, orgFile, "111111111111")
			sec := w.Account("333333333333")
			sec.Roles[0].TrustPolicy = &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
				`"Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"right-id"}}}]}`)}
			got, _ := collect(t, w, Options{ExternalID: tc.externalID})
			if tc.collected {
				sameAccount(t, w, got, "333333333333")
				if len(got.CollectionErrors) != 0 {
					t.Errorf("collection errors: %+v", got.CollectionErrors)
				}
				return
			}
			if account(got, "333333333333") != nil {
				t.Error("account 333333333333 collected without its external ID")
			}
			want := []snapshot.CollectionError{{Account: "333333333333", Service: "sts", Operation: "AssumeRole",
				Resource: "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", Code: "AccessDenied"}}
			if diff := cmp.Diff(want, got.CollectionErrors, cmpIgnoreMessage); diff != "" {
				t.Errorf("collection errors (-want +got):\n%s", diff)
			}
			sameAccount(t, w, got, "222222222222")
		})
	}
}

// TestSingleAccountMode: a caller in a member account can describe its
// organization but not walk it; collect says so and reads its own account.
func TestSingleAccountMode(t *testing.T) {
	w := world(t, orgFile, "222222222222")
	got, st := collect(t, w, Options{})
	if st.Mode != "single-account" || len(st.Notes) == 0 || !strings.Contains(st.Notes[0], "o-a1b2c3d4e5") {
		t.Errorf("stats = %+v, want single-account mode naming the organization", st)
	}
	if got.Organization != nil || len(got.Accounts) != 1 {
		t.Fatalf("organization = %v, %d accounts; want none and one", got.Organization, len(got.Accounts))
	}
	sameAccountNameless(t, w, got, "222222222222")
	want := []snapshot.CollectionError{{Account: "111111111111", Service: "organizations", Operation: "ListRoots",
		Resource: "o-a1b2c3d4e5", Code: "AccessDeniedException"}}
	if diff := cmp.Diff(want, got.CollectionErrors, cmpIgnoreMessage); diff != "" {
		t.Errorf("collection errors (-want +got):\n%s", diff)
	}
}

// TestNoOrganization: an account outside any organization is collected
// completely, in single-account mode, without errors.
func TestNoOrganization(t *testing.T) {
	w := world(t, orgFile, "222222222222")
	w.Snapshot.Organization = nil
	got, st := collect(t, w, Options{})
	if st.Mode != "single-account" || len(got.CollectionErrors) != 0 {
		t.Errorf("mode %s, errors %+v", st.Mode, got.CollectionErrors)
	}
	sameAccountNameless(t, w, got, "222222222222")
}

// TestBadSignature: the servers verify SigV4, so a wrong secret fails the
// run before anything is collected.
func TestBadSignature(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	env := awstest.Start(t, w, allServices...)
	w.Identities.Add("AKIAOTHER", "other-secret", "", "arn:aws:iam::111111111111:user/other")
	cfg := env.Config("AKIAOTHER", "us-east-1") // signs with other-secret
	w.Identities.Add("AKIAOTHER", "rotated-secret", "", "arn:aws:iam::111111111111:user/other")
	_, _, err := Collect(context.Background(), cfg, quick(Options{}))
	if err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
		t.Errorf("err = %v, want SignatureDoesNotMatch", err)
	}
}

// TestAccountsFilter: --accounts limits the member accounts read, and
// --regions the regional reads. Buckets are account-wide: a trail in one
// region may write to a bucket in another, so every bucket is read.
func TestAccountsFilter(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	got, _ := collect(t, w, Options{Accounts: []string{"222222222222"}, Regions: []string{"us-east-1"}})
	if len(got.Accounts) != 1 || got.Accounts[0].ID != "222222222222" || !cmp.Equal(got.Accounts[0].Regions, []string{"us-east-1"}) {
		t.Errorf("accounts = %+v", got.Accounts)
	}
	for _, c := range w.Calls.All() {
		if c.Region == "eu-west-1" && c.Service != "s3" {
			t.Errorf("call outside --regions: %+v", c)
		}
	}
}

// TestCallTimeout: a call that outlives --call-timeout is recorded as a
// timeout, and the run goes on.
func TestCallTimeout(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Service: "sqs", Operation: "GetQueueAttributes", Kind: awstest.Slow, Delay: time.Minute})
	start := time.Now()
	got, _ := collect(t, w, Options{CallTimeout: time.Second})
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("collection took %s: the timeout did not cut the slow calls", d)
	}
	if len(got.CollectionErrors) != 2 {
		t.Fatalf("collection errors = %+v, want the two queues", got.CollectionErrors)
	}
	for _, e := range got.CollectionErrors {
		if e.Operation != "GetQueueAttributes" || e.Code != "Timeout" {
			t.Errorf("error %+v, want a GetQueueAttributes timeout", e)
		}
	}
	if n := len(account(got, "222222222222").Topics); n != 1 {
		t.Errorf("%d topics: the rest of the region was not read", n)
	}
}

// TestProgress: OnProgress sees accounts, account-regions, calls and
// errors grow, and its last report is the whole collection.
func TestProgress(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Service: "kms", Operation: "ListGrants", Kind: awstest.Deny})
	var seen []Progress
	collect(t, w, Options{OnProgress: func(p Progress) { seen = append(seen, p) }})
	if len(seen) < 3 {
		t.Fatalf("%d progress reports", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		a, b := seen[i-1], seen[i]
		if b.AccountsDone < a.AccountsDone || b.RegionsDone < a.RegionsDone || b.Calls < a.Calls || b.Regions < a.Regions {
			t.Errorf("progress went back: %+v then %+v", a, b)
		}
	}
	last := seen[len(seen)-1]
	if last.Accounts != 3 || last.AccountsDone != 3 || last.AccountsListed != 3 || last.Regions == 0 ||
		last.RegionsDone != last.Regions || last.Calls == 0 || last.Errors != 1 {
		t.Errorf("last progress %+v, want 3/3 accounts, every region done, calls, 1 error", last)
	}
}

// TestNoOrganizationAccounts: without an organization, --accounts names the
// accounts to enter through the member role.
func TestNoOrganizationAccounts(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Snapshot.Organization = nil
	got, _ := collect(t, w, Options{Accounts: []string{"333333333333", "222222222222", "333333333333"}})
	if len(got.Accounts) != 2 || len(got.CollectionErrors) != 0 {
		t.Fatalf("%d accounts, errors %+v", len(got.Accounts), got.CollectionErrors)
	}
	sameAccountNameless(t, w, got, "222222222222")
	sameAccountNameless(t, w, got, "333333333333")
}
