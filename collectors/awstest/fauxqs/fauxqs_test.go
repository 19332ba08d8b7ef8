package fauxqs

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func clients(s *Server) (*sns.Client, *sqs.Client) {
	cfg := aws.Config{
		Region:      "us-east-1",
		Credentials: aws.AnonymousCredentials{},
	}
	return sns.NewFromConfig(cfg, func(o *sns.Options) { o.BaseEndpoint = aws.String(s.URL) }),
		sqs.NewFromConfig(cfg, func(o *sqs.Options) { o.BaseEndpoint = aws.String(s.URL) })
}

// TestFanOut proves what the smoke tests rely on: a topic delivers to a
// subscribed queue, in the SNS envelope, or as the bare message with
// RawMessageDelivery=true.
func TestFanOut(t *testing.T) {
	s := Start(t)
	ctx := context.Background()
	snsc, sqsc := clients(s)
	topic, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("logs")})
	if err != nil {
		t.Fatal(err)
	}
	for _, raw := range []bool{false, true} {
		name := map[bool]string{false: "enveloped", true: "raw"}[raw]
		q, err := sqsc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		attrs, err := sqsc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl, AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
		if err != nil {
			t.Fatal(err)
		}
		arn := attrs.Attributes["QueueArn"]
		if want := "arn:aws:sqs:us-east-1:" + Account + ":" + name; arn != want {
			t.Errorf("queue ARN %q, want %q", arn, want)
		}
		_, err = snsc.Subscribe(ctx, &sns.SubscribeInput{
			TopicArn:   topic.TopicArn,
			Protocol:   aws.String("sqs"),
			Endpoint:   aws.String(arn),
			Attributes: map[string]string{"RawMessageDelivery": map[bool]string{false: "false", true: "true"}[raw]},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := snsc.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(`{"Records":[]}`), Subject: aws.String("Amazon S3 Notification")}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"enveloped", "raw"} {
		url, err := sqsc.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		out, err := sqsc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: url.QueueUrl, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) != 1 {
			t.Fatalf("%s: got %d messages, want 1", name, len(out.Messages))
		}
		body := aws.ToString(out.Messages[0].Body)
		if name == "raw" {
			if body != `{"Records":[]}` {
				t.Errorf("raw body %q", body)
			}
			continue
		}
		var env struct{ Type, Message, TopicArn, Subject string }
		if err := json.Unmarshal([]byte(body), &env); err != nil {
			t.Fatalf("envelope: %v: %s", err, body)
		}
		if env.Type != "Notification" || env.Message != `{"Records":[]}` || env.TopicArn != aws.ToString(topic.TopicArn) || env.Subject != "Amazon S3 Notification" {
			t.Errorf("envelope %+v", env)
		}
	}
}
