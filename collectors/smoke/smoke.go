package smoke

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/trailgate/trailgate/collectors/connector"
)

// DefaultTimeout is how long the receive step (and the canary) wait for a
// message when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Options tune a smoke run.
type Options struct {
	// Timeout bounds the wait for a message in the receive step, and for
	// the canary's notification. Zero means DefaultTimeout.
	Timeout time.Duration
	// Canary writes one test object, waits for its notification, reads it
	// as the connector and deletes it.
	Canary bool
	// Consume deletes the message that was read, once it has been read
	// successfully, as the connector itself would. Off by default: the
	// smoke test then leaves the queue exactly as it found it.
	Consume bool
	// CanaryBucket and CanaryPrefix say where the canary is written. Empty:
	// the bucket and "directory" of the log object the received
	// notification named, so that the notification's prefix filter matches.
	CanaryBucket, CanaryPrefix string
	// SessionName is the connector session's name (default
	// "trailgate-smoke"), visible in the account's CloudTrail.
	SessionName string
	// Now is the clock used to name the canary; nil means time.Now.
	Now func() time.Time
	// Warn, when set, is told each warning as it arises, before the step
	// it concerns runs (the report lists them too).
	Warn func(string)
}

// consumeVisibility is how long --consume hides the message it reads: long
// enough to read one log object, short enough that a run that dies midway
// hands the message back soon.
const consumeVisibility = 120

// Run performs the smoke test of conn, calling AWS with cfg (the caller's
// credentials, which must be allowed to assume the connector role). It
// returns an error only for a connector it cannot test at all (a role or
// queue that is not an ARN); every AWS failure is a step of the Report.
func Run(ctx context.Context, cfg aws.Config, conn *connector.Connector, opts Options) (Report, error) {
	if conn == nil {
		return Report{}, errors.New("smoke: no connector")
	}
	role, err := arn.Parse(conn.Role)
	if err != nil || role.Service != "iam" || !strings.HasPrefix(role.Resource, "role/") {
		return Report{}, fmt.Errorf("%s: role: the smoke test needs the role's ARN (arn:aws:iam::ACCOUNT:role/NAME); got %q", conn.File, conn.Role)
	}
	var queue arn.ARN
	if conn.Queue != "" {
		queue, err = arn.Parse(conn.Queue)
		if err != nil || queue.Service != "sqs" || queue.Region == "" || queue.AccountID == "" || strings.Contains(queue.Resource, ":") {
			return Report{}, fmt.Errorf("%s: queue: must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); got %q", conn.File, conn.Queue)
		}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.SessionName == "" {
		opts.SessionName = "trailgate-smoke"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cfg = cfg.Copy()
	if cfg.Region == "" {
		cfg.Region = cmp.Or(conn.Region, queue.Region, "us-east-1")
	}
	r := &runner{
		cfg: cfg, conn: conn, opts: opts, queue: queue,
		report: &Report{Echo: Echo{Profile: conn.Profile, Role: conn.Role, Queue: conn.Queue, ExternalID: conn.MaskedExternalID()}},
	}
	for _, w := range otherReaders(conn) {
		r.warn(w)
	}
	r.identity(ctx)
	r.assumeRole(ctx)
	r.externalIDControl(ctx)
	r.queueStep(ctx)
	r.receive(ctx)
	r.decode()
	r.readObject(ctx)
	r.settleMessage(ctx)
	if opts.Canary {
		r.canary(ctx)
	}
	return *r.report, nil
}

// runner carries what one step learns to the next.
type runner struct {
	cfg    aws.Config
	conn   *connector.Connector
	opts   Options
	queue  arn.ARN
	report *Report

	callerARN string
	// connCfg holds the connector session's credentials once assumed.
	connCfg  *aws.Config
	sqs      *sqs.Client
	queueURL string
	// redrive is the queue's RedrivePolicy attribute.
	redrive string
	message *sqstypes.Message
	notice  *Notification
	readOK  bool
}

// step runs fn as the named step and records it with its duration.
func (r *runner) step(name string, fn func(s *Step)) {
	s := Step{Name: name, Status: Pass}
	start := time.Now()
	fn(&s)
	s.Duration = time.Since(start)
	if len(s.Facts) == 0 {
		s.Facts = nil
	}
	r.report.Steps = append(r.report.Steps, s)
}

func (r *runner) skip(name, why string) {
	r.report.Steps = append(r.report.Steps, Step{Name: name, Status: Skip, Detail: why})
}

// lacks skips a step that lacks what it reads (have is false): because the
// queue was empty, or else for why. It reports whether it skipped.
func (r *runner) lacks(name string, have bool, why string) bool {
	if have {
		return false
	}
	if r.report.QueueEmpty {
		why = "queue empty"
	}
	r.skip(name, why)
	return true
}

func (r *runner) passed(name string) bool {
	s := r.report.Step(name)
	return s != nil && s.Status == Pass
}

// fail records an AWS error: its code, the symptom (denials are read from
// their message, see symptomOfDenial) and AWS's message.
func (s *Step) fail(err error, symptom Symptom, what string) {
	s.Status = Fail
	s.ErrorCode = errorCode(err)
	var ae smithy.APIError
	switch {
	case !errors.As(err, &ae):
		// Not AWS's answer (an interrupt, a timeout, a network failure):
		// nothing in the pipeline explains it.
		s.Symptom = ""
		if s.ErrorCode == "Canceled" {
			s.Detail = what + ": interrupted"
			return
		}
	case symptom == "":
		// A call outside the pipeline (the caller's own): no symptom of
		// it, whatever denied it.
	case isAccessDenied(s.ErrorCode):
		s.Symptom = symptomOfDenial(errorMessage(err), symptom)
	default:
		s.Symptom = symptom
	}
	s.Detail = what + ": " + errorMessage(err)
}

func (s *Step) fact(k, v string) {
	if s.Facts == nil {
		s.Facts = map[string]string{}
	}
	s.Facts[k] = v
}

func (r *runner) identity(ctx context.Context) {
	r.step(StepIdentity, func(s *Step) {
		out, err := sts.NewFromConfig(r.cfg, stsRetry).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			s.fail(err, "", "sts:GetCallerIdentity with the caller's credentials")
			return
		}
		r.callerARN = aws.ToString(out.Arn)
		s.fact("account", aws.ToString(out.Account))
		s.fact("arn", r.callerARN)
		s.Detail = "caller " + r.callerARN
	})
}

func (r *runner) assumeInput(withExternalID bool) *sts.AssumeRoleInput {
	in := &sts.AssumeRoleInput{
		RoleArn:         aws.String(r.conn.Role),
		RoleSessionName: aws.String(r.opts.SessionName),
		// The shortest session AWS allows: the smoke test needs minutes.
		DurationSeconds: aws.Int32(900),
	}
	if withExternalID && r.conn.ExternalID != "" {
		in.ExternalId = aws.String(r.conn.ExternalID)
	}
	return in
}

func (r *runner) assumeRole(ctx context.Context) {
	if !r.passed(StepIdentity) {
		r.skip(StepAssumeRole, "no caller identity")
		return
	}
	r.step(StepAssumeRole, func(s *Step) {
		client := sts.NewFromConfig(r.cfg, stsRetry)
		out, err := client.AssumeRole(ctx, r.assumeInput(true))
		if err != nil {
			with := "without an external ID (the connector file sets none)"
			if r.conn.ExternalID != "" {
				with = "with external ID " + r.conn.MaskedExternalID()
			}
			s.fail(err, AssumeRoleRefused, "sts:AssumeRole "+with)
			return
		}
		first := aws.Credentials{
			AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
			SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
			SessionToken:    aws.ToString(out.Credentials.SessionToken),
			Source:          "trailgate smoke: connector session",
		}
		if out.Credentials.Expiration != nil {
			first.CanExpire, first.Expires = true, *out.Credentials.Expiration
		}
		connCfg := r.cfg.Copy()
		connCfg.Credentials = aws.NewCredentialsCache(&sessionProvider{next: &first, renew: func(ctx context.Context) (aws.Credentials, error) {
			out, err := client.AssumeRole(ctx, r.assumeInput(true))
			if err != nil {
				return aws.Credentials{}, err
			}
			return credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId),
				aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken)).Retrieve(ctx)
		}})
		r.connCfg = &connCfg
		session := aws.ToString(out.AssumedRoleUser.Arn)
		s.fact("session_arn", session)
		s.Detail = "session " + session
		if r.conn.ExternalID != "" {
			s.Detail += " (external ID " + r.conn.MaskedExternalID() + ")"
		}
	})
}

// sessionProvider hands out the session the assume-role step obtained, then
// renews it by assuming the role again when the cache finds it expired, so
// that a long --timeout outlives the 15-minute session.
type sessionProvider struct {
	next  *aws.Credentials
	renew func(context.Context) (aws.Credentials, error)
}

func (p *sessionProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	if p.next != nil && !p.next.Expired() {
		c := *p.next
		p.next = nil
		return c, nil
	}
	return p.renew(ctx)
}

// externalIDControl is the negative control: the role must refuse the same
// caller without the external ID, or the external ID protects nothing
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
func (r *runner) externalIDControl(ctx context.Context) {
	switch {
	case r.conn.ExternalID == "":
		r.skip(StepExternalID, "the connector file sets no external_id")
		return
	case !r.passed(StepAssumeRole):
		r.skip(StepExternalID, "the role could not be assumed even with the external ID")
		return
	}
	r.step(StepExternalID, func(s *Step) {
		_, err := sts.NewFromConfig(r.cfg, stsRetry).AssumeRole(ctx, r.assumeInput(false))
		if err == nil {
			s.Status = Fail
			s.Symptom = ExternalIDNotRequired
			s.Detail = "the role can be assumed WITHOUT the external ID: its trust policy does not require sts:ExternalId, so any caller it trusts can act as this connector"
			return
		}
		code := errorCode(err)
		if !isAccessDenied(code) {
			s.fail(err, "", "sts:AssumeRole without the external ID failed for a reason other than a refusal, so the control is inconclusive")
			return
		}
		s.ErrorCode = code
		s.Detail = "refused without the external ID (" + code + "), as it must be"
	})
}

func (r *runner) queueStep(ctx context.Context) {
	switch {
	case r.conn.Queue == "":
		r.skip(StepQueue, "the connector file names no queue")
		return
	case r.connCfg == nil:
		r.skip(StepQueue, "no connector session")
		return
	}
	// The vendor looks the queue up in the region entered in its console;
	// doing the same shows a region mismatch the way the vendor meets it.
	region := cmp.Or(r.conn.Region, r.queue.Region)
	r.sqs = sqs.NewFromConfig(*r.connCfg, sqsRetry, func(o *sqs.Options) { o.Region = region })
	r.step(StepQueue, func(s *Step) {
		s.fact("region", region)
		u, err := r.sqs.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{
			QueueName:              aws.String(r.queue.Resource),
			QueueOwnerAWSAccountId: aws.String(r.queue.AccountID),
		})
		if err != nil {
			what := "sqs:GetQueueUrl in " + region
			if region != r.queue.Region {
				what += fmt.Sprintf(" (the connector's region; the queue ARN says %s)", r.queue.Region)
			}
			s.fail(err, QueueCallRefused, what)
			if code := s.ErrorCode; code == "AWS.SimpleQueueService.NonExistentQueue" || code == "QueueDoesNotExist" {
				s.Symptom = QueueNotFound
			}
			return
		}
		r.queueURL = aws.ToString(u.QueueUrl)
		s.fact("url", r.queueURL)
		a, err := r.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl:       u.QueueUrl,
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
		})
		if err != nil {
			s.fail(err, QueueCallRefused, "sqs:GetQueueAttributes")
			return
		}
		at := a.Attributes
		r.redrive = at["RedrivePolicy"]
		for k, fact := range map[string]string{
			"ApproximateNumberOfMessages":           "approximate_messages",
			"ApproximateNumberOfMessagesNotVisible": "approximate_in_flight",
			"ApproximateNumberOfMessagesDelayed":    "approximate_delayed",
			"VisibilityTimeout":                     "visibility_timeout_seconds",
			"MessageRetentionPeriod":                "retention_seconds",
			"KmsMasterKeyId":                        "kms_master_key_id",
			"SqsManagedSseEnabled":                  "sqs_managed_sse",
			"RedrivePolicy":                         "redrive_policy",
			"QueueArn":                              "arn",
		} {
			if v, ok := at[k]; ok && v != "" {
				s.fact(fact, v)
			}
		}
		enc := "no encryption"
		switch {
		case at["KmsMasterKeyId"] != "":
			enc = "SSE-KMS " + at["KmsMasterKeyId"]
		case at["SqsManagedSseEnabled"] == "true":
			enc = "SSE-SQS"
		}
		s.Detail = fmt.Sprintf("%s in %s: %s messages (%s in flight), visibility %ss, retention %s, %s",
			r.queue.Resource, region, cmp.Or(at["ApproximateNumberOfMessages"], "?"), cmp.Or(at["ApproximateNumberOfMessagesNotVisible"], "?"),
			cmp.Or(at["VisibilityTimeout"], "?"), seconds(at["MessageRetentionPeriod"]), enc)
		if got := at["QueueArn"]; got != "" && got != r.conn.Queue {
			s.Detail += "; note: the queue's ARN is " + got
		}
	})
}

func (r *runner) receive(ctx context.Context) {
	if !r.passed(StepQueue) {
		r.skip(StepReceive, "no queue")
		return
	}
	if n, ok := maxReceiveCount(r.redrive); ok && n <= lowMaxReceiveCount {
		if n <= 1 && !r.opts.Consume {
			// The connector's next receive of the message the smoke test
			// saw would be its second: straight to the dead-letter queue.
			r.warn(fmt.Sprintf("the queue's redrive policy moves a message to the dead-letter queue after %d receive: the smoke test's receive would send the next message there before the connector reads it; not receiving (use --consume to read and delete one as the connector would)", n))
			r.skip(StepReceive, fmt.Sprintf("maxReceiveCount %d: a receive by the smoke test would move the message to the dead-letter queue", n))
			return
		}
		r.warn(fmt.Sprintf("the queue's redrive policy moves a message to the dead-letter queue after %d receives; the smoke test's receive counts as one, so a message it sees reaches the dead-letter queue after %d failed deliveries to the connector instead of %d", n, n-1, n))
	}
	r.step(StepReceive, func(s *Step) {
		deadline := time.Now().Add(r.opts.Timeout)
		for {
			in := &sqs.ReceiveMessageInput{
				QueueUrl:                    aws.String(r.queueURL),
				MaxNumberOfMessages:         1,
				WaitTimeSeconds:             waitSeconds(time.Until(deadline)),
				MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
			}
			var opt []func(*sqs.Options)
			if r.opts.Consume {
				// Hidden while it is read, then deleted (settleMessage).
				in.VisibilityTimeout = consumeVisibility
			} else {
				opt = append(opt, zeroVisibility)
			}
			out, err := r.sqs.ReceiveMessage(ctx, in, opt...)
			if err != nil {
				s.fail(err, QueueCallRefused, "sqs:ReceiveMessage")
				if strings.HasPrefix(s.ErrorCode, "KMS.") {
					// The queue's CMK does not let the consumer decrypt.
					s.Symptom = QueueKeyRefused
				}
				return
			}
			if len(out.Messages) > 0 {
				r.message = &out.Messages[0]
				break
			}
			if !time.Now().Before(deadline) {
				r.report.QueueEmpty = true
				s.fact("queue_empty", "true")
				s.Detail = fmt.Sprintf("queue empty: no message within %s (sqs:ReceiveMessage is allowed; nothing to follow)", r.opts.Timeout)
				return
			}
		}
		m := r.message
		s.fact("message_id", aws.ToString(m.MessageId))
		if v := m.Attributes["ApproximateReceiveCount"]; v != "" {
			s.fact("approximate_receive_count", v)
		}
		if ms, err := strconv.ParseInt(m.Attributes["SentTimestamp"], 10, 64); err == nil {
			sent := time.UnixMilli(ms).UTC()
			s.fact("sent", sent.Format(time.RFC3339))
		}
		s.Detail = "received message " + aws.ToString(m.MessageId)
		if r.opts.Consume {
			s.Detail += fmt.Sprintf(" (hidden for %ds while read, then deleted: --consume)", consumeVisibility)
			return
		}
		s.Detail += " with visibility timeout 0: never hidden from the connector"
	})
}

// otherReaders says which readers the connector file names besides role
// (queue_role, object_role): the smoke test acts as role alone, so what it
// proves of the queue or the objects is what role can do, not what those
// principals can (a Lambda execution role, for one, trusts only
// lambda.amazonaws.com and cannot be assumed to test it). check judges
// them; the report must not let a pass read as theirs.
func otherReaders(conn *connector.Connector) []string {
	var out []string
	for _, o := range []struct{ field, arn, reads string }{
		{"queue_role", conn.QueueRole, "receives from the queue"},
		{"object_role", conn.ObjectRole, "reads and decrypts the log objects"},
	} {
		if o.arn != "" && o.arn != conn.Role {
			out = append(out, fmt.Sprintf("the connector file's %s %s %s, but the smoke test acts only as role %s: its steps prove what %s can do there, not %s (trailgate check judges %s)",
				o.field, o.arn, o.reads, conn.Role, conn.Role, o.arn, o.field))
		}
	}
	return out
}

func (r *runner) warn(msg string) {
	r.report.Warnings = append(r.report.Warnings, msg)
	if r.opts.Warn != nil {
		r.opts.Warn(msg)
	}
}

// release makes a message visible again at once. It runs even after an
// interrupt: it gets its own deadline, not the run's (possibly cancelled)
// context, or a Ctrl-C would leave the message hidden.
func (r *runner) release(ctx context.Context, m *sqstypes.Message) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	_, err := r.sqs.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
		QueueUrl:          aws.String(r.queueURL),
		ReceiptHandle:     m.ReceiptHandle,
		VisibilityTimeout: 0,
	})
	return err
}

func (r *runner) decode() {
	if r.lacks(StepDecode, r.message != nil, "no message") {
		return
	}
	r.step(StepDecode, func(s *Step) {
		n, err := Decode(aws.ToString(r.message.Body))
		if err != nil {
			s.Status, s.Symptom = Fail, NotificationUnreadable
			if de, ok := err.(*DecodeError); ok && de.Unconfirmed {
				s.Symptom = SubscriptionUnconfirmed
			}
			s.Detail = "the message is not a log notification the consumer can parse: " + err.Error()
			return
		}
		r.notice = n
		s.fact("format", string(n.Format))
		s.fact("sns_envelope", strconv.FormatBool(n.Envelope))
		if n.TopicARN != "" {
			s.fact("topic_arn", n.TopicARN)
		}
		s.fact("objects", strconv.Itoa(len(n.Objects)))
		how := "raw (no SNS envelope)"
		if n.Envelope {
			how = "in an SNS envelope from " + n.TopicARN
		}
		s.Detail = describeFormat(n.Format) + ", " + how
		if len(n.Objects) > 0 {
			s.Detail += ": s3://" + n.Objects[0].Bucket + "/" + n.Objects[0].Key
			if len(n.Objects) > 1 {
				s.Detail += fmt.Sprintf(" and %d more", len(n.Objects)-1)
			}
		}
		if m := Mismatch(r.conn.Profile, n); m != "" {
			s.Status, s.Symptom = Fail, NotificationUnreadable
			s.Detail = m + " (" + s.Detail + ")"
		}
	})
}

func describeFormat(f Format) string {
	switch f {
	case FormatS3Event:
		return "S3 event notification"
	case FormatS3TestEvent:
		return "S3 test event (sent when the notification was configured; names no object)"
	case FormatCloudTrailNotice:
		return "CloudTrail trail notice (s3Bucket/s3ObjectKey)"
	case FormatEventBridge:
		return "EventBridge S3 event (detail.bucket)"
	}
	return string(f)
}

func (r *runner) readObject(ctx context.Context) {
	if r.lacks(StepReadObject, r.notice != nil, "no decoded notification") {
		return
	}
	if len(r.notice.Objects) == 0 {
		r.skip(StepReadObject, "the notification names no object")
		return
	}
	obj := r.notice.Objects[0]
	r.step(StepReadObject, func(s *Step) {
		sum, err := r.read(ctx, s, obj, cmp.Or(r.notice.Region, r.conn.Region, r.cfg.Region))
		if err != nil {
			return
		}
		r.readOK = true
		if sum.Kind == LogCanary {
			s.Detail += " (a trailgate canary left by an earlier run)"
		}
		if want := sourceOf(sum.Kind); want != "" && len(r.conn.Sources) > 0 && !slices.Contains(r.conn.Sources, want) {
			s.Detail += fmt.Sprintf("; note: the connector lists sources %v but this queue carries %s", r.conn.Sources, want)
		}
	})
}

// read gets one object as the connector, parses it, and fills the step.
func (r *runner) read(ctx context.Context, s *Step, obj ObjectRef, region string) (LogSummary, error) {
	client := newS3(*r.connCfg, region)
	where := "s3://" + obj.Bucket + "/" + obj.Key
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(obj.Bucket), Key: aws.String(obj.Key)})
	if err != nil {
		s.fail(err, ObjectReadRefused, "s3:GetObject "+where+" as the connector")
		switch s.ErrorCode {
		case "NoSuchKey":
			// A notification outliving its object: lifecycle expiry shorter
			// than the backlog, or another consumer deleting objects.
			s.Symptom = ObjectGone
			s.Detail = "s3:GetObject " + where + ": the object the notification names no longer exists (NoSuchKey): lifecycle expiry shorter than the queue's backlog, or a consumer that deletes objects"
		case "NoSuchBucket":
			s.Symptom = BucketGone
		case "AccessDenied":
			if s.Symptom == ObjectReadRefused && errorMessage(err) == "Access Denied" {
				s.Detail += " (S3 also answers this, instead of NoSuchKey, for a missing object when the reader lacks s3:ListBucket)"
			}
		}
		return LogSummary{}, err
	}
	defer out.Body.Close()
	s.fact("object", where)
	enc := "no SSE-KMS"
	if out.ServerSideEncryption != "" {
		s.fact("sse", string(out.ServerSideEncryption))
		enc = string(out.ServerSideEncryption)
	}
	if k := aws.ToString(out.SSEKMSKeyId); k != "" {
		s.fact("sse_kms_key_id", k)
		enc = "SSE-KMS with " + k + ": kms:Decrypt proven"
	}
	sum, err := ParseLog(out.Body)
	if err != nil {
		s.Status, s.Symptom = Fail, ObjectNotLog
		s.Detail = where + " is not a log file the connector can parse (" + err.Error() + "): does the notification's key filter let other objects through?"
		return sum, err
	}
	s.fact("kind", string(sum.Kind))
	s.fact("records", strconv.Itoa(sum.Records))
	s.fact("gzip", strconv.FormatBool(sum.Gzip))
	s.fact("bytes", strconv.FormatInt(sum.Bytes, 10))
	what := string(sum.Kind)
	switch sum.Kind {
	case LogCloudTrail:
		what = fmt.Sprintf("CloudTrail log file, %d records", sum.Records)
	case LogGuardDuty:
		what = fmt.Sprintf("GuardDuty findings, %d findings", sum.Records)
	case LogCloudTrailDigest:
		what = "CloudTrail digest file (no events)"
	case LogCanary:
		what = "trailgate canary"
	}
	if !sum.Newest.IsZero() {
		s.fact("newest_event", sum.Newest.UTC().Format(time.RFC3339))
		what += ", newest " + sum.Newest.UTC().Format(time.RFC3339)
	}
	if sum.Gzip {
		what += ", gzip"
	}
	s.Detail = where + ": " + what + "; " + enc
	return sum, nil
}

// settleMessage finishes with the received message under --consume: it is
// deleted once read, or made visible again when it could not be.
func (r *runner) settleMessage(ctx context.Context) {
	if !r.opts.Consume || r.message == nil {
		return
	}
	s := r.report.Step(StepReceive)
	if r.readOK {
		// Read whole: delete it even if Ctrl-C came meanwhile, as the
		// connector would have.
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		_, err := r.sqs.DeleteMessage(dctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.queueURL), ReceiptHandle: r.message.ReceiptHandle})
		if err != nil {
			s.fail(err, QueueCallRefused, "read, but sqs:DeleteMessage failed (--consume): a connector would see it again and again")
		}
		return
	}
	if err := r.release(ctx, r.message); err != nil {
		s.fail(err, QueueCallRefused, "not read, and sqs:ChangeMessageVisibility to 0 failed")
	}
}

func sourceOf(k LogKind) string {
	switch k {
	case LogCloudTrail, LogCloudTrailDigest:
		return "cloudtrail"
	case LogGuardDuty:
		return "guardduty"
	}
	return ""
}

// Each client gets its own adaptive retryer, as the collectors' do: it
// retries throttling and server errors, never a refusal.
func stsRetry(o *sts.Options) { o.Retryer = retry.NewAdaptiveMode() }
func sqsRetry(o *sqs.Options) { o.Retryer = retry.NewAdaptiveMode() }
func s3Retry(o *s3.Options)   { o.Retryer = retry.NewAdaptiveMode() }

// newS3 builds an S3 client; with an endpoint override (tests, or
// AWS_ENDPOINT_URL_S3) it uses path-style addressing, as the contract says.
func newS3(cfg aws.Config, region string) *s3.Client {
	return s3.NewFromConfig(cfg, s3Retry, func(o *s3.Options) {
		if region != "" {
			o.Region = region
		}
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
		// CloudTrail and GuardDuty objects carry no flexible checksum; the
		// SDK would log that on every read, to the user's terminal.
		o.DisableLogOutputChecksumValidationSkipped = true
	})
}

func waitSeconds(left time.Duration) int32 {
	// SQS long polling waits at most 20 seconds per call.
	sec := int32((left + time.Second - 1) / time.Second)
	return max(0, min(sec, 20))
}

// arn is the part of an ARN the smoke test needs.

func seconds(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil {
		return "?"
	}
	d := time.Duration(n) * time.Second
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
