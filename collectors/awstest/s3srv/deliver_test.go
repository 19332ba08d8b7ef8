package s3srv_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/fauxqs"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// TestDeliverToQueue is the direct path, S3 → SQS (no topic), through
// fauxqs: the queue receives S3's event JSON as the message body.
func TestDeliverToQueue(t *testing.T) {
	fq := fauxqs.Start(t)
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{{
		ID: logAccount, Buckets: []snapshot.Bucket{{Name: "direct-logs", ARN: "arn:aws:s3:::direct-logs", Region: "us-east-1",
			Notification: &snapshot.NotificationConfiguration{QueueConfigurations: []snapshot.NotificationTarget{
				{ARN: "arn:aws:sqs:us-east-1:" + fauxqs.Account + ":direct", Events: []string{"s3:ObjectCreated:Put"}, FilterSuffix: ".gz"}}}}},
	}}}
	w := awstest.NewWorld(s)
	w.Identities.Add("AKIDLOG", "secret-log", "", "arn:aws:iam::222222222222:user/admin")
	srv := s3srv.NewServer(w)
	env := awstest.Start(t, w, awstest.Service{ID: awstest.S3, New: func(*awstest.World) http.Handler { return srv }})
	env.URLs[awstest.SQS] = fq.URL
	cfg := env.Config("AKIDLOG", "us-east-1")
	sqsc := sqs.NewFromConfig(cfg)
	srv.Notify = s3srv.Deliver(nil, sqsc)
	ctx := context.Background()
	q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("direct")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String("direct-logs"), Key: aws.String("AWSLogs/x.json.gz"), Body: strings.NewReader("x")})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range srv.Deliveries() {
		if d.Err != nil {
			t.Fatal(d.Err)
		}
	}
	out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("receive: %v, %d messages", err, len(out.Messages))
	}
	var ev struct {
		Records []struct {
			EventName string `json:"eventName"`
			S3        struct {
				Object struct{ Key string } `json:"object"`
			} `json:"s3"`
		}
	}
	if err := json.Unmarshal([]byte(aws.ToString(out.Messages[0].Body)), &ev); err != nil || len(ev.Records) != 1 ||
		ev.Records[0].EventName != "ObjectCreated:Put" || ev.Records[0].S3.Object.Key != "AWSLogs/x.json.gz" {
		t.Errorf("message %s: %+v %v", aws.ToString(out.Messages[0].Body), ev, err)
	}
}
