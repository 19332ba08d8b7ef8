package datapath

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// forwarderSnapshot is a vendor log-shipper stack: the trail lives in
// another stack; the bucket notifies a queue that a Lambda function polls
// through an event source mapping.
func forwarderSnapshot(notify bool) *snapshot.Snapshot {
	const acct = "222222222222"
	queue := "arn:aws:sqs:us-east-1:" + acct + ":siem-forwarder"
	b := snapshot.Bucket{Name: "org-logs", ARN: "arn:aws:s3:::org-logs", Region: "us-east-1"}
	if notify {
		b.Notification = &snapshot.NotificationConfiguration{QueueConfigurations: []snapshot.NotificationTarget{
			{ARN: queue, Events: []string{"s3:ObjectCreated:*"}, FilterPrefix: "trails/"}}}
	}
	return &snapshot.Snapshot{Accounts: []snapshot.Account{{
		ID:      acct,
		Buckets: []snapshot.Bucket{b},
		Queues:  []snapshot.Queue{{Name: "siem-forwarder", ARN: queue, Region: "us-east-1"}},
		Roles: []snapshot.Role{
			{Name: "ForwarderRole", ARN: "arn:aws:iam::" + acct + ":role/ForwarderRole"},
			{Name: "ConnectorRole", ARN: "arn:aws:iam::" + acct + ":role/ConnectorRole"},
		},
		EventSourceMappings: []snapshot.EventSourceMapping{
			{FunctionARN: "arn:aws:lambda:us-east-1:" + acct + ":function:fwd", EventSourceARN: queue,
				RoleARN: "arn:aws:iam::" + acct + ":role/ForwarderRole", Enabled: true},
			// A disabled mapping does not poll.
			{FunctionARN: "arn:aws:lambda:us-east-1:" + acct + ":function:old", EventSourceARN: queue,
				RoleARN: "arn:aws:iam::" + acct + ":role/OldRole", Enabled: false},
		},
	}}}
}

const forwarderConnector = `profile: generic
role: arn:aws:iam::222222222222:role/ConnectorRole
queue: arn:aws:sqs:us-east-1:222222222222:siem-forwarder
region: us-east-1
sources: [cloudtrail]
`

// pollers lists "principal kind" for the receive-message questions of a
// path's reader hop.
func pollers(t *testing.T, p Path) []string {
	t.Helper()
	var out []string
	for _, q := range hop(t, p, HopReader).Questions {
		if q.Action == "sqs:ReceiveMessage" {
			out = append(out, q.Principal+" "+q.ReaderKind)
		}
	}
	return out
}

// A bucket no source of the input writes, notifying the connector's
// queue, starts a path: its writer is unknown, its readers are not.
// The queue's reader is the event source mapping's role (Lambda polls as
// the function's role, https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html),
// the objects' reader the connector's role.
func TestImpliedSourceAndMappingReader(t *testing.T) {
	paths := Build(forwarderSnapshot(true), conn(t, forwarderConnector))
	if len(paths) != 1 {
		t.Fatalf("want one path, got %d", len(paths))
	}
	p := paths[0]
	if want := "arn:aws:s3:::org-logs -> direct -> arn:aws:sqs:us-east-1:222222222222:siem-forwarder"; p.ID != want {
		t.Errorf("ID %q, want %q", p.ID, want)
	}
	if !p.Source.Implied || p.Source.Kind != SourceCloudTrail || !strings.HasPrefix(p.Source.SampleKey, "trails/AWSLogs/") {
		t.Errorf("source %+v: want an implied CloudTrail source under the filter prefix", p.Source)
	}
	if p.Hops[0].Kind != HopBucket || len(p.Hops[0].Questions) != 0 {
		t.Errorf("first hop %s with %d questions: want the bucket, no writer to ask about", p.Hops[0].Kind, len(p.Hops[0].Questions))
	}
	if got, want := pollers(t, p), []string{"arn:aws:iam::222222222222:role/ForwarderRole lambda-esm"}; !slices.Equal(got, want) {
		t.Errorf("queue readers %q, want %q", got, want)
	}
	get := question(t, hop(t, p, HopRead), "get-object (ConnectorRole)")
	if get.Resource != "arn:aws:s3:::org-logs/"+p.Source.SampleKey {
		t.Errorf("get-object on %s", get.Resource)
	}
}

// queue_role names the queue's reader; without mappings the connector's
// role polls.
func TestConnectorQueueReaders(t *testing.T) {
	withRole := conn(t, forwarderConnector+"queue_role: arn:aws:iam::222222222222:role/ForwarderRole\n")
	if got, want := pollers(t, Build(forwarderSnapshot(true), withRole)[0]), []string{"arn:aws:iam::222222222222:role/ForwarderRole lambda-esm"}; !slices.Equal(got, want) {
		t.Errorf("queue_role: %q, want %q (its own mapping makes it a Lambda poller)", got, want)
	}
	snap := forwarderSnapshot(true)
	snap.Accounts[0].EventSourceMappings = nil
	if got, want := pollers(t, Build(snap, conn(t, forwarderConnector))[0]), []string{"arn:aws:iam::222222222222:role/ConnectorRole role"}; !slices.Equal(got, want) {
		t.Errorf("no mapping: %q, want %q", got, want)
	}
}

// A connector whose queue nothing of the input notifies (the bucket lives
// in a stack not given) still has its readers judged, from the queue on.
func TestQueueOnlyPath(t *testing.T) {
	paths := Build(forwarderSnapshot(false), conn(t, forwarderConnector))
	if len(paths) != 1 || paths[0].ID != "arn:aws:sqs:us-east-1:222222222222:siem-forwarder" {
		t.Fatalf("want the queue's path only, got %d paths", len(paths))
	}
	p := paths[0]
	if p.Hops[0].Kind != HopQueue || len(p.Hops) != 2 {
		t.Errorf("hops %v: want queue then reader", p.Hops)
	}
	if got := pollers(t, p); len(got) != 1 || !strings.HasSuffix(got[0], "lambda-esm") {
		t.Errorf("queue readers %q", got)
	}
	// Without a connector nobody is known to wait on the queue.
	if paths := Build(forwarderSnapshot(false), nil); len(paths) != 0 {
		t.Errorf("no connector: %d paths, want none", len(paths))
	}
}

// Without a connector, a queue a mapping polls is read: the bucket that
// notifies it starts an implied path, the mapping's role reads.
func TestMappingReaderWithoutConnector(t *testing.T) {
	snap := forwarderSnapshot(true)
	if got := Build(snap, nil); len(got) != 1 || slices.ContainsFunc(got[0].Hops, func(h Hop) bool { return h.Kind == HopRead }) {
		t.Fatalf("a role no policy allows to receive reads nothing: %+v", got)
	}
	snap.Accounts[0].Roles[0].InlinePolicies = []snapshot.NamedPolicy{{Name: "poll", Policy: snapshot.Policy{Document: []byte(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:ReceiveMessage","sqs:DeleteMessage"],"Resource":"*"}]}`)}}}
	paths := Build(snap, nil)
	if len(paths) != 1 {
		t.Fatalf("want one path, got %d", len(paths))
	}
	if got, want := pollers(t, paths[0]), []string{"arn:aws:iam::222222222222:role/ForwarderRole lambda-esm"}; !slices.Equal(got, want) {
		t.Errorf("queue readers %q, want %q", got, want)
	}
	question(t, hop(t, paths[0], HopRead), "get-object (ForwarderRole)")
}

// The connector reads what its queue announces: a trail whose bucket does
// not notify the queue, while another bucket does, has no read hop (NT01
// is about its notification). Were no bucket announced, each would be
// read once notified, and keeps its read hop.
func TestUnannouncedBucketIsNotRead(t *testing.T) {
	snap := forwarderSnapshot(true)
	a := &snap.Accounts[0]
	a.Trails = []snapshot.Trail{{Name: "t", ARN: "arn:aws:cloudtrail:us-east-1:222222222222:trail/t", HomeRegion: "us-east-1", S3BucketName: "other"}}
	a.Buckets = append(a.Buckets, snapshot.Bucket{Name: "other", ARN: "arn:aws:s3:::other", Region: "us-east-1"})
	reads := func(paths []Path) map[string]bool {
		out := map[string]bool{}
		for _, p := range paths {
			out[p.ID] = slices.ContainsFunc(p.Hops, func(h Hop) bool { return h.Kind == HopRead })
		}
		return out
	}
	got := reads(Build(snap, conn(t, forwarderConnector)))
	want := map[string]bool{
		"arn:aws:s3:::org-logs -> direct -> arn:aws:sqs:us-east-1:222222222222:siem-forwarder":                           true,
		"arn:aws:cloudtrail:us-east-1:222222222222:trail/t -> none -> arn:aws:sqs:us-east-1:222222222222:siem-forwarder": false,
	}
	if !maps.Equal(got, want) {
		t.Errorf("read hops %v, want %v", got, want)
	}
	a.Buckets[0].Notification = nil
	got = reads(Build(snap, conn(t, forwarderConnector)))
	want = map[string]bool{"arn:aws:cloudtrail:us-east-1:222222222222:trail/t -> none -> arn:aws:sqs:us-east-1:222222222222:siem-forwarder": true}
	if !maps.Equal(got, want) {
		t.Errorf("nothing announced: read hops %v, want %v", got, want)
	}
}
