# METADATA
# title: Bucket notifications overlap or overwrite each other
# description: >-
#   S3 refuses two notification configurations whose prefixes and suffixes
#   overlap for the same event type ("Configuration is ambiguously defined.
#   Cannot have overlapping suffixes in two rules if the prefixes are
#   overlapping for the same event type."), so a second consumer cannot be
#   added beside an existing one (a Datadog Lambda, another SIEM). And a
#   bucket's notification configuration is one document: Terraform's
#   aws_s3_bucket_notification and PutBucketNotificationConfiguration replace
#   it whole, so two resources declaring notifications for one bucket
#   silently drop each other's. The fix is one SNS topic that fans out.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html
#   - ref: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_notification
#   - ref: https://aws.amazon.com/blogs/compute/fanout-s3-event-notifications-to-multiple-endpoints/
# custom:
#   id: NT03
#   severity: high
#   area: notification
#   hops: [notification]
#   reads:
#     - s3:GetBucketNotificationConfiguration
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Send the bucket's object-created events to one SNS topic and subscribe
#     every consumer (Lambda, SQS queues) to it; declare the bucket's
#     notifications in exactly one resource.
package trailgate.rules.nt03

import data.trailgate.lib

targets(b) := array.concat(lib.notification_targets(b), [{"kind": "lambda", "cfg": c} |
	some c in object.get(object.get(b, "notification", {}), "lambda_configurations", [])
])

# events_overlap: equal events, or a wildcard event covering the other.
events_overlap(a, b) if a == b

events_overlap(a, b) if covers(a, b)

events_overlap(a, b) if covers(b, a)

covers(wild, e) if {
	endswith(wild, "*")
	startswith(e, trim_suffix(wild, "*"))
}

some_events_overlap(x, y) if {
	some a in object.get(x, "events", [])
	some b in object.get(y, "events", [])
	events_overlap(a, b)
}

suffixes_overlap(a, b) if endswith(a, b)

suffixes_overlap(a, b) if endswith(b, a)

prefixes_overlap(a, b) if startswith(a, b)

prefixes_overlap(a, b) if startswith(b, a)

label(t) := sprintf("%s %s", [t.kind, t.cfg.arn])

deny contains f if {
	some e in lib.buckets
	ts := targets(e.bucket)
	some i, x in ts
	some j, y in ts
	i < j
	some_events_overlap(x.cfg, y.cfg)
	prefixes_overlap(object.get(x.cfg, "filter_prefix", ""), object.get(y.cfg, "filter_prefix", ""))
	suffixes_overlap(object.get(x.cfg, "filter_suffix", ""), object.get(y.cfg, "filter_suffix", ""))
	pair := sort([label(x), label(y)])
	f := lib.with_fix({
		"resource": lib.resource(e.bucket.arn, "AWS::S3::Bucket", e.account, e.bucket.region),
		"message": sprintf("bucket %s has overlapping notifications for the same events (%s and %s): S3 rejects the configuration (\"Configuration is ambiguously defined\")", [e.bucket.name, pair[0], pair[1]]),
		"fact": sprintf("overlap=%s|%s", pair),
		"remediation": fanout_fix(e),
	}, fanout_data(pair))
}

# fanout_data is fanout_fix in template terms: the bucket's notification
# becomes one TopicConfigurations entry to a topic the user names (or
# declares), and the overlapping entries go, their destinations
# subscribing to that topic; text, not an exact edit.
fanout_data(pair) := object.union(
	lib.set_fix({"NotificationConfiguration": {"TopicConfigurations": [{"Event": "s3:ObjectCreated:*", "Topic": "<one SNS topic for the bucket>"}]}}),
	{"also": sprintf("remove the overlapping entries (%s and %s) and subscribe each of their destinations to that topic (queues with Protocol sqs, functions with lambda), the topic's policy letting s3.amazonaws.com SNS:Publish", pair)},
)

fanout_fix(e) := sprintf("Create one SNS topic for bucket %s, point a single {\"Events\":[\"s3:ObjectCreated:*\"]} TopicConfiguration at it, and subscribe each consumer (queues with sqs, Lambdas with lambda) to the topic", [e.bucket.name])

# addresses are the IaC resources that declare a bucket's notifications.
addresses(b) := {a |
	some t in targets(b)
	a := t.cfg.location.address
	a != ""
} | {a |
	a := b.notification.location.address
	a != ""
}

deny contains f if {
	some e in lib.buckets
	addrs := addresses(e.bucket)
	count(addrs) > 1
	some a in addrs
	startswith(a, "aws_s3_bucket_notification.")
	list := sort(addrs)
	f := {
		"resource": lib.resource(e.bucket.arn, "AWS::S3::Bucket", e.account, e.bucket.region),
		"message": sprintf("bucket %s has notifications declared by %d resources (%s): each replaces the bucket's whole notification configuration, so all but the last applied are silently dropped", [e.bucket.name, count(list), concat(", ", list)]),
		"fact": sprintf("overwrite=%s", [concat(",", list)]),
		"remediation": sprintf("Declare every notification of bucket %s in one aws_s3_bucket_notification resource, or fan out through one SNS topic (%s)", [e.bucket.name, fanout_fix(e)]),
	}
}
