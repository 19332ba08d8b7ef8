# METADATA
# title: Pipeline queue loses or repeats messages under load or outage
# description: >-
#   Reported for queues the log pipeline feeds: no RedrivePolicy (a message
#   that keeps failing is retried until retention drops it; Splunk's
#   using_dlq check wants a dead-letter queue) or maxReceiveCount 1 (one
#   failed receive dead-letters a message); MessageRetentionPeriod below 7
#   days (the 4-day default loses notifications in a connector outage over a
#   long weekend; Expel's guide uses 7 days; threshold inferred); a
#   VisibilityTimeout of 30 seconds (the default) or less (a connector that
#   downloads and parses a large log file takes longer, so the message
#   reappears while still being processed: duplicates; Filebeat asks for
#   one "a lot bigger" than processing; threshold inferred), or below the
#   value the connector's vendor guide sets when it sets one (Expel: 30 s,
#   sized for its consumer), and above all 0 (every receive leaves the
#   message visible to the next poll at once, so it is received again and
#   again and, with a redrive policy, lands in a dead-letter queue the
#   connector never reads); and a lifecycle rule
#   that expires log objects sooner than the queue retains messages (stale
#   messages then point at deleted objects). AWS documents both halves of
#   the catalog's inferred fact, so it holds: S3 Lifecycle expiration
#   deletes expired objects, and GetObject of a key that no longer exists
#   returns 404 NoSuchKey to a caller with s3:ListBucket and 403 Access
#   Denied to one without. All problems of one queue are one finding
#   listing them (with the vendor guide's queue step, when it fails).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html
#     description: expiration actions delete expired objects
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
#     description: NoSuchKey (with s3:ListBucket) or AccessDenied for a missing key
# custom:
#   id: SQ04
#   severity: medium
#   smoke: [object-gone]
#   area: queue
#   hops: [queue]
#   reads:
#     - ec2:DescribeRegions
#     - s3:GetBucketLifecycleConfiguration
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Give the queue a dead-letter queue (maxReceiveCount 5 or more), at
#     least 4 days of retention (7 recommended), a visibility timeout longer
#     than the connector's processing time, and keep log objects longer than
#     messages.
package trailgate.rules.sq04

import data.trailgate.lib
import data.trailgate.lib.datapath

# seven_days is the retention below which a connector outage loses
# notifications (Expel's guide; the 4-day default is below it).
seven_days := 604800

# default_visibility is SQS's default VisibilityTimeout: at or below it a
# log connector's processing outlasts the timeout (inferred).
default_visibility := 30

queues contains q if {
	some arn in lib.pipeline_queues
	q := lib.queue_arn(arn)
}

generic contains f if {
	some q in queues
	not q.queue.redrive_policy
	f := lib.with_fix(finding(q, "no redrive policy", sprintf("queue %s has no dead-letter queue: a message that keeps failing is retried until retention drops it", [q.queue.arn]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes '{\"RedrivePolicy\":\"{\\\"deadLetterTargetArn\\\":\\\"%s-dlq\\\",\\\"maxReceiveCount\\\":\\\"5\\\"}\"}' (create the %s-dlq queue first)", [q.queue.region, url(q), q.queue.arn, q.queue.name])), dead_letter_fix(q))
}

# dead_letter_fix points the redrive policy at the queue's dead-letter
# queue: the <name>-dlq queue when it exists already (a second queue of
# that name cannot be created), else one declared beside the queue (14
# days' retention, SQS's longest, so that a failed message outlives its
# source's). A FIFO queue needs a FIFO dead-letter queue: its fix stays
# prose.
dead_letter_fix(q) := {"set": {"RedrivePolicy": {"deadLetterTargetArn": dlq.queue.arn, "maxReceiveCount": 5}}} if {
	not q.queue.fifo_queue
	# Looked up by ARN (every collector writes a queue's ARN from its
	# partition, region, account and name), not by scanning every queue per
	# queue, which grew with the square of the stacks checked together.
	dlq := lib.queue_arn(sprintf("%s-dlq", [q.queue.arn]))
	dlq.account == q.account
	dlq.queue.region == q.queue.region
	dlq.queue.name == sprintf("%s-dlq", [q.queue.name])
} else := {
	"set": {"RedrivePolicy": {"deadLetterTargetArn": {"Fn::GetAtt": ["$companion", "Arn"]}, "maxReceiveCount": 5}},
	"companion": {"suffix": "DeadLetterQueue", "type": "AWS::SQS::Queue", "properties": {"QueueName": sprintf("%s-dlq", [q.queue.name]), "MessageRetentionPeriod": 1209600}},
} if {
	not q.queue.fifo_queue
} else := null

generic contains f if {
	some q in queues
	q.queue.redrive_policy.max_receive_count == 1
	f := finding(q, "maxReceiveCount=1", sprintf("queue %s dead-letters a message after a single failed receive (maxReceiveCount 1)", [q.queue.arn]), "Raise the redrive policy's maxReceiveCount to 5 or more.")
}

generic contains f if {
	some q in queues
	q.queue.message_retention_period > 0
	q.queue.message_retention_period < seven_days
	f := lib.with_fix(finding(q, "retention", sprintf("queue %s keeps messages %d seconds (%s), less than 7 days: a connector outage longer than that loses log notifications", [q.queue.arn, q.queue.message_retention_period, days_text(q.queue.message_retention_period)]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes MessageRetentionPeriod=604800", [q.queue.region, url(q)])), {"set": {"MessageRetentionPeriod": seven_days}})
}

generic contains f if {
	some q in queues
	q.queue.visibility_timeout == 0
	f := lib.with_fix(finding(q, "visibility", visibility_zero_text(q), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes VisibilityTimeout=300", [q.queue.region, url(q)])), lib.set_fix({"VisibilityTimeout": 300}))
}

visibility_zero_text(q) := sprintf("queue %s has a visibility timeout of 0 seconds: a received message is visible to the next poll at once, so it is received again while still being processed, and after %d receives it goes to the dead-letter queue %s, which the connector never reads", [q.queue.arn, q.queue.redrive_policy.max_receive_count, q.queue.redrive_policy.dead_letter_target_arn]) if {
	q.queue.redrive_policy.max_receive_count > 0
} else := sprintf("queue %s has a visibility timeout of 0 seconds: a received message is visible to the next poll at once, so every log file is received and processed again and again", [q.queue.arn])

generic contains f if {
	some q in queues
	q.queue.visibility_timeout > 0
	visibility_too_short(q.queue.visibility_timeout)
	f := lib.with_fix(finding(q, "visibility", sprintf("queue %s has a visibility timeout of %d seconds (%s): a log file that takes longer to download and parse reappears while the connector still processes it, producing duplicates", [q.queue.arn, q.queue.visibility_timeout, visibility_basis]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes VisibilityTimeout=300", [q.queue.region, url(q)])), {"set": {"VisibilityTimeout": 300}})
}

generic contains f if {
	some q in queues
	some name in lib.queue_buckets[q.queue.arn]
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

# vendor_visibility is the visibility timeout the connector's vendor guide
# sets (Expel: 30 s): the vendor sized its consumer for it, so it is the
# floor instead of the default.
vendor_visibility := max(vs) if {
	vs := {v | some st in datapath.profile.steps; v := st.require.queue_attributes.visibility_timeout}
	count(vs) > 0
}

visibility_too_short(v) if {
	not vendor_visibility
	v <= default_visibility
}

visibility_too_short(v) if v < vendor_visibility

visibility_basis := sprintf("%s step %s sets %d", [datapath.profile_name, concat(", ", sort(visibility_steps)), vendor_visibility]) if {
	vendor_visibility
} else := "at or below the 30-second default"

# visibility_steps name the guide steps that set the visibility timeout.
visibility_steps contains st.id if {
	some st in datapath.profile.steps
	st.require.queue_attributes.visibility_timeout
}

days_text(seconds) := sprintf("%d days", [seconds / 86400]) if {
	seconds % 86400 == 0
} else := sprintf("%d hours", [seconds / 3600])

# problems are the queue's tuning problems: the checks above, and the
# connector's vendor profile steps that name SQ04 (rego/profiles/*.json,
# checked in lib/datapath.rego) except a queue attribute the checks above
# already report on the same queue.
problems contains f if some f in generic

problems contains f if {
	some f in datapath.profile_findings.SQ04
	not covered(f)
}

# One queue, one finding: every problem of the queue listed in it.
deny contains f if {
	some id in {p.resource.id | some p in problems}
	# The problems of one queue, in a comprehension of its own, which OPA
	# indexes by id: nested in the sort calls, it scanned every problem
	# per queue (most of SQ04 on 300 stacks checked together).
	own := [p | some p in problems; p.resource.id == id]
	ps := array.concat(
		sort_by_fact([p | some p in own; not p.step]),
		sort_by_fact([p | some p in own; p.step]),
	)
	f := merged(ps)
}

sort_by_fact(ps) := [p | some fact in sort({x.fact | some x in ps}); some p in ps; p.fact == fact]

merged(ps) := ps[0] if count(ps) == 1

merged(ps) := lib.with_fix(object.union(object.remove(ps[0], ["step", "fix"]), {
	"message": sprintf("%d problems: %s", [count(ps), concat("; ", [sprintf("(%d) %s", [i + 1, p.message]) | some i, p in ps])]),
	"fact": concat(",", [p.fact | some p in ps]),
	"remediation": concat("; ", [p.remediation | some p in ps]),
}), lib.merged_fix([object.get(p, "fix", null) | some p in ps])) if count(ps) > 1

covered_attribute := {"message_retention_period": "retention", "visibility_timeout": "visibility"}

covered(pf) if {
	some attribute, fact in covered_attribute
	contains(pf.fact, sprintf(":%s=", [attribute]))
	some g in generic
	g.fact == fact
	g.resource.id == pf.resource.id
}
