# METADATA
# title: The pipeline's producer cannot use the queue's encryption key
# description: >-
#   A queue encrypted with SSE-KMS accepts a message only if the producer may
#   use the key: SNS (or S3, on the direct path) calls kms:GenerateDataKey and
#   kms:Decrypt as its service principal. The AWS managed key alias/aws/sqs
#   cannot be used this way, since its key policy cannot be edited to admit
#   AWS services; a customer managed key's policy must allow the service.
#   Each producer of the pipeline is asked of the authorization evaluator.
#   SSE-SQS (SQS-managed encryption) is not reported: it has no key policy
#   to get wrong. AWS does not document that SSE-SQS works with SNS and S3
#   producers (the catalog's "should be fine" stays inferred): its
#   encryption-at-rest page says SSE-SQS uses SQS-managed keys, and its
#   "Configure KMS permissions for AWS services" section asks event sources
#   for key-policy grants only when the queue uses a KMS key. The
#   consumer's kms:Decrypt is KM01. Symptom in the SNS delivery log:
#   KMS.AccessDeniedException … not authorized to perform: kms:GenerateDataKey.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
#     description: key-policy grants event sources need for SSE-KMS queues
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
#     description: SSE-SQS uses SQS-managed keys (no key policy)
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/sns-enable-encryption-for-topic-sqs-queue-subscriptions.html
# custom:
#   id: SQ02
#   severity: critical
#   smoke: [queue-key-refused]
#   area: queue
#   hops: [queue-key]
#   reads:
#     - ec2:DescribeRegions
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - kms:ListAliases
#     - kms:ListKeys
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Encrypt the queue with SSE-SQS, or with a customer managed key whose
#     policy lets the producer's service principal kms:GenerateDataKey* and
#     kms:Decrypt.
package trailgate.rules.sq02

import data.trailgate.lib
import data.trailgate.lib.datapath

deny contains f if {
	some feed in lib.queue_feeds
	q := lib.queue_arn(feed.queue)
	aws_managed_key(q)
	f := lib.with_fix(finding(q, feed, "alias/aws/sqs", sprintf("queue %s is encrypted with the AWS managed key alias/aws/sqs: %s cannot use it to send from %s, as that key's policy cannot be edited to admit AWS services", [q.queue.arn, feed.service, feed.source]), sprintf("aws sqs set-queue-attributes --region %s --queue-url %s --attributes SqsManagedSseEnabled=true (or KmsMasterKeyId=<a customer managed key whose policy admits %s>)", [q.queue.region, queue_url(q), feed.service])), managed_key_fix(feed))
}

# managed_key_fix: the queue's key becomes one the user creates (or names)
# whose policy admits the sender, or SSE-SQS; the key is the user's to
# name, so the change says where and what, without an exact edit.
managed_key_fix(feed) := object.union(lib.set_fix({"KmsMasterKeyId": sprintf("<a customer managed key whose policy admits %s>", [feed.service])}), {"also": "or, without a key to manage, drop the KMS key and use SSE-SQS, which AWS services can send to (CloudFormation SqsManagedSseEnabled: true; Terraform sqs_managed_sse_enabled = true)"})

aws_managed_key(q) if endswith(object.get(q.queue, "kms_master_key_id", ""), "alias/aws/sqs")

aws_managed_key(q) if lib.key_ref(q.queue.kms_master_key_id, q.account, q.queue.region).key.key_manager == "AWS"

queue_url(q) := q.queue.url if {
	q.queue.url != ""
} else := sprintf("https://sqs.%s.amazonaws.com/%s/%s", [q.queue.region, q.account, q.queue.name])

deny contains f if {
	some feed in lib.queue_feeds
	q := lib.queue_arn(feed.queue)
	not aws_managed_key(q)
	k := lib.key_ref(q.queue.kms_master_key_id, q.account, q.queue.region)
	missing := [action |
		some action in ["kms:GenerateDataKey", "kms:Decrypt"]
		lib.denied(lib.service_answer(feed.service, action, k.key.arn, feed.source))
	]
	count(missing) > 0
	answer := lib.service_answer(feed.service, missing[0], k.key.arn, feed.source)
	f := lib.with_fix(key_finding(q, k, answer, feed, missing[0], finding(q, feed, sprintf("%s %s", [k.key.arn, concat(",", missing)]), sprintf("%s cannot %s with key %s of queue %s (messages from %s): %s", [feed.service, concat(" and ", missing), k.key.arn, q.queue.arn, feed.source, answer.proof]), sprintf("Add to the key policy of %s: %s", [k.key.arn, lib.statement_json(producer_statement(feed))]))), lib.grant_fix(answer, producer_statement(feed)))
}

# producer_statement lets the service that sends to the queue use its key,
# for that sender only (aws:SourceArn).
producer_statement(feed) := {
	"Sid": "AllowPipelineProducer",
	"Effect": "Allow",
	"Principal": {"Service": feed.service},
	"Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
	"Resource": "*",
	"Condition": {"ArnEquals": {"aws:SourceArn": feed.source}},
}

# key_finding points a missing key grant at the key policy to edit (the
# statement that nearly grants it, else the document), else at the queue.
key_finding(q, k, answer, feed, action, f) := lib.locate(f, [
	lib.statement_location(object.get(k.key, "policy", {}), answer, "resourcePolicy"),
	lib.granting_location(object.get(k.key, "policy", {}), feed.service, action),
	object.get(k.key, ["policy", "location"], null),
	object.get(k.key, "location", null),
	object.get(q.queue, "location", null),
])

finding(q, feed, fact, message, fix) := lib.with_location(
	{
		"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
		"message": message,
		"fact": sprintf("%s %s", [feed.service, fact]),
		"remediation": fix,
	},
	q.queue,
)

# The connector's vendor profile steps that name SQ02 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.SQ02
