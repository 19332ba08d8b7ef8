// Package snssrv is a loopback Amazon SNS (query/XML protocol) serving the
// topics and subscriptions of a World's snapshot: ListTopics,
// GetTopicAttributes, ListSubscriptionsByTopic and GetSubscriptionAttributes.
// It is the project's own server for collect (the smoke test uses fauxqs);
// it serves reads only and delivers nothing.
package snssrv
