# METADATA
# title: SNS topic policy does not let S3 publish the log bucket's events
# description: >-
#   A log bucket's event notification to an SNS topic is delivered only if
#   the topic policy allows sns:Publish for the service principal
#   s3.amazonaws.com with aws:SourceArn = the bucket's ARN and
#   aws:SourceAccount = the bucket owner's account (when the policy conditions
#   on them). The check asks the authorization evaluator with the context S3
#   sends, so a SourceAccount pinned to the topic owner while the bucket is
#   in another account (the Radiant sample), a SourceArn naming another
#   bucket, or a Deny is reported. Without it S3 refuses the notification
#   configuration, or (if the policy changed later) drops the events
#   silently.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html
# custom:
#   id: SN01
#   severity: critical
#   area: topic
#   hops: [topic]
#   reads:
#     - ec2:DescribeRegions
#     - sns:GetTopicAttributes
#     - sns:ListTopics
#     - sts:AssumeRole
#   remediation: >-
#     Add to the topic policy a statement allowing s3.amazonaws.com
#     SNS:Publish on the topic, conditioned on aws:SourceArn = the bucket ARN
#     and aws:SourceAccount = the bucket owner's account.
package trailgate.rules.sn01

import data.trailgate.lib

deny contains f if {
	some name in lib.log_buckets
	b := lib.bucket_named(name)
	some target in lib.notification_targets(b.bucket)
	target.kind == "topic"
	t := lib.topic_arn(target.cfg.arn)
	answer := lib.service_answer("s3.amazonaws.com", "sns:Publish", t.topic.arn, b.bucket.arn)
	lib.denied(answer)
	f := lib.with_grant_location(
		lib.with_fix({
			"resource": lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region),
			"message": sprintf("S3 cannot publish events of bucket %s to topic %s: %s%s", [b.bucket.arn, t.topic.arn, answer.proof, hint(t.topic, b)]),
			"fact": b.bucket.arn,
			"remediation": sprintf("Add to the topic policy of %s: %s", [t.topic.arn, lib.statement_json(publish_statement(t, b))]),
		}, lib.grant_fix(answer, publish_statement(t, b))),
		t.topic, object.get(t.topic, "policy", {}), answer, "s3.amazonaws.com", "sns:Publish",
	)
}

publish_statement(t, b) := {
	"Sid": "AllowS3PublishLogEvents",
	"Effect": "Allow",
	"Principal": {"Service": "s3.amazonaws.com"},
	"Action": "SNS:Publish",
	"Resource": t.topic.arn,
	"Condition": {
		"ArnLike": {"aws:SourceArn": b.bucket.arn},
		"StringEquals": {"aws:SourceAccount": b.account},
	},
}

# hint names a SourceAccount or SourceArn condition that excludes the bucket.
hint(topic, b) := sprintf(" (the policy pins aws:SourceAccount to %s, but the bucket is owned by %s)", [concat(", ", sort(values)), b.account]) if {
	values := lib.condition_values(topic.policy.document, "s3.amazonaws.com", "sns:Publish", "aws:SourceAccount")
	count(values) > 0
	not b.account in values
} else := sprintf(" (the policy's aws:SourceArn condition names %s, not %s)", [concat(", ", sort(values)), b.bucket.arn]) if {
	values := lib.condition_values(topic.policy.document, "s3.amazonaws.com", "sns:Publish", "aws:SourceArn")
	count(values) > 0
	every v in values {
		not glob.match(v, null, b.bucket.arn)
	}
} else := ""
