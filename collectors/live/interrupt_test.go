package live

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestInterruptedCollectionRecordsWhatItMissed interrupts a collection at
// each stage (the call named is slowed, and the context cancelled once it
// is under way) and checks that every account and region is either
// collected as served or named in collection_errors. Accounts and regions
// that never got a worker used to return silently while the region stayed
// listed, so check took them as collected and empty.
func TestInterruptedCollectionRecordsWhatItMissed(t *testing.T) {
	for _, stage := range []struct{ service, operation string }{
		{"organizations", "ListAccountsForParent"},
		{"sts", "AssumeRole"},
		{"ec2", "DescribeRegions"},
		{"iam", "GetAccountAuthorizationDetails"},
		{"s3", "ListBuckets"},
		{"cloudtrail", "DescribeTrails"},
		{"kms", "ListKeys"},
		{"sns", "ListTopics"},
		{"sqs", "ListQueues"},
		{"guardduty", "ListDetectors"},
	} {
		t.Run(stage.service+":"+stage.operation, func(t *testing.T) {
			w := world(t, orgFile, "111111111111")
			slow := w.Faults.Add(awstest.Fault{Service: stage.service, Operation: stage.operation, Kind: awstest.Slow, Delay: 200 * time.Millisecond, Times: 1})
			env := awstest.Start(t, w, allServices...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				for w.Faults.Hits(slow) == 0 && ctx.Err() == nil {
					time.Sleep(time.Millisecond)
				}
				cancel() // Ctrl-C while the slowed call is under way
			}()
			got, _, err := Collect(ctx, env.Config(adminKey, "us-east-1"), quick(Options{Concurrency: 1}))
			if err != nil {
				t.Fatal(err)
			}
			if w.Faults.Hits(slow) == 0 {
				t.Fatalf("the collection never called %s:%s", stage.service, stage.operation)
			}
			checkAccountedFor(t, w, got)
		})
	}
}

// checkAccountedFor: every account and region the world serves is either
// in got as served, or covered by a collection error.
func checkAccountedFor(t *testing.T, w *awstest.World, got *snapshot.Snapshot) {
	t.Helper()
	want := expected(t, w, got)
	got = canonical(t, got)
	covered := func(acct, region string, services ...string) bool {
		return slices.ContainsFunc(got.CollectionErrors, func(e snapshot.CollectionError) bool {
			if e.Account == "" && e.Service == NotCollectedService {
				return true // accounts the organization walk did not list
			}
			if e.Account != acct {
				return false
			}
			if e.Service == "sts" || e.Service == NotCollectedService && e.Region == "" {
				return true // the whole account
			}
			return (region == "" || e.Region == region) && (len(services) == 0 || slices.Contains(services, e.Service))
		})
	}
	if len(got.CollectionErrors) == 0 {
		t.Error("an interrupted collection recorded no collection error")
	}
	for _, wa := range want.Accounts {
		ga := account(got, wa.ID)
		if ga == nil {
			if !covered(wa.ID, "") {
				t.Errorf("account %s: neither collected nor in collection_errors", wa.ID)
			}
			continue
		}
		global := func(a *snapshot.Account) any { return []any{a.Roles, a.ManagedPolicies, a.Buckets} }
		if !cmp.Equal(global(&wa), global(ga)) && !covered(wa.ID, "", "iam", "s3") {
			t.Errorf("account %s: IAM or S3 incomplete without a collection error", wa.ID)
		}
		for _, r := range wa.Regions {
			if !slices.Contains(ga.Regions, r) {
				if !covered(wa.ID, "", "ec2") {
					t.Errorf("account %s: region %s not listed, and no error says the region list failed", wa.ID, r)
				}
				continue
			}
			if !cmp.Equal(inRegion(&wa, r), inRegion(ga, r)) && !covered(wa.ID, r) {
				t.Errorf("account %s region %s: listed, not collected as served, and not in collection_errors\n%s",
					wa.ID, r, cmp.Diff(inRegion(&wa, r), inRegion(ga, r)))
			}
		}
	}
}

// inRegion is what an account holds in one region.
func inRegion(a *snapshot.Account, region string) []any {
	var out []any
	out = appendIn(out, a.Trails, region, func(x snapshot.Trail) string { return x.HomeRegion })
	out = appendIn(out, a.Keys, region, func(x snapshot.Key) string { return x.Region })
	out = appendIn(out, a.Topics, region, func(x snapshot.Topic) string { return x.Region })
	out = appendIn(out, a.Queues, region, func(x snapshot.Queue) string { return x.Region })
	return appendIn(out, a.Detectors, region, func(x snapshot.Detector) string { return x.Region })
}

func appendIn[T any](out []any, list []T, region string, regionOf func(T) string) []any {
	for _, x := range list {
		if regionOf(x) == region {
			out = append(out, x)
		}
	}
	return out
}
