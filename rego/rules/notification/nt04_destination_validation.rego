# METADATA
# title: S3 cannot validate the notification destination
# description: >-
#   When a notification configuration is saved, S3 validates every
#   destination ("InvalidArgument: Unable to validate the following
#   destination configurations"). This rule reports the destination
#   properties S3 refuses - a topic or queue in another Region than the
#   bucket, an SNS FIFO topic ("Currently, Standard SNS is only allowed as
#   an S3 event notification destination"), an SQS FIFO queue - for the
#   notifications of log buckets. AWS documents the catalog's inferred SQS
#   FIFO fact, so it holds: the AWS::S3::Bucket QueueConfiguration reference
#   says "FIFO queues are not allowed when enabling an SQS queue as the
#   event notification destination".
#   The destination policy and key grants S3 also needs are reported by
#   SN01/SQ01 (policy) and SN02/SQ02 (key), so they are not repeated here.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
#   - ref: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-s3-bucket-queueconfiguration.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
# custom:
#   id: NT04
#   severity: critical
#   area: notification
#   hops: [notification, topic, queue]
#   reads:
#     - ec2:DescribeRegions
#     - s3:GetBucketLocation
#     - s3:GetBucketNotificationConfiguration
#     - s3:ListBuckets
#     - sns:GetTopicAttributes
#     - sns:ListTopics
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Point the notification at a standard (non-FIFO) topic or queue in the
#     bucket's Region; fan out to FIFO or other-Region consumers from there.
package trailgate.rules.nt04

import data.trailgate.lib
import data.trailgate.lib.datapath

log_bucket_targets contains [e, t] if {
	some e in lib.buckets
	e.bucket.name in lib.log_buckets
	some t in lib.notification_targets(e.bucket)
}

deny contains f if {
	some [e, t] in log_bucket_targets
	region := lib.region_of_arn(t.cfg.arn)
	region != e.bucket.region
	f := finding(
		e, t, sprintf("region=%s", [region]), sprintf(
			"bucket %s (in %s) notifies %s %s in %s: S3 notifies destinations in the bucket's Region only",
			[e.bucket.name, e.bucket.region, t.kind, t.cfg.arn, region],
		),
		sprintf("Create the %s in %s and point the notification at it (SNS can then deliver to a queue in another Region)", [t.kind, e.bucket.region]),
	)
}

fifo(t) if endswith(t.cfg.arn, ".fifo")

fifo(t) if {
	t.kind == "topic"
	lib.topic_arn(t.cfg.arn).topic.fifo_topic
}

fifo(t) if {
	t.kind == "queue"
	lib.queue_arn(t.cfg.arn).queue.fifo_queue
}

deny contains f if {
	some [e, t] in log_bucket_targets
	fifo(t)
	f := finding(
		e, t, "fifo", sprintf(
			"bucket %s notifies FIFO %s %s: S3 event notifications accept standard topics and queues only",
			[e.bucket.name, t.kind, t.cfg.arn],
		),
		sprintf("Point the notification at a standard %s in %s", [t.kind, e.bucket.region]),
	)
}

# finding points at the notification entry where the input declares it,
# whose destination is the change: a standard topic or queue in the
# bucket's Region, which the user names (a value to fill in; a topic in
# another Region cannot be moved, and the new one needs the policy and
# subscriptions of the old).
finding(e, t, fact, message, fix) := lib.with_fix(lib.locate(
	{
		"resource": lib.resource(e.bucket.arn, "AWS::S3::Bucket", e.account, e.bucket.region),
		"message": message,
		"fact": sprintf("%s:%s", [t.cfg.arn, fact]),
		"remediation": fix,
	},
	[object.get(t.cfg, "location", null)],
), destination_fix(e, t))

destination_fix(e, t) := object.union(
	{"set_at": {entry_property[t.kind]: sprintf("<a standard %s in %s>", [t.kind, e.bucket.region])}},
	{"also": sprintf("create that %s in %s with the policy and subscriptions of %s (its policy letting s3.amazonaws.com send, aws:SourceArn %s)", [t.kind, e.bucket.region, t.cfg.arn, e.bucket.arn])},
) if {
	object.get(t.cfg, ["location", "file"], "") != ""
} else := null

# entry_property names a NotificationConfiguration entry's destination
# (AWS::S3::Bucket TopicConfiguration.Topic, QueueConfiguration.Queue).
entry_property := {"topic": "Topic", "queue": "Queue"}

# expel step E4 (a Standard topic in the bucket's Region) and other profile
# steps reported under NT04.
deny contains f if {
	some f in datapath.profile_findings.NT04
	# A FIFO topic as S3's destination is reported above, guide or not.
	not endswith(f.fact, ":topic_type")
}
