package smoke

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// CanaryPrefix starts every canary object's name.
const CanaryPrefix = "trailgate-canary-"

// cleanupTimeout bounds the canary's cleanup, which runs even after the
// run's context is cancelled (an interrupt).
const cleanupTimeout = 30 * time.Second

// CanaryKey names a canary object written at t under prefix.
func CanaryKey(prefix string, t time.Time) string {
	return prefix + CanaryPrefix + t.UTC().Format("20060102T150405.000Z") + ".json.gz"
}

// canaryBody is a gzip'd CloudTrail-shaped file with no records, so that a
// consumer that ingests it before trailgate removes it records nothing.
func canaryBody(t time.Time) []byte {
	doc, _ := json.Marshal(map[string]any{
		"Records":         []any{},
		"trailgateCanary": "trailgate smoke test object, written " + t.UTC().Format(time.RFC3339) + "; safe to ignore, removed after the test",
	})
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(doc)
	zw.Close()
	return b.Bytes()
}

// canary writes one object as the caller, waits for its notification on
// the queue, reads it as the connector, and always deletes it: the cleanup
// is deferred, so it also runs when a step fails or the context is
// cancelled.
func (r *runner) canary(ctx context.Context) {
	bucket, prefix := r.opts.CanaryBucket, r.opts.CanaryPrefix
	if bucket == "" && r.notice != nil && len(r.notice.Objects) > 0 {
		obj := r.notice.Objects[0]
		bucket = obj.Bucket
		if prefix == "" {
			if dir := path.Dir(obj.Key); dir != "." {
				prefix = dir + "/"
			}
		}
	}
	steps := []string{StepCanaryWrite, StepCanaryDelivered, StepCanaryRead, StepCanaryCleanup}
	switch {
	case !r.passed(StepIdentity):
		r.skipAll(steps, "no caller identity")
		return
	case bucket == "":
		r.skipAll(steps, "no bucket known to write the canary to: no notification named one; give --canary-bucket (and --canary-prefix)")
		return
	}
	now := r.opts.Now()
	key := CanaryKey(prefix, now)
	where := "s3://" + bucket + "/" + key
	writer := newS3(r.cfg, cmp.Or(r.noticeRegion(), r.conn.Region, r.cfg.Region))
	var versionID string
	written := false

	defer func() {
		// Cleanup must outlive an interrupt: it gets its own deadline, not
		// the run's (possibly cancelled) context.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		r.step(StepCanaryCleanup, func(s *Step) { r.cleanup(cctx, s, writer, bucket, key, versionID, written) })
	}()

	var putDone time.Time
	r.step(StepCanaryWrite, func(s *Step) {
		written = true // a put whose answer is lost may still have stored it
		out, err := writer.PutObject(ctx, &s3.PutObjectInput{
			Bucket:      aws.String(bucket),
			Key:         aws.String(key),
			Body:        bytes.NewReader(canaryBody(now)),
			ContentType: aws.String("application/json"),
		})
		putDone = time.Now()
		if err != nil {
			// The canary is written by the caller, not by the pipeline's
			// writer (CloudTrail, GuardDuty): a refusal here says nothing
			// about the pipeline, so no rule explains it.
			s.fail(err, "", "s3:PutObject "+where+" as the caller "+r.callerARN)
			return
		}
		versionID = aws.ToString(out.VersionId)
		s.fact("object", where)
		if versionID != "" {
			s.fact("version_id", versionID)
		}
		s.Detail = "wrote " + where + " as " + r.callerARN
	})
	if !r.passed(StepCanaryWrite) {
		r.skip(StepCanaryDelivered, "the canary was not written")
		r.skip(StepCanaryRead, "the canary was not written")
		return
	}
	if r.sqs == nil || r.queueURL == "" {
		r.skip(StepCanaryDelivered, "no queue to watch")
	} else {
		r.step(StepCanaryDelivered, func(s *Step) { r.awaitCanary(ctx, s, bucket, key, putDone) })
	}
	if r.connCfg == nil {
		r.skip(StepCanaryRead, "no connector session")
		return
	}
	r.step(StepCanaryRead, func(s *Step) {
		sum, err := r.read(ctx, s, ObjectRef{Bucket: bucket, Key: key}, cmp.Or(r.noticeRegion(), r.conn.Region, r.cfg.Region))
		if err == nil && sum.Kind != LogCanary {
			s.Status = Fail
			s.Detail = where + " read back, but it is not the canary that was written"
		}
	})
}

func (r *runner) noticeRegion() string {
	if r.notice == nil {
		return ""
	}
	return r.notice.Region
}

func (r *runner) skipAll(names []string, why string) {
	for _, n := range names {
		r.skip(n, why)
	}
}

// awaitCanary polls the queue until the canary's notification arrives.
// Every receive asks for visibility timeout 0, so other messages are never
// hidden from the connector while the canary is awaited (holding them, as
// this once did, kept a backlog from the connector for the whole wait).
// Each receive still counts toward a message's receive count, so when a
// poll brings back only messages already seen the next one waits a moment
// rather than receiving them again at once. The canary's own notification
// is deleted, since the object it names is about to be.
func (r *runner) awaitCanary(ctx context.Context, s *Step, bucket, key string, putDone time.Time) {
	seen := map[string]bool{}
	defer func() {
		if len(seen) > 0 {
			s.fact("other_messages_seen", strconv.Itoa(len(seen)))
		}
	}()
	deadline := time.Now().Add(r.opts.Timeout)
	for {
		out, err := r.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(r.queueURL),
			MaxNumberOfMessages:         10,
			WaitTimeSeconds:             waitSeconds(time.Until(deadline)),
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameSentTimestamp},
		}, zeroVisibility)
		if err != nil {
			s.fail(err, QueueCallRefused, "sqs:ReceiveMessage while waiting for the canary's notification")
			return
		}
		fresh := false
		for _, m := range out.Messages {
			n, err := Decode(aws.ToString(m.Body))
			if err != nil || !names(n, bucket, key) {
				id := aws.ToString(m.MessageId)
				fresh = fresh || !seen[id]
				seen[id] = true
				continue
			}
			latency := time.Since(putDone)
			s.fact("latency_ms", strconv.FormatInt(latency.Milliseconds(), 10))
			s.fact("format", string(n.Format))
			s.fact("sns_envelope", strconv.FormatBool(n.Envelope))
			s.Detail = fmt.Sprintf("notification arrived %s after the write (%s", latency.Round(time.Millisecond), describeFormat(n.Format))
			if n.Envelope {
				s.Detail += ", SNS envelope)"
			} else {
				s.Detail += ", raw)"
			}
			if _, err := r.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.queueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				s.fail(err, QueueCallRefused, "the canary's notification arrived after "+latency.Round(time.Millisecond).String()+", but sqs:DeleteMessage failed: the connector cannot delete what it has processed")
			}
			return
		}
		if len(out.Messages) > 0 && !fresh {
			// Only messages already seen: the canary's notification is not
			// among those SQS hands out yet.
			t := time.NewTimer(min(canaryRepoll, max(0, time.Until(deadline))))
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
		if ctx.Err() != nil {
			s.fail(ctx.Err(), "", "interrupted while waiting for the canary's notification")
			return
		}
		if !time.Now().Before(deadline) {
			s.Status, s.Symptom = Fail, CanaryUndelivered
			s.Detail = fmt.Sprintf("no notification for the canary reached the queue within %s: check the bucket's notification configuration and key filter, the topic and queue policies and their keys (trailgate check judges each); a consumer polling the same queue may also have taken it", r.opts.Timeout)
			return
		}
	}
}

// canaryRepoll is the pause before polling again when a poll brought back
// only messages already seen.
const canaryRepoll = time.Second

// names reports whether n is about the object bucket/key.
func names(n *Notification, bucket, key string) bool {
	for _, o := range n.Objects {
		if o.Bucket == bucket && o.Key == key {
			return true
		}
	}
	return false
}

// cleanup deletes the canary as the caller who wrote it and checks that it
// is gone. In a versioned bucket a plain delete would only hide the object
// behind a delete marker, so the version written is deleted instead.
func (r *runner) cleanup(ctx context.Context, s *Step, client *s3.Client, bucket, key, versionID string, written bool) {
	where := "s3://" + bucket + "/" + key
	if !written {
		s.Status = Skip
		s.Detail = "nothing was written"
		return
	}
	in := &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}
	if versionID != "" {
		in.VersionId = aws.String(versionID)
	}
	if _, err := client.DeleteObject(ctx, in); err != nil {
		s.fail(err, "", "s3:DeleteObject "+where+": THE CANARY WAS LEFT BEHIND; delete it by hand")
		return
	}
	_, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	switch code := errorCode(err); {
	case err == nil:
		s.Status = Fail
		s.Detail = where + " is still there after s3:DeleteObject: delete it by hand"
	case code == "NotFound" || code == "NoSuchKey":
		s.Detail = "deleted " + where
		if versionID != "" {
			s.Detail += " (version " + versionID + ")"
		}
	default:
		var msg string
		if !errors.Is(err, context.Canceled) {
			msg = errorMessage(err)
		}
		s.Detail = "deleted " + where + " (could not confirm: " + strings.TrimSpace(code+" "+msg) + ")"
	}
}
