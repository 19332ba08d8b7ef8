package datapath

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	eksCluster = "arn:aws:eks:us-east-1:111111111111:cluster/prod"
	eksStream  = "arn:aws:firehose:us-east-1:111111111111:deliverystream/eks-audit"
	eksCWLRole = "arn:aws:iam::111111111111:role/CWLtoFirehose"
	eksFHRole  = "arn:aws:iam::111111111111:role/FirehoseToS3"
	eksReader  = "arn:aws:iam::111111111111:role/Harvester"
)

// eksSnapshot is one cluster shipping its audit log through CloudWatch
// Logs and Firehose to an SSE-KMS bucket.
func eksSnapshot(logTypes []string, trust string) *snapshot.Snapshot {
	doc := func(s string) *snapshot.Policy { return &snapshot.Policy{Document: json.RawMessage(s)} }
	return &snapshot.Snapshot{Accounts: []snapshot.Account{{
		ID:          "111111111111",
		EKSClusters: []snapshot.EKSCluster{{Name: "prod", ARN: eksCluster, Region: "us-east-1", EnabledLogTypes: logTypes}},
		LogGroups: []snapshot.LogGroup{{Name: "/aws/eks/prod/cluster", ARN: "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/prod/cluster:*", Region: "us-east-1",
			SubscriptionFilters: []snapshot.SubscriptionFilter{{Name: "audit", DestinationARN: eksStream, RoleARN: eksCWLRole}}}},
		DeliveryStreams: []snapshot.DeliveryStream{{Name: "eks-audit", ARN: eksStream, Region: "us-east-1", Status: "ACTIVE",
			S3: &snapshot.FirehoseS3Destination{BucketARN: "arn:aws:s3:::logs", Prefix: "EKSLogs/111111111111/prod/", RoleARN: eksFHRole,
				KMSKeyARN: "arn:aws:kms:us-east-1:111111111111:key/k1"}}},
		Buckets: []snapshot.Bucket{{Name: "logs", ARN: "arn:aws:s3:::logs", Region: "us-east-1"}},
		Keys:    []snapshot.Key{{ARN: "arn:aws:kms:us-east-1:111111111111:key/k1", KeyID: "k1", Region: "us-east-1", KeyState: "Enabled"}},
		Roles: []snapshot.Role{
			{Name: "CWLtoFirehose", ARN: eksCWLRole, TrustPolicy: doc(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"` + trust + `"},"Action":"sts:AssumeRole"}]}`)},
			{Name: "FirehoseToS3", ARN: eksFHRole},
			{Name: "Harvester", ARN: eksReader},
		},
	}}}
}

func questionsOf(p Path, kind HopKind) map[string]Question {
	out := map[string]Question{}
	for _, h := range p.Hops {
		if h.Kind == kind {
			for _, q := range h.Questions {
				out[q.ID] = q
			}
		}
	}
	return out
}

// The EKS path asks each hop's question as AWS does: CloudWatch Logs
// assumes the filter's role with the log group as aws:SourceArn
// (SubscriptionFilters.html#FirehoseExample), Firehose assumes its role
// with the account as sts:ExternalId (controlling-access.html), writes
// under EKSLogs/<account>/<cluster>/ and asks KMS through S3; the reader
// lists that prefix.
func TestEKSPathQuestions(t *testing.T) {
	conn := &connector.Connector{Profile: "rapid7", Role: eksReader, Sources: []string{"eks"}}
	paths := Build(eksSnapshot([]string{"api", "audit"}, "logs.us-east-1.amazonaws.com"), conn)
	if len(paths) != 1 || paths[0].Source.Kind != SourceEKSAudit {
		t.Fatalf("paths: %+v", paths)
	}
	p := paths[0]
	var kinds []HopKind
	for _, h := range p.Hops {
		kinds = append(kinds, h.Kind)
		if len(h.Problems) > 0 {
			t.Errorf("%s: problems %v", h.Kind, h.Problems)
		}
	}
	want := []HopKind{HopWriter, HopLogGroup, HopLogSubscription, HopDeliveryStream, HopBucket, HopObjectKey, HopReader, HopRead}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("hops (-want +got):\n%s", diff)
	}
	sub := questionsOf(p, HopLogSubscription)
	if q := sub["assume-role"]; q.Principal != "logs.us-east-1.amazonaws.com" || q.Resource != eksCWLRole ||
		!slices.Equal(q.Context["aws:SourceArn"], []string{"arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/prod/cluster:*"}) {
		t.Errorf("assume-role: %+v", q)
	}
	if q := sub["put-record"]; q.Principal != eksCWLRole || q.Action != "firehose:PutRecord" || q.Resource != eksStream {
		t.Errorf("put-record: %+v", q)
	}
	if q := questionsOf(p, HopDeliveryStream)["assume-role"]; q.Principal != "firehose.amazonaws.com" || !slices.Equal(q.Context["sts:ExternalId"], []string{"111111111111"}) {
		t.Errorf("firehose assume-role: %+v", q)
	}
	if q := questionsOf(p, HopBucket)["put-object"]; q.Principal != eksFHRole || q.Resource != "arn:aws:s3:::logs/EKSLogs/111111111111/prod/2026/01/01/00/eks-audit-1-2026-01-01-00-00-00-file" {
		t.Errorf("put-object: %+v", q)
	}
	if q := questionsOf(p, HopObjectKey)["generate-data-key"]; q.Principal != eksFHRole || !slices.Equal(q.Context["kms:ViaService"], []string{"s3.us-east-1.amazonaws.com"}) {
		t.Errorf("generate-data-key: %+v", q)
	}
	if q := questionsOf(p, HopRead)["list-bucket (Harvester)"]; !slices.Equal(q.Context["s3:prefix"], []string{"EKSLogs/111111111111/prod/"}) {
		t.Errorf("list-bucket: %+v", q)
	}
}

// The global service name is asked when the trust names it, the regional
// one otherwise: AWS's examples use either.
func TestEKSCloudWatchLogsPrincipal(t *testing.T) {
	conn := &connector.Connector{Profile: "rapid7", Role: eksReader, Sources: []string{"eks"}}
	p := Build(eksSnapshot([]string{"audit"}, "logs.amazonaws.com"), conn)[0]
	if q := questionsOf(p, HopLogSubscription)["assume-role"]; q.Principal != "logs.amazonaws.com" {
		t.Errorf("principal %s", q.Principal)
	}
}

// Which clusters are followed: all with sources: [eks]; none for a
// connector that lists other sources; without a connector, those whose
// group already subscribes a Firehose stream.
func TestEKSClustersFollowed(t *testing.T) {
	snap := eksSnapshot(nil, "logs.us-east-1.amazonaws.com")
	count := func(conn *connector.Connector) int {
		n := 0
		for _, p := range Build(snap, conn) {
			if p.Source.Kind == SourceEKSAudit {
				n++
			}
		}
		return n
	}
	if n := count(&connector.Connector{Profile: "rapid7", Role: eksReader, Sources: []string{"cloudtrail"}}); n != 0 {
		t.Errorf("sources [cloudtrail]: %d EKS paths", n)
	}
	if n := count(nil); n != 1 {
		t.Errorf("no connector, a subscribed group: %d EKS paths", n)
	}
	snap.Accounts[0].LogGroups = nil
	if n := count(nil); n != 0 {
		t.Errorf("no connector, no subscription: %d EKS paths", n)
	}
	p := Build(snap, &connector.Connector{Profile: "rapid7", Role: eksReader, Sources: []string{"eks"}})
	if len(p) != 1 || len(p[0].Hops) != 3 || p[0].Hops[0].Problems == nil || p[0].Hops[2].Problems == nil {
		t.Errorf("audit off, no filter: %+v", p)
	}
}

// A stream writing outside EKSLogs/<account>/<cluster>/ is a problem of
// its hop for a rapid7 reader, which looks there (profile step P5's
// eks_prefix); without a profile that names a place, the reader reads
// where the stream writes.
func TestEKSStreamPrefix(t *testing.T) {
	snap := eksSnapshot([]string{"audit"}, "logs.us-east-1.amazonaws.com")
	snap.Accounts[0].DeliveryStreams[0].S3.Prefix = "eks/!{timestamp:yyyy}/"
	conn := &connector.Connector{Profile: "rapid7", Role: eksReader, Sources: []string{"eks"}}
	stream := func(p Path) Hop {
		for _, h := range p.Hops {
			if h.Kind == HopDeliveryStream {
				return h
			}
		}
		t.Fatalf("no stream hop in %s", p.ID)
		return Hop{}
	}
	if h := stream(Build(snap, conn)[0]); len(h.Problems) != 1 || h.Status != StatusBroken {
		t.Errorf("rapid7: stream hop %+v", h)
	}
	generic := &connector.Connector{Profile: "generic", Role: eksReader, Sources: []string{"eks"}}
	p := Build(snap, generic)[0]
	if h := stream(p); len(h.Problems) != 0 || p.Source.KeyPrefix != "eks/" {
		t.Errorf("generic: key prefix %q, stream hop %+v", p.Source.KeyPrefix, h)
	}
	if q := questionsOf(p, HopRead)["list-bucket (Harvester)"]; !slices.Equal(q.Context["s3:prefix"], []string{"eks/"}) {
		t.Errorf("generic list-bucket: %+v", q.Context)
	}
}
