package datapath

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// answered builds and answers the paths of snap for the connector text
// ("" for none), with the delivery and reader sides the rules read.
func answered(t *testing.T, snap *snapshot.Snapshot, connText string) ([]Path, Delivery, Reads) {
	t.Helper()
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	c := conn(t, expelConnector)
	if connText == "" {
		c = nil
	} else if connText != expelConnector {
		c = conn(t, connText)
	}
	paths := Evaluate(BuildFor(snap, c, ix), AuthzAsker(ix))
	srcs := Sources(snap)
	d := NewDelivery(snap, srcs, paths)
	return paths, d, NewReads(snap, c, paths, srcs, d, AuthzAsker(ix))
}

// The Control Tower scenario's delivery and reader sides, as the rules
// read them (input.path_index), with each answer's decision.
func TestDeliveryAndReadsControlTowerGolden(t *testing.T) {
	_, d, r := answered(t, load(t, "controltower.json"), expelConnector)
	type decided struct {
		Request
		Decision string `json:"decision"`
	}
	decide := func(xs []Request) []decided {
		out := []decided{}
		for _, x := range xs {
			out = append(out, decided{x, string(x.Answer.Decision)})
		}
		return out
	}
	answers := map[string]string{}
	for k, q := range r.Answers {
		answers[k] = string(q.Answer.Decision)
	}
	got, err := json.MarshalIndent(map[string]any{
		"delivery": d, "readers": r.Readers, "queue_readers": r.QueueReaders, "keys": r.Keys,
		"requests": decide(r.Requests), "assume": decide(r.Assume), "answers": answers,
	}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "controltower.index.json", append(got, '\n'))
}

// The delivery side covers every source, whatever the connector reads: a
// queue that is not the connector's is still reached, fed and told about
// the sources whose files its notification's filter admits.
func TestDeliveryFollowsEverySource(t *testing.T) {
	snap := load(t, "controltower.json")
	bucket := "aws-controltower-logs-222222222222-us-east-1"
	other := "arn:aws:sqs:us-east-1:222222222222:siem"
	gdOnly := "arn:aws:sqs:us-east-1:222222222222:gd-only"
	for i := range snap.Accounts {
		a := &snap.Accounts[i]
		for j := range a.Buckets {
			if a.Buckets[j].Name == bucket {
				n := a.Buckets[j].Notification
				n.QueueConfigurations = append(n.QueueConfigurations,
					snapshot.NotificationTarget{ARN: other, Events: []string{"s3:ObjectCreated:*"}},
					// No CloudTrail file ends in .jsonl.gz: the queue is
					// reached but told about no trail's files.
					snapshot.NotificationTarget{ARN: gdOnly, Events: []string{"s3:ObjectCreated:*"}, FilterSuffix: ".jsonl.gz"})
			}
		}
	}
	_, d, _ := answered(t, snap, expelConnector)
	if got, want := d.Reach[bucket], []string{"arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", gdOnly, other}; !cmp.Equal(got, want) {
		t.Errorf("reach %v, want %v", got, want)
	}
	if got := d.QueueBuckets[other]; !cmp.Equal(got, []string{bucket}) {
		t.Errorf("queue_buckets[%s] = %v", other, got)
	}
	if got := d.QueueSources[other]; !cmp.Equal(got, []SourceKind{SourceCloudTrail}) {
		t.Errorf("queue_sources[%s] = %v, want cloudtrail", other, got)
	}
	if got, ok := d.QueueSources[gdOnly]; ok {
		t.Errorf("queue_sources[%s] = %v, want none (the filter admits no trail file)", gdOnly, got)
	}
	want := Feed{Service: principalS3, Source: "arn:aws:s3:::" + bucket, Account: "222222222222", Queue: other}
	if !slices.Contains(d.Feeds, want) {
		t.Errorf("feeds %v lack %v", d.Feeds, want)
	}
	if !slices.Contains(d.LogBuckets, "gd-findings-222222222222") {
		t.Errorf("log buckets %v lack the GuardDuty export's bucket (the connector reads CloudTrail only)", d.LogBuckets)
	}
}

// Every reader-table action a reader may call is answered in Go, asked
// without context where no path asks it; a request a path asks keeps the
// path's context.
func TestReadsAnswerEveryReaderAction(t *testing.T) {
	snap := load(t, "controltower.json")
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	c := conn(t, expelConnector)
	paths := Evaluate(BuildFor(snap, c, ix), AuthzAsker(ix))
	srcs := Sources(snap)
	d := NewDelivery(snap, srcs, paths)
	var asked []Question
	r := NewReads(snap, c, paths, srcs, d, AskerFunc(func(q Question) Answer {
		asked = append(asked, q)
		return AuthzAsker(ix).Ask(q)
	}))
	queue, role := c.Queue, c.Role
	for _, action := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"} {
		q, ok := r.Answers[AnswerKey(role, action, queue)]
		if !ok {
			t.Errorf("no answer for %s on the queue", action)
			continue
		}
		fromPath := action == "sqs:ReceiveMessage" || action == "sqs:DeleteMessage"
		if fromPath != (len(q.Context) > 0) {
			t.Errorf("%s asked with context %v; want the path's context only where a path asks it", action, q.Context)
		}
	}
	for _, q := range asked {
		if q.Action == "sqs:ReceiveMessage" && len(q.Context) == 0 {
			t.Errorf("a request the path asks was asked again without context: %+v", q)
		}
	}
	var decrypt *Request
	for i, x := range r.Requests {
		if x.Action == "kms:Decrypt" && x.On.Type == "AWS::KMS::Key" && len(x.Context["kms:EncryptionContext:aws:cloudtrail:arn"]) > 0 {
			decrypt = &r.Requests[i]
		}
	}
	if decrypt == nil {
		t.Fatalf("no decrypt request of the trail's log-file key among %+v", r.Requests)
	}
	if got := decrypt.Context["kms:ViaService"]; !cmp.Equal(got, []string{"s3.us-east-1.amazonaws.com"}) {
		t.Errorf("kms:ViaService %v", got)
	}
	if got := decrypt.Context["kms:CallerAccount"]; !cmp.Equal(got, []string{"222222222222"}) {
		t.Errorf("kms:CallerAccount %v", got)
	}
	if len(r.Assume) != 1 || r.Assume[0].Context["sts:ExternalId"][0] != "8d3c0c6e-example" {
		t.Errorf("assume %+v, want the vendor's AssumeRole with its external ID", r.Assume)
	}
}

// Without a connector the readers are the roles the paths infer, one per
// queue they may receive from, and each is asked for what it reads.
func TestReadsWithoutConnector(t *testing.T) {
	_, _, r := answered(t, load(t, "controltower.json"), "")
	if len(r.Assume) != 0 {
		t.Errorf("assume %+v without a connector", r.Assume)
	}
	if len(r.Readers) == 0 {
		t.Fatal("no reader inferred: the Control Tower queue's policy admits the Expel role")
	}
	if !cmp.Equal(r.Readers, r.ByQueue) {
		t.Errorf("readers %+v, want the reads by queue %+v", r.Readers, r.ByQueue)
	}
	for _, rd := range r.Readers {
		for _, b := range rd.Buckets {
			if !slices.ContainsFunc(r.Requests, func(x Request) bool {
				return x.Reader == rd.Role && x.Action == "s3:GetObject" && x.On.ID == "arn:aws:s3:::"+b && x.Answer != nil
			}) {
				t.Errorf("no answered s3:GetObject of %s by %s among %+v", b, rd.Role, r.Requests)
			}
		}
	}
}

// The services' calls on the delivery side are answered once: a call a
// path asks keeps the path's answer and context, and a feed no path
// follows (a queue that is not the connector's) is asked with the context
// the service sends.
func TestServiceAnswersAskEachCallOnce(t *testing.T) {
	snap := load(t, "controltower.json")
	bucket := "aws-controltower-logs-222222222222-us-east-1"
	other := "arn:aws:sqs:us-east-1:222222222222:siem"
	for i := range snap.Accounts {
		for j := range snap.Accounts[i].Buckets {
			if b := &snap.Accounts[i].Buckets[j]; b.Name == bucket {
				b.Notification.QueueConfigurations = append(b.Notification.QueueConfigurations,
					snapshot.NotificationTarget{ARN: other, Events: []string{"s3:ObjectCreated:*"}})
			}
		}
	}
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	paths := Evaluate(BuildFor(snap, conn(t, expelConnector), ix), AuthzAsker(ix))
	srcs := Sources(snap)
	d := NewDelivery(snap, srcs, paths)
	var asked []Question
	got := NewServiceAnswers(snap, paths, srcs, Publishers(snap, srcs), d, AskerFunc(func(q Question) Answer {
		asked = append(asked, q)
		return AuthzAsker(ix).Ask(q)
	}))
	bucketARN := "arn:aws:s3:::" + bucket
	topic := "arn:aws:sns:us-east-1:222222222222:expel-cloudtrail"
	publish, ok := got[ServiceKey(principalS3, "sns:Publish", topic, bucketARN)]
	if !ok || publish.Answer == nil || publish.Answer.Decision != "Allowed" {
		t.Fatalf("S3's sns:Publish of the bucket's notification: %+v, want the path's Allowed answer", publish)
	}
	send, ok := got[ServiceKey(principalS3, "sqs:SendMessage", other, bucketARN)]
	if !ok || send.Answer == nil {
		t.Fatalf("no answer for S3 sending to %s", other)
	}
	if want := serviceContext(principalS3, bucketARN, "222222222222"); !cmp.Equal(send.Context, want) {
		t.Errorf("S3 sends to %s with context %v, want %v", other, send.Context, want)
	}
	for _, q := range asked {
		if q.Action == "sns:Publish" && q.Resource == topic {
			t.Errorf("a call the path asks was asked again: %+v", q)
		}
	}
}

// A reader's kms:Decrypt has one builder: the paths' reader and read hops
// and Reads ask it with the same context, and S3's aws:s3:arn is the
// object ARN, or the bucket ARN once the bucket uses an S3 Bucket Key
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
func TestReaderDecryptContextOneBuilder(t *testing.T) {
	const (
		bucketARN = "arn:aws:s3:::aws-controltower-logs-222222222222-us-east-1"
		queueARN  = "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail"
	)
	for _, bucketKey := range []bool{false, true} {
		snap := load(t, "controltower.json")
		for i := range snap.Accounts {
			for j := range snap.Accounts[i].Buckets {
				if b := &snap.Accounts[i].Buckets[j]; b.Encryption != nil {
					b.Encryption.BucketKeyEnabled = bucketKey
				}
			}
		}
		paths, _, r := answered(t, snap, expelConnector)
		asked := 0
		for _, p := range paths {
			for _, h := range p.Hops {
				for _, q := range h.Questions {
					if q.Action != "kms:Decrypt" || (h.Kind != HopReader && h.Kind != HopRead) {
						continue
					}
					asked++
					if !slices.ContainsFunc(r.Keys, func(k ReaderKey) bool {
						return k.Reader.Role == q.Principal && k.Key == q.Resource && cmp.Equal(k.Context, q.Context)
					}) {
						t.Errorf("bucket key %v: %s's question %s has no Reads key with its context %v", bucketKey, p.ID, q.ID, q.Context)
					}
				}
			}
		}
		if asked < 2 {
			t.Fatalf("bucket key %v: %d decrypt questions, want the object's and the queue's", bucketKey, asked)
		}
		for _, k := range r.Keys {
			if k.Context["aws:PrincipalArn"] == nil || k.Context["kms:CallerAccount"] == nil {
				t.Errorf("%s: no principal context: %v", k.Why, k.Context)
			}
			if s3 := k.Context["kms:EncryptionContext:aws:s3:arn"]; s3 != nil {
				isBucket := s3[0] == bucketARN
				if isBucket != bucketKey || !strings.HasPrefix(s3[0], bucketARN) {
					t.Errorf("bucket key %v: %s: aws:s3:arn %s", bucketKey, k.Why, s3[0])
				}
			}
			if strings.HasPrefix(k.Why, "the key of queue") && !slices.Equal(k.Context["kms:EncryptionContext:aws:sqs:arn"], []string{queueARN}) {
				t.Errorf("%s: aws:sqs:arn %v", k.Why, k.Context["kms:EncryptionContext:aws:sqs:arn"])
			}
		}
	}
}
