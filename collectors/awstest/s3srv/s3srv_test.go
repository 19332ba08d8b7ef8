package s3srv_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	logAccount   = "222222222222"
	otherAccount = "333333333333"
	keyARN       = "arn:aws:kms:eu-west-1:222222222222:key/1111aaaa-1111-4111-8111-111111111111"
	topicARN     = "arn:aws:sns:eu-west-1:222222222222:logs"
	queueARN     = "arn:aws:sqs:eu-west-1:222222222222:direct"
)

func world() *awstest.World {
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{
		{ID: logAccount, Buckets: []snapshot.Bucket{
			{
				Name: "org-logs", ARN: "arn:aws:s3:::org-logs", Region: "eu-west-1",
				Policy:          &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::org-logs"}]}`)},
				ObjectOwnership: snapshot.OwnershipBucketOwnerEnforced,
				Encryption:      &snapshot.BucketEncryption{SSEAlgorithm: "aws:kms", KMSMasterKeyID: keyARN, BucketKeyEnabled: true},
				Notification: &snapshot.NotificationConfiguration{
					TopicConfigurations: []snapshot.NotificationTarget{{ID: "to-sns", ARN: topicARN, Events: []string{"s3:ObjectCreated:*"}, FilterPrefix: "AWSLogs/", FilterSuffix: ".json.gz"}},
					QueueConfigurations: []snapshot.NotificationTarget{{ID: "deletes", ARN: queueARN, Events: []string{"s3:ObjectRemoved:Delete"}}},
				},
				RequestPayer: "Requester",
				Lifecycle:    []snapshot.LifecycleRule{{ID: "expire", Status: "Enabled", Prefix: "AWSLogs/", ExpirationDays: 30}},
				ACL:          &snapshot.ACL{OwnerID: "abc", Grants: []snapshot.Grant{{GranteeType: "Group", GranteeURI: "http://acs.amazonaws.com/groups/s3/LogDelivery", Permission: "WRITE"}}},
			},
			{Name: "plain", ARN: "arn:aws:s3:::plain", Region: "us-east-1"},
		}},
		{ID: otherAccount, Buckets: []snapshot.Bucket{{Name: "elsewhere", ARN: "arn:aws:s3:::elsewhere", Region: "us-west-2"}}},
	}}
	w := awstest.NewWorld(s)
	w.Identities.Add("AKIDLOG", "secret-log", "", "arn:aws:iam::222222222222:user/admin")
	w.Identities.Add("AKIDOTHER", "secret-other", "", "arn:aws:iam::333333333333:user/admin")
	return w
}

// keys is a KeyUser that allows exactly the listed principal/action pairs.
type keys struct {
	mu    sync.Mutex
	allow map[string]bool
	asked []string
}

func (k *keys) UseKey(c awstest.Caller, action, keyRef, owner, region string, ctx map[string]string) (string, *awstest.APIError) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.asked = append(k.asked, action+" "+keyRef+" "+ctx["aws:s3:arn"])
	if !k.allow[c.PrincipalARN+" "+action] {
		return "", awstest.Errorf(400, "AccessDeniedException", "User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action", c.PrincipalARN, action, keyRef, action)
	}
	return keyRef, nil
}

func start(t *testing.T) (*s3srv.Server, *awstest.Env, *keys) {
	w := world()
	srv := s3srv.NewServer(w)
	k := &keys{allow: map[string]bool{}}
	srv.Keys = k
	env := awstest.Start(t, w, awstest.Service{ID: awstest.S3, New: func(*awstest.World) http.Handler { return srv }})
	return srv, env, k
}

func client(env *awstest.Env, akid, region string) *s3.Client {
	return s3.NewFromConfig(env.Config(akid, region), func(o *s3.Options) { o.UsePathStyle = true })
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestBucketSubresources reads every sub-resource through aws-sdk-go-v2, so
// that the XML shapes are the ones the SDK decodes from AWS.
func TestBucketSubresources(t *testing.T) {
	_, env, _ := start(t)
	ctx := context.Background()
	c := client(env, "AKIDLOG", "eu-west-1")
	b := aws.String("org-logs")

	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	if err != nil || !strings.Contains(aws.ToString(pol.Policy), "cloudtrail.amazonaws.com") {
		t.Errorf("GetBucketPolicy = %v, %v", pol, err)
	}
	own, err := c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	if err != nil || own.OwnershipControls.Rules[0].ObjectOwnership != s3types.ObjectOwnershipBucketOwnerEnforced {
		t.Errorf("GetBucketOwnershipControls = %+v, %v", own, err)
	}
	enc, err := c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	if err != nil {
		t.Fatal(err)
	}
	rule := enc.ServerSideEncryptionConfiguration.Rules[0]
	if rule.ApplyServerSideEncryptionByDefault.SSEAlgorithm != s3types.ServerSideEncryptionAwsKms || aws.ToString(rule.ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != keyARN || !aws.ToBool(rule.BucketKeyEnabled) {
		t.Errorf("GetBucketEncryption rule = %+v", rule)
	}
	nc, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
	if err != nil {
		t.Fatal(err)
	}
	type target struct {
		ID, ARN string
		Events  []string
		Filters []string
	}
	var got []target
	for _, tc := range nc.TopicConfigurations {
		tg := target{ID: aws.ToString(tc.Id), ARN: aws.ToString(tc.TopicArn)}
		for _, e := range tc.Events {
			tg.Events = append(tg.Events, string(e))
		}
		for _, f := range tc.Filter.Key.FilterRules {
			tg.Filters = append(tg.Filters, string(f.Name)+"="+aws.ToString(f.Value))
		}
		got = append(got, tg)
	}
	for _, qc := range nc.QueueConfigurations {
		tg := target{ID: aws.ToString(qc.Id), ARN: aws.ToString(qc.QueueArn)}
		for _, e := range qc.Events {
			tg.Events = append(tg.Events, string(e))
		}
		got = append(got, tg)
	}
	want := []target{
		{ID: "to-sns", ARN: topicARN, Events: []string{"s3:ObjectCreated:*"}, Filters: []string{"prefix=AWSLogs/", "suffix=.json.gz"}},
		{ID: "deletes", ARN: queueARN, Events: []string{"s3:ObjectRemoved:Delete"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("notification configuration (-want +got):\n%s", d)
	}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: b})
	if err != nil || loc.LocationConstraint != "eu-west-1" {
		t.Errorf("GetBucketLocation = %+v, %v", loc, err)
	}
	loc, err = c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("plain")})
	if err != nil || loc.LocationConstraint != "" {
		t.Errorf("GetBucketLocation(us-east-1) = %+v, %v (want the empty constraint)", loc, err)
	}
	acl, err := c.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b})
	if err != nil || len(acl.Grants) != 1 || acl.Grants[0].Grantee.Type != s3types.TypeGroup || aws.ToString(acl.Grants[0].Grantee.URI) != "http://acs.amazonaws.com/groups/s3/LogDelivery" || acl.Grants[0].Permission != s3types.PermissionWrite {
		t.Errorf("GetBucketAcl = %+v, %v", acl, err)
	}
	pay, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	if err != nil || pay.Payer != s3types.PayerRequester {
		t.Errorf("GetBucketRequestPayment = %+v, %v", pay, err)
	}
	lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	if err != nil || len(lc.Rules) != 1 || aws.ToInt32(lc.Rules[0].Expiration.Days) != 30 || aws.ToString(lc.Rules[0].Filter.Prefix) != "AWSLogs/" || lc.Rules[0].Status != s3types.ExpirationStatusEnabled {
		t.Errorf("GetBucketLifecycleConfiguration = %+v, %v", lc, err)
	}
}

// TestMissingSubresources checks S3's own error codes for sub-resources a
// bucket does not have, which collectors must tell apart from failures.
func TestMissingSubresources(t *testing.T) {
	_, env, _ := start(t)
	ctx := context.Background()
	c := client(env, "AKIDLOG", "us-east-1")
	b := aws.String("plain")
	got := map[string]string{}
	_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b})
	got["policy"] = code(err)
	_, err = c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b})
	got["ownership"] = code(err)
	_, err = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b})
	got["encryption"] = code(err)
	_, err = c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b})
	got["lifecycle"] = code(err)
	_, err = c.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b})
	got["object-lock"] = code(err)
	_, err = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("no-such-bucket")})
	got["missing bucket"] = code(err)
	nc, err := c.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: b})
	got["notification"] = code(err)
	if err == nil && (len(nc.TopicConfigurations)+len(nc.QueueConfigurations)) != 0 {
		got["notification"] = "not empty"
	}
	pay, err := c.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b})
	got["payer"] = code(err) + string(pay.Payer)
	want := map[string]string{
		"policy":         "NoSuchBucketPolicy",
		"ownership":      "OwnershipControlsNotFoundError",
		"encryption":     "ServerSideEncryptionConfigurationNotFoundError",
		"lifecycle":      "NoSuchLifecycleConfiguration",
		"object-lock":    "ObjectLockConfigurationNotFoundError",
		"missing bucket": "NoSuchBucket",
		"notification":   "",
		"payer":          "BucketOwner",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("error codes (-want +got):\n%s", d)
	}
}

func TestListBucketsPerAccount(t *testing.T) {
	_, env, _ := start(t)
	for akid, want := range map[string][]string{"AKIDLOG": {"org-logs", "plain"}, "AKIDOTHER": {"elsewhere"}} {
		out, err := client(env, akid, "us-east-1").ListBuckets(context.Background(), &s3.ListBucketsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range out.Buckets {
			got = append(got, aws.ToString(b.Name))
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: ListBuckets (-want +got):\n%s", akid, d)
		}
	}
}

// TestSSEKMSAndNotifications writes an object to a bucket whose default
// encryption is SSE-KMS with a Bucket Key: the write needs
// kms:GenerateDataKey and the read kms:Decrypt for the caller, with the
// bucket's ARN as encryption context, and the write fires the bucket's
// matching notification with S3's event JSON.
func TestSSEKMSAndNotifications(t *testing.T) {
	srv, env, k := start(t)
	var mu sync.Mutex
	sent := map[string][]byte{}
	srv.Notify = func(_ context.Context, dest string, event []byte) error {
		mu.Lock()
		defer mu.Unlock()
		sent[dest] = event
		return nil
	}
	ctx := context.Background()
	c := client(env, "AKIDLOG", "eu-west-1")
	key := "AWSLogs/o-abc/222222222222/CloudTrail/eu-west-1/2026/11/22/a b=c.json.gz"
	put := func() error {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("org-logs"), Key: aws.String(key), Body: bytes.NewReader([]byte("hello"))})
		return err
	}
	if got := code(put()); got != "AccessDenied" {
		t.Fatalf("PutObject without kms:GenerateDataKey: %q, want AccessDenied", got)
	}
	k.allow["arn:aws:iam::222222222222:user/admin kms:GenerateDataKey"] = true
	if err := put(); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("org-logs"), Key: aws.String(key)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" || !strings.Contains(ae.ErrorMessage(), "kms:Decrypt") {
		t.Fatalf("GetObject without kms:Decrypt: %v, want AccessDenied naming kms:Decrypt", err)
	}
	k.allow["arn:aws:iam::222222222222:user/admin kms:Decrypt"] = true
	out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("org-logs"), Key: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(out.Body)
	if string(body) != "hello" || out.ServerSideEncryption != s3types.ServerSideEncryptionAwsKms || aws.ToString(out.SSEKMSKeyId) != keyARN || !aws.ToBool(out.BucketKeyEnabled) {
		t.Errorf("GetObject = %q, SSE %q key %q bucket key %v", body, out.ServerSideEncryption, aws.ToString(out.SSEKMSKeyId), aws.ToBool(out.BucketKeyEnabled))
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("org-logs"), Key: aws.String("AWSLogs/missing.json.gz")})
	if got := code(err); got != "NoSuchKey" {
		t.Errorf("GetObject of a missing key: %q, want NoSuchKey", got)
	}
	if d := cmp.Diff([]string{
		"kms:GenerateDataKey " + keyARN + " arn:aws:s3:::org-logs",
		"kms:GenerateDataKey " + keyARN + " arn:aws:s3:::org-logs",
		"kms:Decrypt " + keyARN + " arn:aws:s3:::org-logs",
		"kms:Decrypt " + keyARN + " arn:aws:s3:::org-logs",
	}, k.asked); d != "" {
		t.Errorf("KMS requests (-want +got):\n%s", d)
	}

	// A key outside the notification's suffix filter fires nothing; a
	// delete fires the queue's ObjectRemoved configuration.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("org-logs"), Key: aws.String("AWSLogs/digest.txt"), Body: strings.NewReader("x")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("org-logs"), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
	ds := srv.Deliveries()
	if len(ds) != 2 {
		t.Fatalf("deliveries: %d, want 2 (one create to SNS, one delete to SQS)", len(ds))
	}
	type rec struct {
		EventSource, AWSRegion, EventName, Bucket, BucketARN, Key, ConfigurationID string
		Size                                                                       int64
	}
	decode := func(doc []byte) rec {
		var e struct {
			Records []struct {
				EventSource string `json:"eventSource"`
				AWSRegion   string `json:"awsRegion"`
				EventName   string `json:"eventName"`
				S3          struct {
					ConfigurationID string `json:"configurationId"`
					Bucket          struct{ Name, ARN string }
					Object          struct {
						Key  string
						Size int64
					}
				} `json:"s3"`
			}
		}
		if err := json.Unmarshal(doc, &e); err != nil || len(e.Records) != 1 {
			t.Fatalf("event %s: %v", doc, err)
		}
		r := e.Records[0]
		return rec{r.EventSource, r.AWSRegion, r.EventName, r.S3.Bucket.Name, r.S3.Bucket.ARN, r.S3.Object.Key, r.S3.ConfigurationID, r.S3.Object.Size}
	}
	mu.Lock()
	defer mu.Unlock()
	encodedKey := "AWSLogs/o-abc/222222222222/CloudTrail/eu-west-1/2026/11/22/a+b%3Dc.json.gz"
	if d := cmp.Diff(rec{"aws:s3", "eu-west-1", "ObjectCreated:Put", "org-logs", "arn:aws:s3:::org-logs", encodedKey, "to-sns", 5}, decode(sent[topicARN])); d != "" {
		t.Errorf("create event (-want +got):\n%s", d)
	}
	if d := cmp.Diff(rec{"aws:s3", "eu-west-1", "ObjectRemoved:Delete", "org-logs", "arn:aws:s3:::org-logs", encodedKey, "deletes", 0}, decode(sent[queueARN])); d != "" {
		t.Errorf("delete event (-want +got):\n%s", d)
	}
}

// TestFaults shows the World's faults reach S3 calls by operation.
func TestFaults(t *testing.T) {
	_, env, _ := start(t)
	env.World.Faults.Add(awstest.Fault{Service: "s3", Operation: "GetBucketPolicy", Kind: awstest.Deny})
	_, err := client(env, "AKIDLOG", "eu-west-1").GetBucketPolicy(context.Background(), &s3.GetBucketPolicyInput{Bucket: aws.String("org-logs")})
	if got := code(err); got != "AccessDenied" {
		t.Errorf("faulted GetBucketPolicy: %q, want AccessDenied", got)
	}
}
