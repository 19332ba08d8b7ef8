package live

import (
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/awstest"
)

// The limiter counts tokens as AWS's buckets do: per account and region for
// regional services, per account for IAM, one bucket for the caller's STS
// and Organizations calls; a request beyond the burst waits 1/rate per
// request ahead of it.
func TestLimiterBuckets(t *testing.T) {
	now := time.Unix(0, 0)
	l := newLimiter(map[string]Quota{"CloudTrail": {Rate: 10, Burst: 2}, "IAM": {Rate: 1, Burst: 1}, "STS": {Rate: 2, Burst: 1}})
	l.now = func() time.Time { return now }
	steps := []struct {
		service, account, region string
		want                     time.Duration
	}{
		{"CloudTrail", "1", "us-east-1", 0},
		{"CloudTrail", "1", "us-east-1", 0},
		{"CloudTrail", "1", "us-east-1", 100 * time.Millisecond},
		{"CloudTrail", "1", "us-east-1", 200 * time.Millisecond},
		{"CloudTrail", "1", "eu-west-1", 0}, // another region: another bucket
		{"CloudTrail", "2", "us-east-1", 0}, // another account: another bucket
		{"IAM", "1", "us-east-1", 0},
		{"IAM", "1", "eu-west-1", time.Second}, // IAM is global: one bucket per account
		{"STS", "1", "us-east-1", 0},
		{"STS", "2", "us-east-1", 500 * time.Millisecond}, // every AssumeRole is the caller's
		{"SQS", "1", "us-east-1", 0},                      // no quota: never waits
		{"SQS", "1", "us-east-1", 0},
	}
	for i, s := range steps {
		if got := l.reserve(s.service, s.account, s.region); got != s.want {
			t.Errorf("step %d (%s %s %s): wait %s, want %s", i, s.service, s.account, s.region, got, s.want)
		}
	}
	// Tokens refill at the rate: after 300 ms the CloudTrail bucket of
	// account 1 in us-east-1 is back from -2 to +1.
	now = now.Add(300 * time.Millisecond)
	if got := l.reserve("CloudTrail", "1", "us-east-1"); got != 0 {
		t.Errorf("after refill: wait %s, want 0", got)
	}
}

// signingNames maps the SDK service IDs of DefaultQuotas to the signing
// names awstest throttles by.
var signingNames = map[string]string{"CloudTrail": "cloudtrail", "Organizations": "organizations", "IAM": "iam", "STS": "sts",
	"KMS": "kms", "SNS": "sns", "SQS": "sqs", "S3": "s3", "GuardDuty": "guardduty", "EC2": "ec2"}

// throttleAtDefaultQuotas makes w throttle every service at the rate the
// collector keeps (DefaultQuotas), as AWS would at those quotas.
func throttleAtDefaultQuotas(w *awstest.World) {
	w.RateLimits = map[string]awstest.RateLimit{}
	for id, q := range DefaultQuotas {
		w.RateLimits[signingNames[id]] = awstest.RateLimit{Rate: q.Rate, Burst: q.Burst}
	}
}

// Against servers that throttle at the documented rates, the collector
// paces itself: nothing is lost, and every call the servers throttled was
// retried (the attempts beyond one per call) or recorded.
func TestCollectUnderRateLimits(t *testing.T) {
	w := awstest.NewWorld(benchOrg(12, []string{"eu-west-1", "us-east-1", "us-west-2"}))
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::100000000000:user/auditor")
	throttleAtDefaultQuotas(w)
	got, st := collect(t, w, Options{})
	if len(got.Accounts) != 12 || len(got.CollectionErrors) != 0 {
		t.Fatalf("%d accounts, errors %+v", len(got.Accounts), got.CollectionErrors)
	}
	if n := w.Throttled(); n > st.Attempts-st.Calls {
		t.Errorf("servers throttled %d calls, but only %d were retried", n, st.Attempts-st.Calls)
	}
}

// Without the client-side limiter the same servers throttle the run; the
// adaptive retryer recovers every throttled call or the run records it.
func TestCollectWithoutLimiterRetriesThrottles(t *testing.T) {
	w := awstest.NewWorld(benchOrg(6, []string{"us-east-1"}))
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::100000000000:user/auditor")
	w.RateLimits = map[string]awstest.RateLimit{"organizations": {Rate: 20, Burst: 1}, "sts": {Rate: 20, Burst: 1}}
	got, st := collect(t, w, Options{Quotas: map[string]Quota{}})
	if w.Throttled() == 0 {
		t.Fatal("the servers throttled nothing: the test does not test throttling")
	}
	recorded := 0
	for _, e := range got.CollectionErrors {
		if e.Code == "TooManyRequestsException" || e.Code == "Throttling" {
			recorded++
		}
	}
	if len(got.CollectionErrors) != recorded {
		t.Errorf("errors other than throttling: %+v", got.CollectionErrors)
	}
	if n := w.Throttled(); n > st.Attempts-st.Calls+recorded {
		t.Errorf("servers throttled %d calls; %d retried, %d recorded", n, st.Attempts-st.Calls, recorded)
	}
}

// One account whose calls hang is cut at AccountTimeout: its unfinished
// reads are recorded as timeouts, and every other account is collected.
func TestAccountTimeout(t *testing.T) {
	w := world(t, orgFile, "111111111111")
	w.Faults.Add(awstest.Fault{Account: "333333333333", Service: "guardduty", Kind: awstest.Slow, Delay: time.Minute})
	got, _ := collect(t, w, Options{AccountTimeout: 2 * time.Second})
	if len(got.Accounts) != 3 {
		t.Fatalf("%d accounts collected, want 3", len(got.Accounts))
	}
	if len(got.CollectionErrors) == 0 {
		t.Fatal("no collection error for the account that timed out")
	}
	cut := false
	for _, e := range got.CollectionErrors {
		if e.Account != "333333333333" || (e.Code != "Timeout" && e.Code != "AccountTimeout") {
			t.Errorf("error %+v, want only timeouts of account 333333333333", e)
		}
		cut = cut || (e.Code == "AccountTimeout" && e.Service == NotCollectedService)
	}
	if !cut {
		t.Error("no AccountTimeout error says the account was not read whole")
	}
	sameAccount(t, w, got, "222222222222")
}
