package live

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectSNS reads the topics of cfg.Region with their attributes and
// subscriptions (including other accounts' subscriptions, which the topic
// owner sees).
func (c *collector) collectSNS(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := sns.NewFromConfig(cfg)
	region := cfg.Region
	tp := sns.NewListTopicsPaginator(cl, &sns.ListTopicsInput{})
	eachPage(ctx, c, tp, call{account, region, "sns", "ListTopics", ""}, func(page *sns.ListTopicsOutput) {
		for _, t := range page.Topics {
			into.Topics = append(into.Topics, c.topic(ctx, cl, account, region, aws.ToString(t.TopicArn)))
		}
	})
}

func (c *collector) topic(ctx context.Context, cl *sns.Client, account, region, arn string) snapshot.Topic {
	t := snapshot.Topic{Name: arn[strings.LastIndex(arn, ":")+1:], ARN: arn, Region: region}
	attrs, err := cl.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
	if !c.fail(account, region, "sns", "GetTopicAttributes", arn, err) {
		if p, ok := attrs.Attributes["Policy"]; ok {
			if doc, ok := document(p); ok {
				t.Policy = &snapshot.Policy{Document: doc}
			}
		}
		t.KmsMasterKeyID = attrs.Attributes["KmsMasterKeyId"]
		t.FifoTopic = attrs.Attributes["FifoTopic"] == "true"
	}
	sp := sns.NewListSubscriptionsByTopicPaginator(cl, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(arn)})
	eachPage(ctx, c, sp, call{account, region, "sns", "ListSubscriptionsByTopic", arn}, func(page *sns.ListSubscriptionsByTopicOutput) {
		for _, s := range page.Subscriptions {
			sub := snapshot.Subscription{ARN: aws.ToString(s.SubscriptionArn), Protocol: aws.ToString(s.Protocol),
				Endpoint: aws.ToString(s.Endpoint), Owner: aws.ToString(s.Owner)}
			switch sub.ARN {
			case "PendingConfirmation":
				// A pending subscription has no ARN to ask about yet.
				sub.PendingConfirmation = true
			case "Deleted":
			default:
				sa, err := cl.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: s.SubscriptionArn})
				if !c.fail(account, region, "sns", "GetSubscriptionAttributes", sub.ARN, err) {
					a := sa.Attributes
					sub.PendingConfirmation = a["PendingConfirmation"] == "true"
					sub.RawMessageDelivery = a["RawMessageDelivery"] == "true"
					if fp := a["FilterPolicy"]; fp != "" && json.Valid([]byte(fp)) {
						sub.FilterPolicy, _ = document(fp)
					}
					sub.FilterPolicyScope = a["FilterPolicyScope"]
				}
			}
			t.Subscriptions = append(t.Subscriptions, sub)
		}
	})
	return t
}
