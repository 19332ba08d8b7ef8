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
