# METADATA
# title: One queue carries both CloudTrail and GuardDuty notifications
# description: >-
#   Connectors configure one queue per log type: Microsoft Sentinel's AWS S3
#   connector takes one queue per data type, Splunk's SQS-based S3 input one
#   source type per input. When CloudTrail and GuardDuty buckets notify the
#   same queue, the connector parses one kind of file as the other and drops
#   it. Reported for pipeline queues reached by log files of both sources,
#   taking the notifications' prefix and suffix filters into account. AWS
#   documents the catalog's inferred second case, so it holds: a received
#   message "becomes temporarily invisible to other consumers" and a
#   consumer then deletes it, so two products polling one queue each see
#   only part of it; trailgate checks one connector file at a time and so
#   cannot see the second product, and this rule does not report it.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/sentinel/connect-aws-configure-environment
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
#     description: a received message is invisible to other consumers until it is deleted or times out
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
# custom:
#   id: SQ05
#   severity: high
#   area: queue
#   hops: [queue]
#   reads:
#     - ec2:DescribeRegions
#     - s3:GetBucketNotificationConfiguration
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Give each log source its own SQS queue (and SNS topic or notification
#     configuration), and configure the connector with one queue per type.
package trailgate.rules.sq05

import data.trailgate.lib

deny contains f if {
	some arn in lib.pipeline_queues
	q := lib.queue_arn(arn)
	sources := object.get(lib.queue_sources, arn, set())
	count(sources) > 1
	f := lib.with_fix(lib.with_location(
		{
			"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
			"message": sprintf("queue %s receives notifications for %s log files: connectors read one log type per queue", [q.queue.arn, concat(" and ", sort(sources))]),
			"fact": concat(",", sort(sources)),
			"remediation": sprintf("Create one queue per source (e.g. %s-cloudtrail and %s-guardduty), point each source's notification at its own queue, and configure the connector with both.", [q.queue.name, q.queue.name]),
		},
		q.queue,
	), split_fix(q, sort(sources)))
}

# split_fix declares a queue for the second source beside the shared one
# (text, not an exact edit): that source's notification, the queue's
# policy and the connector's second queue are further changes, said.
split_fix(q, sources) := {
	"companion": {
		"suffix": concat("", ["For", title(sources[1])]),
		"type": "AWS::SQS::Queue",
		"properties": {"QueueName": sprintf("%s-%s", [q.queue.name, sources[1]])},
	},
	"also": sprintf("point the %s notification at the new queue instead of %s, give it a queue policy like this queue's (its sender admitted), and configure the connector with both queues (one log type per queue)", [sources[1], q.queue.name]),
}

title(s) := concat("", [upper(substring(s, 0, 1)), substring(s, 1, -1)])
