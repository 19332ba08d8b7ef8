# METADATA
# title: Pipeline queue loses or repeats messages under load or outage
# description: >-
#   Reported for queues the log pipeline feeds: no RedrivePolicy (a message
#   that keeps failing is retried until retention drops it; Splunk's
#   using_dlq check wants a dead-letter queue) or maxReceiveCount 1 (one
#   failed receive dead-letters a message); MessageRetentionPeriod below the
#   4-day default (a connector outage longer than that loses notifications;
#   Expel uses 7 days); VisibilityTimeout below the 30-second default (a
#   message becomes visible again while still being processed: duplicates;
#   Filebeat asks for one much longer than processing); and a lifecycle rule
#   that expires log objects sooner than the queue retains messages (stale
#   messages then point at deleted objects: NoSuchKey; inferred, not read).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
# custom:
#   id: SQ04
#   severity: medium
#   hop: queue
#   remediation: >-
#     Give the queue a dead-letter queue (maxReceiveCount 5 or more), at
#     least 4 days of retention (7 recommended), a visibility timeout longer
#     than the connector's processing time, and keep log objects longer than
#     messages.
package trailgate.rules.sq04

import data.trailgate.lib
import data.trailgate.lib.datapath

four_days := 345600

queues contains q if {
	some arn in lib.pipeline_queues
	q := lib.queue_arn(arn)
}

deny contains f if {
	some q in queues
	not q.queue.redrive_policy
	f := finding(q, "no redrive policy", sprintf("queue %s has no dead-letter queue: a message that keeps failing is retried until retention drops it", [q.queue.arn]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes '{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"%s-dlq\\\",\\\"maxReceiveCount\\\":\\\"5\\\"}\"}' (create the %s-dlq queue first)", [q.queue.region, url(q), q.queue.arn, q.queue.name]))
}

deny contains f if {
	some q in queues
	q.queue.redrive_policy.max_receive_count == 1
	f := finding(q, "maxReceiveCount=1", sprintf("queue %s dead-letters a message after a single failed receive (maxReceiveCount 1)", [q.queue.arn]), "Raise the redrive policy's maxReceiveCount to 5 or more.")
}

deny contains f if {
	some q in queues
	q.queue.message_retention_period > 0
	q.queue.message_retention_period < four_days
	f := finding(q, "retention", sprintf("queue %s keeps messages %d seconds, less than the 4-day default: a longer connector outage loses log notifications", [q.queue.arn, q.queue.message_retention_period]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes MessageRetentionPeriod=604800", [q.queue.region, url(q)]))
}

deny contains f if {
	some q in queues
	q.queue.visibility_timeout < 30
	f := finding(q, "visibility", sprintf("queue %s has a visibility timeout of %d seconds: messages reappear while the connector still processes them, producing duplicates", [q.queue.arn, q.queue.visibility_timeout]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes VisibilityTimeout=300", [q.queue.region, url(q)]))
}

deny contains f if {
	some q in queues
	some name in lib.log_buckets
	q.queue.arn in lib.reach(name)
	b := lib.bucket_named(name)
	some rule in object.get(b.bucket, "lifecycle", [])
	rule.status == "Enabled"
	days := object.get(rule, "expiration_days", 0)
	days > 0
	days * 86400 < q.queue.message_retention_period
	f := finding(q, sprintf("lifecycle %s", [b.bucket.name]), sprintf("bucket %s expires objects after %d days (rule %s), sooner than queue %s keeps messages (%d seconds): a backlog ends in NoSuchKey errors", [b.bucket.name, days, object.get(rule, "id", ""), q.queue.arn, q.queue.message_retention_period]), sprintf("Keep log objects in %s longer than %d days, or shorten the queue's retention below %d seconds.", [b.bucket.name, q.queue.message_retention_period / 86400, days * 86400]))
}

url(q) := q.queue.url if {
	q.queue.url != ""
} else := sprintf("https://sqs.%s.amazonaws.com/%s/%s", [q.queue.region, q.account, q.queue.name])

finding(q, fact, message, fix) := lib.with_location(
	{
		"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
		"message": message,
		"fact": fact,
		"remediation": fix,
	},
	q.queue,
)

# The connector's vendor profile steps that name SQ04 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.SQ04
