package s3srv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Subject is the subject S3 gives the notifications it publishes to SNS
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
const Subject = "Amazon S3 Notification"

// Deliver returns a Notifier that sends notifications through SNS and SQS
// clients (pointed at fauxqs, or at the project's snssrv and sqssrv): a
// topic destination is published to with S3's subject, a queue destination
// gets the event as the message body, as S3 sends it. Either client may be
// nil when no destination of its kind is expected.
func Deliver(snsc *sns.Client, sqsc *sqs.Client) Notifier {
	return func(ctx context.Context, dest string, event []byte) error {
		a, err := arn.Parse(dest)
		if err != nil {
			return fmt.Errorf("s3srv: destination %q is not an ARN", dest)
		}
		switch a.Service {
		case "sns":
			if snsc == nil {
				return fmt.Errorf("s3srv: no SNS client for %s", dest)
			}
			_, err := snsc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(dest), Message: aws.String(string(event)), Subject: aws.String(Subject)})
			return err
		case "sqs":
			if sqsc == nil {
				return fmt.Errorf("s3srv: no SQS client for %s", dest)
			}
			u, err := sqsc.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(a.Resource), QueueOwnerAWSAccountId: aws.String(a.AccountID)})
			if err != nil {
				return err
			}
			_, err = sqsc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: u.QueueUrl, MessageBody: aws.String(string(event))})
			return err
		}
		return fmt.Errorf("s3srv: cannot deliver to %s (only SNS topics and SQS queues)", dest)
	}
}
