package smoke_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/fauxqs"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/awstest/stssrv"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/smoke"
)

// The end-to-end world: a vendor (111111111111) assumes ConnectorRole in
// the log-archive account (222222222222), whose bucket is SSE-KMS encrypted
// and notifies an SNS topic that feeds the vendor's SQS queue. SNS and SQS
// are fauxqs, which keeps every topic and queue in account 000000000000.
const (
	vendorAccount = "111111111111"
	logAccount    = "222222222222"
	region        = "us-east-1"
	bucket        = "org-trail-logs"
	roleARN       = "arn:aws:iam::222222222222:role/ConnectorRole"
	keyARN        = "arn:aws:kms:us-east-1:222222222222:key/1111aaaa-1111-4111-8111-111111111111"
	externalID    = "8d3c0c6e-example"
	topicName     = "cloudtrail-logs"
	queueName     = "expel-cloudtrail"
	topicARN      = "arn:aws:sns:us-east-1:" + fauxqs.Account + ":" + topicName
	queueARN      = "arn:aws:sqs:us-east-1:" + fauxqs.Account + ":" + queueName
	logKey        = "AWSLogs/o-abc123/222222222222/CloudTrail/us-east-1/2026/11/22/222222222222_CloudTrail_us-east-1_20261122T0405Z_a1b2.json.gz"
	callerAKID    = "AKIDVENDOR"
	adminAKID     = "AKIDLOGADMIN"
)

// scenario varies the world.
type scenario struct {
	// trust is the role's trust policy; empty: trust the vendor's account
	// with the external ID.
	trust string
	// noDecrypt leaves kms:Decrypt out of the role's policy.
	noDecrypt bool
	// raw sets the subscription's RawMessageDelivery.
	raw bool
}

type harness struct {
	t      *testing.T
	env    *awstest.Env
	s3     *s3srv.Server
	fq     *fauxqs.Server
	sqs    *sqs.Client
	url    string
	caller aws.Config
	admin  *s3.Client
	// onNotify runs before each notification is delivered.
	onNotify func()
}

func pol(doc string) *snapshot.Policy { return &snapshot.Policy{Document: json.RawMessage(doc)} }

func newHarness(t *testing.T, sc scenario) *harness {
	t.Helper()
	fq := fauxqs.Start(t)
	trust := sc.trust
	if trust == "" {
		trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + externalID + `"}}}]}`
	}
	actions := `["s3:GetObject","sqs:ReceiveMessage","sqs:ChangeMessageVisibility","sqs:DeleteMessage","sqs:GetQueueUrl","sqs:GetQueueAttributes","kms:Decrypt"]`
	if sc.noDecrypt {
		actions = strings.Replace(actions, `,"kms:Decrypt"`, "", 1)
	}
	keyPolicy := `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"},
	  {"Sid":"CanaryWriter","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:GenerateDataKey","Resource":"*"}]}`
	snap := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{{
		ID: logAccount,
		Roles: []snapshot.Role{{Name: "ConnectorRole", ARN: roleARN, TrustPolicy: pol(trust),
			InlinePolicies: []snapshot.NamedPolicy{{Name: "read-logs", Policy: *pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"}]}`)}}}},
		Keys: []snapshot.Key{{KeyID: "1111aaaa-1111-4111-8111-111111111111", ARN: keyARN, Region: region, Policy: pol(keyPolicy), KeyState: "Enabled", KeyManager: "CUSTOMER"}},
		Buckets: []snapshot.Bucket{{
			Name: bucket, ARN: "arn:aws:s3:::" + bucket, Region: region,
			Encryption: &snapshot.BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyARN},
			Notification: &snapshot.NotificationConfiguration{TopicConfigurations: []snapshot.NotificationTarget{
				{ID: "to-siem", ARN: topicARN, Events: []string{"s3:ObjectCreated:*"}, FilterPrefix: "AWSLogs/"},
			}},
		}},
	}}}
	w := awstest.NewWorld(snap)
	w.Identities.Add(callerAKID, "vendor-secret", "", "arn:aws:iam::111111111111:user/vendor")
	w.Identities.Add(adminAKID, "admin-secret", "", "arn:aws:iam::222222222222:user/admin")
	w.AssumeRoleAllowed = trustAllows

	h := &harness{t: t, fq: fq}
	kms := kmssrv.NewServer(w)
	h.s3 = s3srv.NewServer(w)
	h.s3.Keys = kms
	h.env = awstest.Start(t, w, stssrv.Service,
		awstest.Service{ID: awstest.KMS, New: func(*awstest.World) http.Handler { return kms }},
		awstest.Service{ID: awstest.S3, New: func(*awstest.World) http.Handler { return h.s3 }})
	h.env.URLs[awstest.SNS] = fq.URL
	h.env.URLs[awstest.SQS] = fq.URL
	h.caller = h.env.Config(callerAKID, region)

	ctx := context.Background()
	adminCfg := h.env.Config(adminAKID, region)
	h.admin = s3.NewFromConfig(adminCfg, func(o *s3.Options) { o.UsePathStyle = true })
	snsc := sns.NewFromConfig(adminCfg)
	h.sqs = sqs.NewFromConfig(adminCfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(topicName)})
	must(t, err)
	q, err := h.sqs.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queueName)})
	must(t, err)
	h.url = aws.ToString(q.QueueUrl)
	raw := "false"
	if sc.raw {
		raw = "true"
	}
	_, err = snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN),
		Attributes: map[string]string{"RawMessageDelivery": raw}})
	must(t, err)
	// S3 publishes to SNS with this subject
	// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
	h.s3.Notify = func(ctx context.Context, dest string, event []byte) error {
		if h.onNotify != nil {
			h.onNotify()
		}
		_, err := snsc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(dest), Message: aws.String(string(event)), Subject: aws.String("Amazon S3 Notification")})
		return err
	}
	return h
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var adminPolicy, _ = iam.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.KindIdentity)

// trustAllows decides AssumeRole with trailgate's own IAM evaluator, with
// trust-policy semantics; the vendor's caller is an administrator of its
// own account.
func trustAllows(trust *snapshot.Policy, role snapshot.Role, c awstest.Caller, ext string) (bool, error) {
	p, err := iam.ParsePolicy(trust.Document, iam.KindTrust)
	if err != nil {
		return false, err
	}
	req := iam.Request{Principal: c.PrincipalARN, Action: "sts:AssumeRole", Resource: role.ARN, Context: map[string][]string{}}
	if ext != "" {
		req.Context["sts:ExternalId"] = []string{ext}
	}
	res := iam.Evaluate(req, iam.PolicySet{Resource: p, Identity: []*iam.Policy{adminPolicy}, ResourceType: iam.ResourceRoleTrust})
	return res.Decision == iam.Allowed, nil
}

// cloudTrailFile is a gzip'd CloudTrail log file with two events.
func cloudTrailFile() []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(`{"Records":[{"eventVersion":"1.10","eventTime":"2026-11-22T04:01:02Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole"},{"eventVersion":"1.10","eventTime":"2026-11-22T04:03:04Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}]}`))
	zw.Close()
	return b.Bytes()
}

// deliverLog writes a log file as the log-archive administrator (as
// CloudTrail would), which fires the bucket's notification through SNS to
// the queue, and waits until it is there.
func (h *harness) deliverLog(key string) {
	h.t.Helper()
	_, err := h.admin.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(cloudTrailFile())})
	must(h.t, err)
	for _, d := range h.s3.Deliveries() {
		must(h.t, d.Err)
	}
}

// visible is the queue's ApproximateNumberOfMessages.
func (h *harness) visible() string { return h.attr(sqstypes.QueueAttributeNameApproximateNumberOfMessages) }

// inFlight is the queue's ApproximateNumberOfMessagesNotVisible.
func (h *harness) inFlight() string {
	return h.attr(sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible)
}

func (h *harness) attr(name sqstypes.QueueAttributeName) string {
	h.t.Helper()
	a, err := h.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(h.url),
		AttributeNames: []sqstypes.QueueAttributeName{name}})
	must(h.t, err)
	return a.Attributes[string(name)]
}

func conn(profile string) *connector.Connector {
	return &connector.Connector{Profile: profile, Role: roleARN, ExternalID: externalID, Queue: queueARN, Region: region, Sources: []string{"cloudtrail"}, File: "connector.yaml"}
}

func run(t *testing.T, h *harness, c *connector.Connector, opts smoke.Options) smoke.Report {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Second
	}
	rep, err := smoke.Run(context.Background(), h.caller, c, opts)
	must(t, err)
	return rep
}

// outcome is the part of a step a test pins.
type outcome struct {
	Name, Status, ErrorCode, RuleID string
}

func outcomes(r smoke.Report) []outcome {
	var out []outcome
	for _, s := range r.Steps {
		out = append(out, outcome{s.Name, string(s.Status), s.ErrorCode, s.RuleID})
	}
	return out
}

func step(t *testing.T, r smoke.Report, name string) *smoke.Step {
	t.Helper()
	s := r.Step(name)
	if s == nil {
		t.Fatalf("no step %s in %+v", name, r.Steps)
	}
	return s
}

var passingCore = []outcome{
	{"identity", "pass", "", ""},
	{"assume-role", "pass", "", ""},
	{"external-id-required", "pass", "AccessDenied", ""},
	{"queue", "pass", "", ""},
	{"receive", "pass", "", ""},
	{"decode", "pass", "", ""},
	{"read-object", "pass", "", ""},
}

func diff(t *testing.T, want []outcome, got smoke.Report) {
	t.Helper()
	if d := cmpDiff(want, outcomes(got)); d != "" {
		var detail strings.Builder
		smoke.WriteText(&detail, &got)
		t.Errorf("steps (-want +got):\n%s\n%s", d, detail.String())
	}
}

func isCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
