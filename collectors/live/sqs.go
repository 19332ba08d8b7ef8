package live

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectSQS reads the queues of cfg.Region with all their attributes.
func (c *collector) collectSQS(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := sqs.NewFromConfig(cfg)
	region := cfg.Region
	// MaxResults makes ListQueues paginate; without it SQS silently stops
	// at 1,000 queues.
	qp := sqs.NewListQueuesPaginator(cl, &sqs.ListQueuesInput{MaxResults: aws.Int32(1000)})
	eachPage(ctx, c, qp, call{account, region, "sqs", "ListQueues", ""}, func(page *sqs.ListQueuesOutput) {
		for _, url := range page.QueueUrls {
			attrs, err := cl.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
				AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
			if c.fail(account, region, "sqs", "GetQueueAttributes", url, err) {
				continue
			}
			into.Queues = append(into.Queues, queue(url, region, attrs.Attributes))
		}
	})
}

func queue(url, region string, a map[string]string) snapshot.Queue {
	q := snapshot.Queue{ARN: a["QueueArn"], URL: url, Region: region, KmsMasterKeyID: a["KmsMasterKeyId"],
		SqsManagedSseEnabled: a["SqsManagedSseEnabled"] == "true", FifoQueue: a["FifoQueue"] == "true"}
	q.Name = url[strings.LastIndex(url, "/")+1:]
	if q.ARN == "" {
		q.ARN = url
	}
	q.VisibilityTimeout, _ = strconv.Atoi(a["VisibilityTimeout"])
	q.MessageRetentionPeriod, _ = strconv.Atoi(a["MessageRetentionPeriod"])
	q.DelaySeconds, _ = strconv.Atoi(a["DelaySeconds"])
	q.MaximumMessageSize, _ = strconv.Atoi(a["MaximumMessageSize"])
	q.ReceiveWaitTimeSeconds, _ = strconv.Atoi(a["ReceiveMessageWaitTimeSeconds"])
	if p, ok := a["Policy"]; ok {
		if doc, ok := document(p); ok {
			q.Policy = &snapshot.Policy{Document: doc}
		}
	}
	if rp := a["RedrivePolicy"]; rp != "" {
		// maxReceiveCount arrives as a number or, from older queues, a string.
		var raw struct {
			DeadLetterTargetArn string          `json:"deadLetterTargetArn"`
			MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
		}
		if json.Unmarshal([]byte(rp), &raw) == nil {
			n, _ := strconv.Atoi(strings.Trim(string(raw.MaxReceiveCount), `"`))
			q.RedrivePolicy = &snapshot.RedrivePolicy{DeadLetterTargetARN: raw.DeadLetterTargetArn, MaxReceiveCount: n}
		}
	}
	return q
}
