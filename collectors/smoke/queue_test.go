package smoke_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trailgate/trailgate/collectors/smoke"
	. "github.com/trailgate/trailgate/collectors/smoke/smoketest"
)

// twelveHours is the longest visibility timeout SQS allows: a message the
// smoke test hid with it would be kept from the connector that long.
const twelveHours = "43200"

// denyChangeVisibility refuses sqs:ChangeMessageVisibility as SQS does for
// a role whose policy lacks it (AccessDenied, HTTP 400 in the JSON
// protocol), and counts the calls.
type denyChangeVisibility struct {
	base  http.RoundTripper
	calls atomic.Int32
}

func (d *denyChangeVisibility) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("X-Amz-Target") != "AmazonSQS.ChangeMessageVisibility" {
		return d.base.RoundTrip(r)
	}
	d.calls.Add(1)
	body := `{"__type":"com.amazonaws.sqs#AccessDenied","message":"User is not authorized to perform: sqs:ChangeMessageVisibility"}`
	return &http.Response{StatusCode: 400, Status: "400 Bad Request", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:  http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amzn-Query-Error": {"AccessDenied;Sender"}},
		Body:    io.NopCloser(strings.NewReader(body)),
		Request: r}, nil
}

// TestReceiveNeverHidesTheMessage: a queue with the longest visibility
// timeout, and a role that may not call sqs:ChangeMessageVisibility. The
// smoke test receives with VisibilityTimeout 0, so immediately after the
// run another reader sees as many messages as before; it once received
// with the queue's timeout and relied on ChangeMessageVisibility, which
// left the message hidden from the connector for 12 hours.
func TestReceiveNeverHidesTheMessage(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.SetQueueAttributes(map[string]string{"VisibilityTimeout": twelveHours})
	h.DeliverLog(LogKey)
	before := h.Visible()
	cfg := h.Caller.Copy()
	deny := &denyChangeVisibility{base: http.DefaultTransport}
	cfg.HTTPClient = &http.Client{Transport: deny}
	rep, err := smoke.Run(context.Background(), cfg, conn("expel"), smoke.Options{Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	diff(t, passingCore, rep)
	if after, hidden := h.Visible(), h.InFlight(); before != "1" || after != before || hidden != "0" {
		t.Errorf("visible to another reader: %s before, %s after (%s hidden); want 1, 1, 0", before, after, hidden)
	}
	if n := deny.calls.Load(); n != 0 {
		t.Errorf("%d sqs:ChangeMessageVisibility calls: a receive with VisibilityTimeout 0 needs none", n)
	}
}

// TestConsumeReleasesOnInterrupt: under --consume the message is hidden
// while it is read; Ctrl-C during the read hands it back at once (the
// release gets its own context, as the canary's cleanup does).
func TestConsumeReleasesOnInterrupt(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.SetQueueAttributes(map[string]string{"VisibilityTimeout": twelveHours})
	h.DeliverLog(LogKey)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := h.Caller.Copy()
	cfg.HTTPClient = &http.Client{Transport: cancelOn{base: http.DefaultTransport, cancel: cancel, method: http.MethodGet, path: "/CloudTrail/"}}
	rep, err := smoke.Run(ctx, cfg, conn("expel"), smoke.Options{Timeout: 3 * time.Second, Consume: true})
	if err != nil {
		t.Fatal(err)
	}
	if s := step(t, rep, smoke.StepReadObject); s.Status != smoke.Fail || s.ErrorCode != "Canceled" {
		t.Errorf("read-object %s %s, want interrupted", s.Status, s.ErrorCode)
	}
	if v, f := h.Visible(), h.InFlight(); v != "1" || f != "0" {
		t.Errorf("after an interrupted --consume: %s visible, %s hidden; want the message visible again", v, f)
	}
}

// cancelOn cancels the run as a request matching method and path leaves.
type cancelOn struct {
	base         http.RoundTripper
	cancel       context.CancelFunc
	method, path string
}

func (c cancelOn) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == c.method && strings.Contains(r.URL.Path, c.path) {
		c.cancel()
	}
	return c.base.RoundTrip(r)
}

// TestLowMaxReceiveCount: the smoke test's receive counts toward the
// queue's maxReceiveCount. With 1 it would send the message to the
// dead-letter queue on the connector's next receive, so the smoke test
// does not receive; with 3 it warns (before receiving, and in the report).
func TestLowMaxReceiveCount(t *testing.T) {
	for _, tc := range []struct {
		max     string
		receive string
	}{
		{"1", "skip"},
		{"3", "pass"},
	} {
		t.Run("maxReceiveCount="+tc.max, func(t *testing.T) {
			h := New(t, Scenario{Raw: true})
			if _, err := h.SQS.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("dlq")}); err != nil {
				t.Fatal(err)
			}
			h.SetQueueAttributes(map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"` + tc.max + `"}`})
			h.DeliverLog(LogKey)
			// Warned before receiving: no ReceiveMessage had left when the
			// warning was told.
			receives := &countTarget{base: http.DefaultTransport, target: "AmazonSQS.ReceiveMessage"}
			cfg := h.Caller.Copy()
			cfg.HTTPClient = &http.Client{Transport: receives}
			var warned []string
			rep, err := smoke.Run(context.Background(), cfg, conn("expel"), smoke.Options{Timeout: 3 * time.Second, Warn: func(s string) {
				if receives.n.Load() == 0 {
					warned = append(warned, s)
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			if s := step(t, rep, smoke.StepReceive); string(s.Status) != tc.receive {
				t.Errorf("receive %s, want %s (%s)", s.Status, tc.receive, s.Detail)
			}
			if len(warned) != 1 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0], "dead-letter queue after "+tc.max+" receive") {
				t.Errorf("warnings %q (told %q), want one about maxReceiveCount %s", rep.Warnings, warned, tc.max)
			}
			if v := h.Visible(); v != "1" {
				t.Errorf("%s messages visible after the run, want the log's 1 still in the queue", v)
			}
		})
	}
}

// countTarget counts the requests of one JSON-protocol operation.
type countTarget struct {
	base   http.RoundTripper
	target string
	n      atomic.Int32
}

func (c *countTarget) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Header.Get("X-Amz-Target") == c.target {
		c.n.Add(1)
	}
	return c.base.RoundTrip(r)
}

// TestCanaryDoesNotHideOtherMessages: while the canary's notification is
// awaited, the other messages the wait receives stay visible to the
// connector; they were once held, hidden, for the whole wait.
func TestCanaryDoesNotHideOtherMessages(t *testing.T) {
	h := New(t, Scenario{Raw: true})
	h.SetQueueAttributes(map[string]string{"VisibilityTimeout": twelveHours})
	h.DeliverLog(LogKey)
	h.S3.Notify = nil // the canary's notification never arrives
	cfg := h.Caller.Copy()
	watch := &countTarget{base: http.DefaultTransport, target: "AmazonSQS.ReceiveMessage"}
	cfg.HTTPClient = &http.Client{Transport: watch}
	done := make(chan smoke.Report)
	go func() {
		rep, _ := smoke.Run(context.Background(), cfg, conn("expel"), smoke.Options{Timeout: 3 * time.Second, Canary: true})
		done <- rep
	}()
	// The receive step is one ReceiveMessage; the wait for the canary
	// makes the next ones.
	for watch.n.Load() < 3 {
		time.Sleep(10 * time.Millisecond)
	}
	if v, f := h.Visible(), h.InFlight(); v != "1" || f != "0" {
		t.Errorf("during the canary's wait: %s visible, %s hidden; want the log's message visible", v, f)
	}
	rep := <-done
	if s := step(t, rep, smoke.StepCanaryDelivered); s.Status != smoke.Fail || s.Facts["other_messages_seen"] != "1" {
		t.Errorf("canary-delivered %s, facts %v", s.Status, s.Facts)
	}
	canaryGone(t, h)
}
