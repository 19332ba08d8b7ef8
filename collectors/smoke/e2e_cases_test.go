package smoke_test

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/smoke"
	. "github.com/trailgate/trailgate/collectors/smoke/smoketest"
)

var cmpDiff = func(a, b any) string { return cmp.Diff(a, b) }

// TestWorkingPath: every step passes, and the queue holds as many messages
// after the run as before (the smoke test consumes nothing).
func TestWorkingPath(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.DeliverLog(LogKey)
	before := h.Visible()
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, passingCore, rep)
	if after := h.Visible(); before != "1" || after != before {
		t.Errorf("visible messages: %s before, %s after; want 1 and 1", before, after)
	}
	read := step(t, rep, smoke.StepReadObject)
	want := map[string]string{"kind": "cloudtrail", "records": "2", "newest_event": "2026-11-22T04:03:04Z", "gzip": "true",
		"sse": "aws:kms", "sse_kms_key_id": KeyARN, "object": "s3://" + Bucket + "/" + LogKey}
	for k, v := range want {
		if read.Facts[k] != v {
			t.Errorf("read-object fact %s = %q, want %q", k, read.Facts[k], v)
		}
	}
	if d := step(t, rep, smoke.StepDecode); d.Facts["format"] != "s3-event" || d.Facts["sns_envelope"] != "false" {
		t.Errorf("decode facts %v, want a raw S3 event", d.Facts)
	}
	if q := step(t, rep, smoke.StepQueue); q.Facts["approximate_messages"] != "1" {
		t.Errorf("queue facts %v", q.Facts)
	}
	if rep.ExternalID == ExternalID || !strings.HasPrefix(rep.ExternalID, "8d") {
		t.Errorf("external ID shown as %q: must be masked", rep.ExternalID)
	}
	if rep.Failed() || rep.QueueEmpty {
		t.Errorf("Failed=%v QueueEmpty=%v", rep.Failed(), rep.QueueEmpty)
	}
}

// TestRawDeliveryOff: the same path with the SNS envelope passes for a
// generic consumer, and fails NT05 for Expel, whose guide requires raw
// message delivery (step E6).
func TestRawDeliveryOff(t *testing.T) {
	h := New(t, Scenario{Raw: false})
	h.DeliverLog(LogKey)
	rep := run(t, h, conn("generic"), smoke.Options{})
	diff(t, passingCore, rep)
	if d := step(t, rep, smoke.StepDecode); d.Facts["sns_envelope"] != "true" || d.Facts["topic_arn"] != TopicARN {
		t.Errorf("decode facts %v, want the SNS envelope from %s", d.Facts, TopicARN)
	}
	rep = run(t, h, conn("expel"), smoke.Options{})
	want := append([]outcome(nil), passingCore...)
	// The consumer would not parse it, but trailgate does: it still
	// follows the notification, so the rest of the path is proven.
	want[5] = outcome{"decode", "fail", "", "notification-unreadable"}
	diff(t, want, rep)
	if d := step(t, rep, smoke.StepDecode).Detail; !strings.Contains(d, "raw message delivery is required") {
		t.Errorf("decode detail %q", d)
	}
	if h.Visible() != "1" {
		t.Errorf("the message was consumed")
	}
}

func TestWrongExternalID(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	c := conn("expel")
	c.ExternalID = "not-the-vendor-id"
	rep := run(t, h, c, smoke.Options{})
	diff(t, []outcome{
		{"identity", "pass", "", ""},
		{"assume-role", "fail", "AccessDenied", "assume-role-refused"},
		{"external-id-required", "skip", "", ""},
		{"queue", "skip", "", ""},
		{"receive", "skip", "", ""},
		{"decode", "skip", "", ""},
		{"read-object", "skip", "", ""},
	}, rep)
	if d := step(t, rep, smoke.StepAssumeRole).Detail; strings.Contains(d, "not-the-vendor-id") || !strings.Contains(d, "no****id") {
		t.Errorf("assume-role detail %q must show the external ID masked", d)
	}
}

// TestExternalIDNotRequired: a role that can be assumed without the
// external ID is a finding (ID01), even though the path works.
func TestExternalIDNotRequired(t *testing.T) {
	h := New(t, Scenario{Raw: true, Trust: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}`})
	h.DeliverLog(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, coreWith(2, outcome{"external-id-required", "fail", "", "external-id-not-required"}), rep)
}

func TestQueueEmpty(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	start := time.Now()
	rep := run(t, h, conn("expel"), smoke.Options{Timeout: 1500 * time.Millisecond})
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("returned after %s: the receive step must wait for --timeout", waited)
	}
	diff(t, []outcome{
		{"identity", "pass", "", ""},
		{"assume-role", "pass", "", ""},
		{"external-id-required", "pass", "AccessDenied", ""},
		{"queue", "pass", "", ""},
		{"receive", "pass", "", ""},
		{"decode", "skip", "", ""},
		{"read-object", "skip", "", ""},
	}, rep)
	if !rep.QueueEmpty || rep.Failed() || !strings.HasPrefix(step(t, rep, smoke.StepReceive).Detail, "queue empty") {
		t.Errorf("QueueEmpty=%v Failed=%v detail %q", rep.QueueEmpty, rep.Failed(), step(t, rep, smoke.StepReceive).Detail)
	}
}

// TestObjectMissing: a notification that outlived its object (lifecycle
// expiry, a deleting consumer) is NoSuchKey, explained by SQ04.
func TestObjectMissing(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.DeliverLog(LogKey)
	h.Remove(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, coreWith(6, outcome{"read-object", "fail", "NoSuchKey", "object-gone"}), rep)
}

// TestDecryptDenied: the role may read the object but not decrypt it; S3
// answers AccessDenied with KMS's reason, explained by KM01.
func TestDecryptDenied(t *testing.T) {
	h := New(t, Scenario{Raw: true, NoDecrypt: true})
	h.DeliverLog(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, coreWith(6, outcome{"read-object", "fail", "AccessDenied", "denied-by-key"}), rep)
	if d := step(t, rep, smoke.StepReadObject).Detail; !strings.Contains(d, "kms:Decrypt") || !strings.Contains(d, "ConnectorRole") {
		t.Errorf("read-object detail %q should quote the KMS denial", d)
	}
	if h.Visible() != "1" {
		t.Errorf("the message was consumed")
	}
}

// TestObjectMissingWithoutList: without s3:ListBucket, S3 hides a missing
// object behind 403; the step says so.
func TestObjectMissingWithoutList(t *testing.T) {
	h := New(t, Scenario{Raw: true, NoList: true})
	h.DeliverLog(LogKey)
	h.Remove(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, coreWith(6, outcome{"read-object", "fail", "AccessDenied", "object-read-refused"}), rep)
	if d := step(t, rep, smoke.StepReadObject).Detail; !strings.Contains(d, "lacks s3:ListBucket") {
		t.Errorf("read-object detail %q", d)
	}
}

// TestBucketPolicyDeniesReader: an explicit deny in the bucket policy is
// explained by S304.
func TestBucketPolicyDeniesReader(t *testing.T) {
	h := New(t, Scenario{Raw: true, DenyReader: true})
	h.DeliverLog(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, coreWith(6, outcome{"read-object", "fail", "AccessDenied", "denied-by-bucket-policy"}), rep)
}

func TestMalformedMessage(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	_, err := h.SQS.SendMessage(context.Background(), &sqs.SendMessageInput{QueueUrl: aws.String(h.URL), MessageBody: aws.String("hello from a misrouted producer")})
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, h, conn("generic"), smoke.Options{})
	want := coreWith(5, outcome{"decode", "fail", "", "notification-unreadable"})
	want[6] = outcome{"read-object", "skip", "", ""}
	diff(t, want, rep)
}

// TestCloudTrailNotice: a trail's own SNS notice names its object in
// s3ObjectKey; the smoke test follows it like an S3 event.
func TestCloudTrailNotice(t *testing.T) {
	h := New(t, Scenario{Raw: false})
	h.DeliverLog(LogKey)
	// Take the S3 event out, put the trail's notice in.
	ctx := context.Background()
	out, err := h.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(h.URL), WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = h.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(h.URL), ReceiptHandle: out.Messages[0].ReceiptHandle})
	if err != nil {
		t.Fatal(err)
	}
	snsc := sns.NewFromConfig(h.Env.Config(AdminAKID, Region))
	_, err = snsc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(TopicARN), Message: aws.String(`{"s3Bucket":"` + Bucket + `","s3ObjectKey":["` + LogKey + `"]}`)})
	if err != nil {
		t.Fatal(err)
	}
	rep := run(t, h, conn("generic"), smoke.Options{})
	diff(t, passingCore, rep)
	if f := step(t, rep, smoke.StepDecode).Facts["format"]; f != "cloudtrail-sns-notice" {
		t.Errorf("format %q", f)
	}
}

func TestConsume(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.DeliverLog(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{Consume: true})
	diff(t, passingCore, rep)
	if v := h.Visible(); v != "0" {
		t.Errorf("--consume left %s messages, want 0", v)
	}
}

// canaryGone checks that no canary object is left in the Bucket.
func canaryGone(t *testing.T, h *Harness) {
	t.Helper()
	out, err := h.Admin.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(Bucket)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out.Contents {
		if strings.Contains(aws.ToString(o.Key), smoke.CanaryPrefix) {
			t.Errorf("canary left behind: %s", aws.ToString(o.Key))
		}
	}
}

func TestCanary(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.DeliverLog(LogKey)
	rep := run(t, h, conn("expel"), smoke.Options{Canary: true, Now: func() time.Time { return time.Date(2026, 11, 22, 4, 5, 6, 0, time.UTC) }})
	diff(t, append(append([]outcome(nil), passingCore...),
		outcome{"canary-write", "pass", "", ""},
		outcome{"canary-delivered", "pass", "", ""},
		outcome{"canary-read", "pass", "", ""},
		outcome{"canary-cleanup", "pass", "", ""},
	), rep)
	wantKey := "AWSLogs/o-abc123/222222222222/CloudTrail/us-east-1/2026/11/22/trailgate-canary-20261122T040506.000Z.json.gz"
	if o := step(t, rep, smoke.StepCanaryWrite).Facts["object"]; o != "s3://"+Bucket+"/"+wantKey {
		t.Errorf("canary written to %q, want under the log's prefix: %s", o, wantKey)
	}
	if step(t, rep, smoke.StepCanaryDelivered).Facts["latency_ms"] == "" {
		t.Error("no latency measured")
	}
	if k := step(t, rep, smoke.StepCanaryRead).Facts["kind"]; k != "trailgate-canary" {
		t.Errorf("canary read back as %q", k)
	}
	canaryGone(t, h)
	// The log's own message is back; the canary's notification is gone.
	if v := h.Visible(); v != "1" {
		t.Errorf("visible messages after the canary: %s, want 1", v)
	}
}

// TestCanaryCleansUpWhenReadFails: the connector cannot decrypt, so the
// canary's read fails, and the canary is deleted all the same.
func TestCanaryCleansUpWhenReadFails(t *testing.T) {
	h := New(t, Scenario{Raw: true, NoDecrypt: true})
	rep := run(t, h, conn("expel"), smoke.Options{Timeout: 2 * time.Second, Canary: true, CanaryBucket: Bucket, CanaryPrefix: "AWSLogs/"})
	want := []outcome{
		{"identity", "pass", "", ""},
		{"assume-role", "pass", "", ""},
		{"external-id-required", "pass", "AccessDenied", ""},
		{"queue", "pass", "", ""},
		{"receive", "pass", "", ""},
		{"decode", "skip", "", ""},
		{"read-object", "skip", "", ""},
		{"canary-write", "pass", "", ""},
		{"canary-delivered", "pass", "", ""},
		{"canary-read", "fail", "AccessDenied", "denied-by-key"},
		{"canary-cleanup", "pass", "", ""},
	}
	diff(t, want, rep)
	canaryGone(t, h)
}

// TestCanaryCleansUpOnInterrupt: the run is cancelled (Ctrl-C) while it
// waits for the canary's notification; the canary is still deleted.
func TestCanaryCleansUpOnInterrupt(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.DeliverLog(LogKey)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// From now on notifications never reach the queue, and the first poll
	// for the canary's notification is interrupted.
	h.S3.Notify = nil
	cfg := h.Caller.Copy()
	cfg.HTTPClient = &http.Client{Transport: &interrupter{base: http.DefaultTransport, cancel: cancel}}
	rep, err := smoke.Run(ctx, cfg, conn("expel"), smoke.Options{Timeout: 30 * time.Second, Canary: true})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, append(append([]outcome(nil), passingCore...),
		outcome{"canary-write", "pass", "", ""},
		outcome{"canary-delivered", "fail", "Canceled", ""},
		outcome{"canary-read", "fail", "Canceled", ""},
		outcome{"canary-cleanup", "pass", "", ""},
	), rep)
	canaryGone(t, h)
	if v, f := h.Visible(), h.InFlight(); v != "1" || f != "0" {
		t.Errorf("messages after the interrupted canary: %s visible, %s in flight; want the log's 1 visible", v, f)
	}
}

// interrupter cancels the run as the first ReceiveMessage after the canary
// was written leaves, as a user's Ctrl-C would.
type interrupter struct {
	base    http.RoundTripper
	cancel  context.CancelFunc
	written atomic.Bool
}

func (i *interrupter) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPut && strings.Contains(r.URL.Path, smoke.CanaryPrefix) {
		i.written.Store(true)
	}
	if i.written.Load() && r.Header.Get("X-Amz-Target") == "AmazonSQS.ReceiveMessage" {
		i.cancel()
	}
	return i.base.RoundTrip(r)
}

// TestRegionMismatch: the vendor's console says eu-west-1, the queue lives
// in us-east-1; looking it up where the vendor would fails as it fails for
// the vendor (SQ03).
func TestRegionMismatch(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	c := conn("generic")
	c.Region = "eu-west-1"
	rep := run(t, h, c, smoke.Options{})
	want := append([]outcome(nil), passingCore[:3]...)
	want = append(want, outcome{"queue", "fail", "AWS.SimpleQueueService.NonExistentQueue", "queue-not-found"},
		outcome{"receive", "skip", "", ""}, outcome{"decode", "skip", "", ""}, outcome{"read-object", "skip", "", ""})
	diff(t, want, rep)
	if d := step(t, rep, smoke.StepQueue).Detail; !strings.Contains(d, "the queue ARN says us-east-1") {
		t.Errorf("queue detail %q", d)
	}
}

// TestGuardDutyExport: a GuardDuty findings export is read and counted; a
// connector set up for CloudTrail only is told what this queue carries.
func TestGuardDutyExport(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.Deliver("AWSLogs/222222222222/GuardDuty/us-east-1/2026/11/22/f1.jsonl.gz", GuardDutyFile())
	rep := run(t, h, conn("expel"), smoke.Options{})
	diff(t, passingCore, rep)
	read := step(t, rep, smoke.StepReadObject)
	if read.Facts["kind"] != "guardduty" || read.Facts["records"] != "1" || read.Facts["newest_event"] != "2026-11-22T04:10:00Z" {
		t.Errorf("read-object facts %v", read.Facts)
	}
	if !strings.Contains(read.Detail, "this queue carries guardduty") {
		t.Errorf("read-object detail %q should note the source mismatch", read.Detail)
	}
}
