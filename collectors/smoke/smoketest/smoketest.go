package smoketest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/fauxqs"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/awstest/stssrv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The end-to-end world: a vendor (111111111111) assumes ConnectorRole in
// the log-archive account (222222222222), whose bucket is SSE-KMS encrypted
// and notifies an SNS topic that feeds the vendor's SQS queue. SNS and SQS
// are fauxqs, which keeps every topic and queue in account 000000000000.
const (
	VendorAccount = "111111111111"
	LogAccount    = "222222222222"
	Region        = "us-east-1"
	Bucket        = "org-trail-logs"
	RoleARN       = "arn:aws:iam::222222222222:role/ConnectorRole"
	KeyARN        = "arn:aws:kms:us-east-1:222222222222:key/1111aaaa-1111-4111-8111-111111111111"
	ExternalID    = "8d3c0c6e-example"
	TopicName     = "cloudtrail-logs"
	QueueName     = "expel-cloudtrail"
	TopicARN      = "arn:aws:sns:us-east-1:" + fauxqs.Account + ":" + TopicName
	QueueARN      = "arn:aws:sqs:us-east-1:" + fauxqs.Account + ":" + QueueName
	LogKey        = "AWSLogs/o-abc123/222222222222/CloudTrail/us-east-1/2026/11/22/222222222222_CloudTrail_us-east-1_20261122T0405Z_a1b2.json.gz"
	CallerAKID    = "AKIDVENDOR"
	AdminAKID     = "AKIDLOGADMIN"
)

// Scenario varies the world.
type Scenario struct {
	// Trust is the role's trust policy; empty: trust the vendor's account
	// with the external ID.
	Trust string
	// NoDecrypt leaves kms:Decrypt out of the role's policy.
	NoDecrypt bool
	// NoList leaves s3:ListBucket out of the role's policy.
	NoList bool
	// DenyReader adds a bucket-policy statement denying the connector role
	// s3:GetObject (catalog S304).
	DenyReader bool
	// Raw sets the subscription's RawMessageDelivery.
	Raw bool
}

// Harness is one running world.
type Harness struct {
	t      testing.TB
	Env    *awstest.Env
	S3     *s3srv.Server
	Fauxqs *fauxqs.Server
	SQS    *sqs.Client
	URL    string
	Caller aws.Config
	Admin  *s3.Client
}

func pol(doc string) *snapshot.Policy { return &snapshot.Policy{Document: json.RawMessage(doc)} }

// New starts the world for t and stops it when t ends. It skips t when
// fauxqs is not installed.
func New(t testing.TB, sc Scenario) *Harness {
	t.Helper()
	fq := fauxqs.Start(t)
	trust := sc.Trust
	if trust == "" {
		trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"` + ExternalID + `"}}}]}`
	}
	actions := `["s3:GetObject","s3:ListBucket","sqs:ReceiveMessage","sqs:ChangeMessageVisibility","sqs:DeleteMessage","sqs:GetQueueUrl","sqs:GetQueueAttributes","kms:Decrypt"]`
	if sc.NoList {
		actions = strings.Replace(actions, `"s3:ListBucket",`, "", 1)
	}
	if sc.NoDecrypt {
		actions = strings.Replace(actions, `,"kms:Decrypt"`, "", 1)
	}
	keyPolicy := `{"Version":"2012-10-17","Statement":[
	  {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"},
	  {"Sid":"CanaryWriter","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:GenerateDataKey","Resource":"*"}]}`
	// The vendor's account may write, check and delete the canary.
	bucketPolicy := `{"Version":"2012-10-17","Statement":[{"Sid":"Canary","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":["s3:PutObject","s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::` + Bucket + `/*"},{"Sid":"CanaryList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::` + Bucket + `"}`
	if sc.DenyReader {
		bucketPolicy += `,{"Sid":"OnlyFromTheOffice","Effect":"Deny","Principal":{"AWS":"` + RoleARN + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + Bucket + `/*"}`
	}
	bucketPolicy += `]}`
	snap := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{{
		ID: LogAccount,
		Roles: []snapshot.Role{{Name: "ConnectorRole", ARN: RoleARN, TrustPolicy: pol(trust),
			InlinePolicies: []snapshot.NamedPolicy{{Name: "read-logs", Policy: *pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":` + actions + `,"Resource":"*"}]}`)}}}},
		Keys: []snapshot.Key{{KeyID: "1111aaaa-1111-4111-8111-111111111111", ARN: KeyARN, Region: Region, Policy: pol(keyPolicy), KeyState: "Enabled", KeyManager: "CUSTOMER"}},
		Buckets: []snapshot.Bucket{{
			Name: Bucket, ARN: "arn:aws:s3:::" + Bucket, Region: Region,
			Policy:     pol(bucketPolicy),
			Encryption: &snapshot.BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: KeyARN},
			Notification: &snapshot.NotificationConfiguration{TopicConfigurations: []snapshot.NotificationTarget{
				{ID: "to-siem", ARN: TopicARN, Events: []string{"s3:ObjectCreated:*"}, FilterPrefix: "AWSLogs/"},
			}},
		}},
	}}}
	w := awstest.NewWorld(snap)
	w.Identities.Add(CallerAKID, "vendor-secret", "", "arn:aws:iam::111111111111:user/vendor")
	w.Identities.Add(AdminAKID, "admin-secret", "", "arn:aws:iam::222222222222:user/admin")
	w.AssumeRoleAllowed = TrustAllows

	h := &Harness{t: t, Fauxqs: fq}
	kms := kmssrv.NewServer(w)
	h.S3 = s3srv.NewServer(w)
	h.S3.Keys = kms
	h.S3.Access = kms
	h.Env = awstest.Start(t, w, stssrv.Service,
		awstest.Service{ID: awstest.KMS, New: func(*awstest.World) http.Handler { return kms }},
		awstest.Service{ID: awstest.S3, New: func(*awstest.World) http.Handler { return h.S3 }})
	h.Env.URLs[awstest.SNS] = fq.URL
	h.Env.URLs[awstest.SQS] = fq.URL
	h.Caller = h.Env.Config(CallerAKID, Region)

	ctx := context.Background()
	adminCfg := h.Env.Config(AdminAKID, Region)
	h.Admin = s3.NewFromConfig(adminCfg, func(o *s3.Options) { o.UsePathStyle = true })
	snsc := sns.NewFromConfig(adminCfg)
	h.SQS = sqs.NewFromConfig(adminCfg)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(TopicName)})
	must(t, err)
	q, err := h.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(QueueName)})
	must(t, err)
	h.URL = aws.ToString(q.QueueUrl)
	raw := "false"
	if sc.Raw {
		raw = "true"
	}
	_, err = snsc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(QueueARN),
		Attributes: map[string]string{"RawMessageDelivery": raw}})
	must(t, err)
	h.S3.Notify = s3srv.Deliver(snsc, h.SQS)
	return h
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

var adminPolicy, _ = iam.ParsePolicy([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`), iam.KindIdentity)

// TrustAllows decides AssumeRole with trailgate's own IAM evaluator, with
// trust-policy semantics; the vendor's caller is an administrator of its
// own account.
func TrustAllows(trust *snapshot.Policy, role snapshot.Role, c awstest.Caller, ext string) (bool, error) {
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

// CloudTrailFile is a gzip'd CloudTrail log file with two events.
func CloudTrailFile() []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(`{"Records":[{"eventVersion":"1.10","eventTime":"2026-11-22T04:01:02Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole"},{"eventVersion":"1.10","eventTime":"2026-11-22T04:03:04Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}]}`))
	zw.Close()
	return b.Bytes()
}

// DeliverLog writes a CloudTrail log file as the log-archive administrator
// (as CloudTrail would), which fires the bucket's notification through SNS
// to the queue, and waits until it is there.
func (h *Harness) DeliverLog(key string) { h.Deliver(key, CloudTrailFile()) }

// Deliver writes any object as DeliverLog does.
func (h *Harness) Deliver(key string, body []byte) {
	h.t.Helper()
	_, err := h.Admin.PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(Bucket), Key: aws.String(key), Body: bytes.NewReader(body)})
	must(h.t, err)
	for _, d := range h.S3.Deliveries() {
		must(h.t, d.Err)
	}
}

// Remove deletes an object behind the notification that announced it, as a
// lifecycle expiry or another consumer would.
func (h *Harness) Remove(key string) {
	h.t.Helper()
	_, err := h.Admin.DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(Bucket), Key: aws.String(key)})
	must(h.t, err)
}

// GuardDutyFile is a gzip'd GuardDuty findings export with one finding.
func GuardDutyFile() []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(`{"schemaVersion":"2.0","accountId":"222222222222","region":"us-east-1","id":"f1","type":"Recon:EC2/PortProbeUnprotectedPort","severity":2,"createdAt":"2026-11-22T03:00:00.000Z","updatedAt":"2026-11-22T04:10:00.000Z"}` + "\n"))
	zw.Close()
	return b.Bytes()
}

// Visible is the number of messages another reader of the queue can
// receive now (SQS's ApproximateNumberOfMessages): those ready, and those
// received whose visibility timeout has run out. fauxqs moves the latter
// back only on its next timer tick, so its own attribute lags behind a
// receive with VisibilityTimeout 0; its inspection endpoint does not.
func (h *Harness) Visible() string { v, _ := h.counts(); return strconv.Itoa(v) }

// InFlight is the number of messages hidden from other readers now
// (ApproximateNumberOfMessagesNotVisible).
func (h *Harness) InFlight() string { _, f := h.counts(); return strconv.Itoa(f) }

func (h *Harness) counts() (visible, inFlight int) {
	h.t.Helper()
	resp, err := http.Get(h.Fauxqs.URL + "/_fauxqs/queues/" + QueueName)
	must(h.t, err)
	defer resp.Body.Close()
	var q struct {
		Messages struct {
			Ready    []json.RawMessage `json:"ready"`
			Inflight []struct {
				VisibilityDeadline int64 `json:"visibilityDeadline"`
			} `json:"inflight"`
		} `json:"messages"`
	}
	must(h.t, json.NewDecoder(resp.Body).Decode(&q))
	now := time.Now().UnixMilli()
	visible = len(q.Messages.Ready)
	for _, m := range q.Messages.Inflight {
		if m.VisibilityDeadline <= now {
			visible++
		} else {
			inFlight++
		}
	}
	return visible, inFlight
}

// SetQueueAttributes sets attributes of the queue, as its owner.
func (h *Harness) SetQueueAttributes(attrs map[string]string) {
	h.t.Helper()
	_, err := h.SQS.SetQueueAttributes(context.Background(), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(h.URL), Attributes: attrs})
	must(h.t, err)
}
