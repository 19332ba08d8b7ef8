# METADATA
# title: SQS queue policy does not let the pipeline's producer send
# description: >-
#   A queue fed by an SNS topic receives nothing unless its policy allows
#   sqs:SendMessage for sns.amazonaws.com with aws:SourceArn = the topic (every
#   topic that feeds it, one per region when topics are per region); a queue
#   fed directly by a bucket notification needs the same for
#   s3.amazonaws.com with aws:SourceArn = the bucket. Each feed of the log
#   pipeline (bucket notifications and trail topics) is checked by asking the
#   authorization evaluator with the context the service sends. Cross-account
#   S3 to SQS fails silently without it.
# related_resources:
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html
# custom:
#   id: SQ01
#   severity: critical
#   area: queue
#   hops: [queue]
#   reads:
#     - ec2:DescribeRegions
#     - s3:GetBucketPolicy
#     - sns:ListSubscriptionsByTopic
#     - sns:ListTopics
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Add to the queue policy a statement allowing the producer's service
#     principal sqs:SendMessage on the queue, conditioned on aws:SourceArn =
#     the topic (or bucket) ARN.
package trailgate.rules.sq01

import data.trailgate.lib

deny contains f if {
	some feed in lib.queue_feeds
	q := lib.queue_arn(feed.queue)
	answer := lib.service_answer(feed.service, "sqs:SendMessage", q.queue.arn, feed.source)
	lib.denied(answer)
	f := lib.with_grant_location(
		lib.with_fix({
			"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
			"message": sprintf("%s cannot send messages from %s to queue %s: %s%s", [feed.service, feed.source, q.queue.arn, answer.proof, hint(q.queue, feed)]),
			"fact": feed.source,
			"remediation": sprintf("Add to the queue policy of %s: %s", [q.queue.arn, lib.statement_json(send_statement(q, feed))]),
		}, lib.grant_fix(answer, send_statement(q, feed))),
		q.queue, object.get(q.queue, "policy", {}), answer, feed.service, "sqs:SendMessage",
	)
}

send_statement(q, feed) := {
	"Sid": "AllowPipelineSend",
	"Effect": "Allow",
	"Principal": {"Service": feed.service},
	"Action": "sqs:SendMessage",
	"Resource": q.queue.arn,
	"Condition": {"ArnEquals": {"aws:SourceArn": feed.source}},
}

hint(queue, feed) := sprintf(" (the policy's aws:SourceArn condition names %s, not %s)", [concat(", ", sort(values)), feed.source]) if {
	values := lib.condition_values(queue.policy.document, feed.service, "sqs:SendMessage", "aws:SourceArn")
	count(values) > 0
	every v in values {
		not glob.match(v, null, feed.source)
	}
} else := ""
