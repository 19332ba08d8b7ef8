# METADATA
# title: Queue receives a message format the connector does not parse
# description: >-
#   What lands in the queue depends on the route. A trail's own SNS
#   notification sends {"s3Bucket","s3ObjectKey":[…]}, not S3 event Records
#   ("missing field Records"); EventBridge-routed S3 events carry a
#   detail.bucket shape; and an SNS subscription wraps the S3 event in an
#   SNS envelope unless raw message delivery is on. The connector's profile
#   (rego/profiles/<vendor>.json, delivery) says what it parses: Expel needs
#   S3 Records with RawMessageDelivery=true (step E6), Radiant consumes the
#   trail's SNS notifications. Without a connector the consumer's format is
#   unknown and nothing is reported.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
# custom:
#   id: NT05
#   severity: high
#   smoke: [notification-unreadable]
#   area: notification
#   hops: [subscription]
#   reads:
#     - cloudtrail:DescribeTrails
#     - ec2:DescribeRegions
#     - s3:GetBucketNotificationConfiguration
#     - sns:GetSubscriptionAttributes
#     - sns:ListSubscriptionsByTopic
#     - sns:ListTopics
#     - sts:AssumeRole
#   remediation: >-
#     Route S3 object-created notifications (not the trail's SNS topic or
#     EventBridge) to the connector's queue, and set the subscription's
#     RawMessageDelivery to what the connector's guide requires.
package trailgate.rules.nt05

import data.trailgate.lib
import data.trailgate.lib.datapath

queue := input.connector.queue

format := object.get(datapath.profile, ["delivery", "notification_format"], "any")

message(step_id, text) := datapath.step_message(step_id, text) if {
	datapath.step(step_id)
} else := text

deny contains f if {
	format == "s3-records"
	some e in lib.trails
	topic := lib.topic_arn(e.trail.sns_topic_arn)
	some s in lib.sqs_subscriptions(topic.topic)
	s.endpoint == queue
	step_id := object.get(datapath.profile, ["delivery", "format_step"], "")
	f := trail_topic_fix({
		"resource": lib.resource(topic.topic.arn, "AWS::SNS::Topic", topic.account, topic.topic.region),
		"message": message(step_id, sprintf("queue %s is subscribed to %s, the SNS topic of trail %s, which sends {\"s3Bucket\",\"s3ObjectKey\":[…]} messages; the %s connector parses S3 event Records (\"missing field Records\")", [queue, topic.topic.arn, e.trail.arn, datapath.profile_name])),
		"fact": sprintf("trail-sns-format=%s", [topic.topic.arn]),
		"remediation": sprintf("Unsubscribe %s from %s and deliver S3 object-created events of bucket %s instead: add {\"TopicArn\":\"<topic>\",\"Events\":[\"s3:ObjectCreated:*\"]} to the bucket's notification configuration and subscribe the queue to that topic", [queue, topic.topic.arn, e.trail.s3_bucket_name]),
	}, e, topic, s)
}

# trail_topic_fix: where the input declares the trail's bucket, the fix
# is there, the bucket's notification of the queue (S3 sends its Records
# to it directly), and the subscription to the trail's topic goes (also:
# a further change, so the fix is text). Where it does not, the bucket is
# changed where it is declared.
trail_topic_fix(f, e, topic, s) := lib.with_fix(lib.with_location(f, b.bucket), object.union(queue_notification_fix(b), {"also": sprintf("keep the bucket's other notification entries beside this one (its QueueConfigurations; in Terraform, the queue blocks of its aws_s3_bucket_notification), remove the subscription of %s to %s, the trail's topic (%s), and let s3.amazonaws.com sqs:SendMessage to the queue in its queue policy (aws:SourceArn %s; for a KMS-encrypted queue, kms:GenerateDataKey and kms:Decrypt in its key policy)", [queue, topic.topic.arn, subscription_place(s), b.bucket.arn])})) if {
	b := lib.bucket_named(e.trail.s3_bucket_name)
	object.get(b.bucket, ["location", "file"], "") != ""
} else := lib.with_fix(lib.with_location(f, topic.topic), lib.outside_fix(sprintf("the trail's bucket %s, whose notification must reach the queue instead, is not declared in this input", [e.trail.s3_bucket_name]))) if {
	object.get(topic.topic, ["location", "file"], "") != ""
} else := f

subscription_place(s) := sprintf("declared at %s:%d", [s.location.file, s.location.line]) if {
	object.get(s, ["location", "file"], "") != ""
} else := "not declared in this input"

deny contains f if {
	want := datapath.profile.delivery.raw_message_delivery
	is_boolean(want)
	some p in datapath.publishers
	p.principal == "s3.amazonaws.com"
	arn := p.topic
	topic := lib.topic_arn(arn)
	some s in lib.sqs_subscriptions(topic.topic)
	s.endpoint == queue
	got := object.get(s, "raw_message_delivery", false)
	got != want
	step_id := object.get(datapath.profile, ["delivery", "raw_step"], "")
	# The finding is about the subscription's attribute: point at the
	# subscription's own declaration, which a template knows even when it
	# cannot know the subscription's ARN.
	f := lib.with_location({
		"fix": {"set": {"RawMessageDelivery": want}},
		"resource": lib.resource(object.get(s, "arn", arn), "AWS::SNS::Subscription", topic.account, topic.topic.region),
		"message": message(step_id, sprintf("the subscription of queue %s to topic %s has RawMessageDelivery=%v; the %s connector needs %v (%s)", [queue, arn, got, datapath.profile_name, want, envelope_text(want)])),
		"fact": sprintf("raw=%v:%s", [got, arn]),
		"remediation": sprintf("aws sns set-subscription-attributes --region %s --subscription-arn %s --attribute-name RawMessageDelivery --attribute-value %v", [topic.topic.region, object.get(s, "arn", "<subscription-arn>"), want]),
	}, s)
}

envelope_text(true) := "the bare S3 event, without the SNS envelope"

envelope_text(false) := "the SNS envelope with Type and Message"

deny contains f if {
	format == "s3-records"
	queue
	some e in lib.buckets
	object.get(object.get(e.bucket, "notification", {}), "eventbridge_enabled", false)
	some d in lib.sources
	d.bucket == e.bucket.name
	d.kind in lib.connector_sources
	not queue in lib.reach(e.bucket.name)
	f := lib.with_fix({
		"resource": lib.resource(e.bucket.arn, "AWS::S3::Bucket", e.account, e.bucket.region),
		"message": sprintf("bucket %s sends its events to EventBridge and no S3 notification or trail topic reaches queue %s: events routed by EventBridge carry a detail.bucket shape, not the S3 Records the %s connector parses", [e.bucket.name, queue, datapath.profile_name]),
		"fact": sprintf("eventbridge=%s", [e.bucket.name]),
		"remediation": sprintf("Add an S3 event notification {\"Events\":[\"s3:ObjectCreated:*\"]} from bucket %s to a topic or queue that delivers to %s, instead of an EventBridge rule", [e.bucket.name, queue]),
	}, queue_notification_fix(e))
}

# queue_notification_fix: the bucket's NotificationConfiguration gains a
# QueueConfigurations entry for the connector's queue (S3 sends its
# Records there directly). The queue's policy must let s3.amazonaws.com
# send (SQ01), and the bucket's other entries stay: the text says both,
# and the fix is not exact (remedy would replace a QueueConfigurations
# list whole).
queue_notification_fix(e) := object.union(
	lib.set_fix({"NotificationConfiguration": {"QueueConfigurations": [{"Event": "s3:ObjectCreated:*", "Queue": queue}]}}),
	{"also": sprintf("keep the bucket's other QueueConfigurations entries beside this one, and let s3.amazonaws.com sqs:SendMessage to %s in its queue policy (aws:SourceArn %s; for a KMS-encrypted queue, kms:GenerateDataKey and kms:Decrypt in its key policy)", [queue, e.bucket.arn])},
)
