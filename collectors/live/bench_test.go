package live

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// benchOrg builds an organization of n accounts over the given regions,
// each account typical of a log pipeline: four roles, two buckets with
// every sub-resource, and per region one customer key, one topic with a
// subscription, a queue and its dead-letter queue, and a GuardDuty detector
// exporting findings.
func benchOrg(n int, regions []string) *snapshot.Snapshot {
	const mgmt = "100000000000"
	doc := func(s string) json.RawMessage { return json.RawMessage(s) }
	allow := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","sqs:ReceiveMessage"],"Resource":"*"}]}`)
	org := &snapshot.Organization{ID: "o-bench00001", ManagementAccountID: mgmt, RootID: "r-b001",
		EnabledPolicyTypes: []string{snapshot.PolicyTypeRCP, snapshot.PolicyTypeSCP}, EnabledServicePrincipals: []string{"cloudtrail.amazonaws.com"},
		OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-b001-aaaaaaaa", Name: "Workloads", ParentID: "r-b001"}}}
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceLive, Organization: org}
	scp := snapshot.OrgPolicy{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Type: snapshot.PolicyTypeSCP, AWSManaged: true,
		Document: snapshot.Policy{Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)},
		Targets:  []string{"r-b001", "ou-b001-aaaaaaaa"}}
	// Enabling RCPs attaches RCPFullAWSAccess everywhere, as AWS does.
	rcp := snapshot.OrgPolicy{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Type: snapshot.PolicyTypeRCP, AWSManaged: true,
		Document: snapshot.Policy{Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)},
		Targets:  []string{"r-b001", "ou-b001-aaaaaaaa"}}
	for i := range n {
		id := fmt.Sprintf("%012d", 100000000000+i)
		parent := "ou-b001-aaaaaaaa"
		if id == mgmt {
			parent = "r-b001"
		}
		org.Members = append(org.Members, snapshot.OrgAccount{ID: id, Name: "acct-" + id, Status: "ACTIVE", ParentID: parent})
		scp.Targets = append(scp.Targets, id)
		rcp.Targets = append(rcp.Targets, id)
		a := snapshot.Account{ID: id, Regions: regions}
		trust := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + mgmt + `:root"},"Action":"sts:AssumeRole"}]}`)
		for _, name := range []string{memberRole, "reader", "deployer", "auditor"} {
			a.Roles = append(a.Roles, snapshot.Role{Name: name, ARN: "arn:aws:iam::" + id + ":role/" + name,
				TrustPolicy: &snapshot.Policy{Document: trust}, InlinePolicies: []snapshot.NamedPolicy{{Name: "p", Policy: snapshot.Policy{Document: allow}}}})
		}
		// The member role reads with the collector's own policy.
		a.Roles[0].AttachedPolicyARNs = []string{"arn:aws:iam::" + id + ":policy/trailgate-collector"}
		a.ManagedPolicies = []snapshot.ManagedPolicy{{ARN: "arn:aws:iam::" + id + ":policy/trailgate-collector", Policy: snapshot.Policy{Document: policyJSON}}}
		for _, bn := range []string{"logs", "findings"} {
			a.Buckets = append(a.Buckets, snapshot.Bucket{Name: bn + "-" + id, ARN: "arn:aws:s3:::" + bn + "-" + id, Region: regions[0],
				Policy: &snapshot.Policy{Document: allow}, ObjectOwnership: snapshot.OwnershipBucketOwnerEnforced,
				Encryption: &snapshot.BucketEncryption{SSEAlgorithm: "AES256"}, RequestPayer: "BucketOwner"})
		}
		for k, r := range regions {
			keyID := fmt.Sprintf("00000000-0000-4000-8000-%012d", k)
			keyARN := "arn:aws:kms:" + r + ":" + id + ":key/" + keyID
			a.Keys = append(a.Keys, snapshot.Key{KeyID: keyID, ARN: keyARN, Region: r, KeyState: "Enabled", KeyManager: "CUSTOMER",
				Policy: &snapshot.Policy{Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + id + `:root"},"Action":"kms:*","Resource":"*"}]}`)}})
			topic := "arn:aws:sns:" + r + ":" + id + ":files"
			queue := "arn:aws:sqs:" + r + ":" + id + ":events"
			a.Topics = append(a.Topics, snapshot.Topic{Name: "files", ARN: topic, Region: r,
				Subscriptions: []snapshot.Subscription{{Protocol: "sqs", Endpoint: queue, RawMessageDelivery: true}}})
			a.Queues = append(a.Queues,
				snapshot.Queue{Name: "events", ARN: queue, Region: r, VisibilityTimeout: 300, MessageRetentionPeriod: 604800,
					RedrivePolicy: &snapshot.RedrivePolicy{DeadLetterTargetARN: queue + "-dlq", MaxReceiveCount: 5}},
				snapshot.Queue{Name: "events-dlq", ARN: queue + "-dlq", Region: r, VisibilityTimeout: 30, MessageRetentionPeriod: 1209600})
			a.Detectors = append(a.Detectors, snapshot.Detector{ID: fmt.Sprintf("%032x", i*10+k), Region: r, Status: "ENABLED",
				FindingPublishingFrequency: "FIFTEEN_MINUTES", PublishingDestinations: []snapshot.PublishingDestination{{
					DestinationARN: "arn:aws:s3:::findings-" + id, KmsKeyARN: keyARN}}})
		}
		if id == mgmt {
			a.Trails = []snapshot.Trail{{Name: "org", ARN: "arn:aws:cloudtrail:" + regions[0] + ":" + mgmt + ":trail/org", HomeRegion: regions[0],
				S3BucketName: "logs-" + mgmt, IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, IsOrganizationTrail: true,
				EventSelectors: []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}}}
		}
		s.Accounts = append(s.Accounts, a)
	}
	org.Policies = []snapshot.OrgPolicy{scp, rcp}
	return s
}

// BenchmarkCollectOrg collects a 200-account, 4-region organization whose
// every call takes 20 ms, and reports calls per account-region (target
// ≤ 40) and the wall time of one collection (ns/op; target < 60 s).
//
// On the 2-core development machine (go test -bench CollectOrg$
// -benchtime=1x), default concurrency 32: 25.1 calls per account-region
// (20,046 calls), 15.6 s; with concurrency 16, about twice that.
func BenchmarkCollectOrg(b *testing.B) {
	benchCollect(b, 200, []string{"eu-west-1", "us-east-1", "us-east-2", "us-west-2"}, 20*time.Millisecond)
}

// BenchmarkCollectSmallOrg is the same shape without latency, to profile
// the collector's own cost.
func BenchmarkCollectSmallOrg(b *testing.B) {
	benchCollect(b, 10, []string{"us-east-1", "us-west-2"}, 0)
}

func benchCollect(b *testing.B, accounts int, regions []string, latency time.Duration) {
	s := benchOrg(accounts, regions)
	w := awstest.NewWorld(s)
	w.Latency = latency
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::100000000000:user/auditor")
	env := awstest.Start(b, w, allServices...)
	cfg := env.Config(adminKey, "us-east-1")
	var st Stats
	b.ResetTimer()
	for range b.N {
		got, stats, err := Collect(context.Background(), cfg, Options{MemberRole: memberRole})
		if err != nil {
			b.Fatal(err)
		}
		if len(got.CollectionErrors) != 0 || len(got.Accounts) != accounts {
			b.Fatalf("%d accounts, errors %+v", len(got.Accounts), got.CollectionErrors)
		}
		st = stats
	}
	b.ReportMetric(st.CallsPerAccountRegion, "calls/account-region")
	b.ReportMetric(float64(st.Calls), "calls/op")
}

// regions17 are the 17 regions enabled by default in every account
// (https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html).
var regions17 = []string{"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2"}

// BenchmarkCollectOrgScale collects 1,000 accounts × 17 regions from
// servers that answer every call in 20 ms and throttle every service at
// the rates the collector keeps (DefaultQuotas; CloudTrail's is AWS's
// documented 10 per second per account and region). Targets: under 10
// minutes (ns/op), no account lost, every throttled call retried or
// recorded. Slow (minutes): run it alone,
//
//	go test ./collectors/live -run '^$' -bench 'CollectOrgScale' -benchtime 1x -timeout 40m
//
// The collection is latency-bound on an idle machine (449,166 calls, 128 in
// flight: 70 s of round trips) and CPU-bound on a shared one (227 s of
// CPU, collector and servers together: 889 s wall at load average 17-24).
//
// TRAILGATE_SCALE_ACCOUNTS overrides the number of accounts, to profile a
// smaller organization of the same shape; TRAILGATE_SCALE_CONCURRENCY the
// collector's --concurrency.
func BenchmarkCollectOrgScale(b *testing.B) {
	envInt := func(name string, def int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatalf("%s: %v", name, err)
		}
		return n
	}
	n := envInt("TRAILGATE_SCALE_ACCOUNTS", 1000)
	concurrency := envInt("TRAILGATE_SCALE_CONCURRENCY", 0)
	w := awstest.NewWorld(benchOrg(n, regions17))
	w.Calls = nil // nothing reads the log; at 1,000 accounts it held 450,000 records
	w.Latency = 20 * time.Millisecond
	w.Identities.Add(adminKey, adminSecret, "", "arn:aws:iam::100000000000:user/auditor")
	throttleAtDefaultQuotas(w)
	env := awstest.Start(b, w, allServices...)
	cfg := env.Config(adminKey, "us-east-1")
	b.ResetTimer()
	for range b.N {
		throttledBefore := w.Throttled()
		got, st, err := Collect(context.Background(), cfg, Options{MemberRole: memberRole, Concurrency: concurrency})
		if err != nil {
			b.Fatal(err)
		}
		if len(got.Accounts) != n {
			b.Fatalf("%d of %d accounts collected", len(got.Accounts), n)
		}
		recorded := 0
		for _, e := range got.CollectionErrors {
			if e.Code == "Timeout" || e.Code == "Canceled" {
				b.Errorf("lost read: %+v", e)
			}
			recorded++
		}
		throttled := w.Throttled() - throttledBefore
		if throttled > st.Attempts-st.Calls+recorded {
			b.Errorf("servers throttled %d calls; %d retried, %d recorded", throttled, st.Attempts-st.Calls, recorded)
		}
		b.ReportMetric(float64(st.Calls), "calls/op")
		b.ReportMetric(float64(throttled), "throttled/op")
		b.ReportMetric(float64(st.Attempts-st.Calls), "retries/op")
		b.ReportMetric(float64(len(got.CollectionErrors)), "errors/op")
	}
}
