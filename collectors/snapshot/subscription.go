package snapshot

import "strings"

// SubscriptionID names a subscription of topicARN: its ARN, or, for a
// pending or deleted one (which SNS gives no ARN), the topic and endpoint,
// so that the resource stays identifiable (a delivery path's hop, the
// line of its object in a snapshot).
func SubscriptionID(topicARN string, s Subscription) string {
	return subscriptionID(topicARN, s.ARN, s.Endpoint)
}

func subscriptionID(topicARN, arn, endpoint string) string {
	if strings.HasPrefix(arn, "arn:") {
		return arn
	}
	return topicARN + " -> " + endpoint
}

// SubscriptionFilterID names a CloudWatch Logs subscription filter, which
// has no ARN of its own: the ARN of its log group (without ":*") and the
// filter's name (a delivery path's hop, the declaration it is placed at).
func SubscriptionFilterID(groupARN, name string) string {
	return strings.TrimSuffix(groupARN, ":*") + ":subscription-filter:" + name
}
