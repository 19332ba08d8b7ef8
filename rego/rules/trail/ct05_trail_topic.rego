# METADATA
# title: CloudTrail cannot publish to the trail's SNS topic
# description: >-
#   A trail with an SnsTopicARN notifies each log-file delivery through that
#   topic; the topic policy must allow SNS:Publish for cloudtrail.amazonaws.com
#   (with aws:SourceArn = the trail when it conditions on it). Reported when
#   the evaluator denies it, when a live trail reports
#   LatestNotificationError, and when several single-region trails share one
#   topic (each region-specific trail needs its own), and when the topic is
#   encrypted with a key whose policy does not let cloudtrail.amazonaws.com
#   kms:GenerateDataKey* and kms:Decrypt (SN02 judges the same key for every
#   publisher of the topic). Symptom: InsufficientSnsTopicPolicyException.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
# custom:
#   id: CT05
#   severity: high
#   area: trail
#   hops: [topic, topic-key]
#   reads:
#     - cloudtrail:DescribeTrails
#     - cloudtrail:GetTrailStatus
#     - ec2:DescribeRegions
#     - sns:GetTopicAttributes
#     - sns:ListTopics
#     - sts:AssumeRole
#   remediation: >-
#     Add to the topic policy a statement allowing cloudtrail.amazonaws.com
#     SNS:Publish on the topic, conditioned on aws:SourceArn = the trail.
package trailgate.rules.ct05

import data.trailgate.lib
import data.trailgate.lib.datapath

deny contains f if {
	some e in lib.trails
	t := lib.topic_arn(e.trail.sns_topic_arn)
	answer := lib.service_answer("cloudtrail.amazonaws.com", "sns:Publish", t.topic.arn, e.trail.arn)
	lib.denied(answer)
	f := lib.with_fix(lib.with_grant_location(
		{
			"resource": lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region),
			"message": sprintf("CloudTrail cannot publish the delivery notifications of trail %s to topic %s: %s", [e.trail.arn, t.topic.arn, answer.proof]),
			"fact": sprintf("%s sns:Publish", [e.trail.arn]),
			"remediation": sprintf("Add to the topic policy of %s: %s", [t.topic.arn, lib.statement_json(publish_statement(e, t))]),
		},
		t.topic, object.get(t.topic, "policy", {}), answer, "cloudtrail.amazonaws.com", "sns:Publish",
	), lib.grant_fix(answer, publish_statement(e, t)))
}

publish_statement(e, t) := {
	"Sid": "AWSCloudTrailSNSPolicy",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "SNS:Publish",
	"Resource": t.topic.arn,
	"Condition": {"StringEquals": {"aws:SourceArn": e.trail.arn}},
}

deny contains f if {
	some e in lib.trails
	err := e.trail.status.latest_notification_error
	err != ""
	f := {
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region),
		"message": sprintf("trail %s reports LatestNotificationError %q: CloudTrail could not notify topic %s", [e.trail.arn, err, object.get(e.trail, "sns_topic_arn", "")]),
		"fact": "latest_notification_error",
		"remediation": sprintf("Fix the topic policy (and key policy, if the topic is encrypted) of %s, then check aws cloudtrail get-trail-status --name %s.", [object.get(e.trail, "sns_topic_arn", ""), e.trail.arn]),
	}
}

deny contains f if {
	some e in lib.trails
	not e.trail.is_multi_region_trail
	topic := object.get(e.trail, "sns_topic_arn", "")
	topic != ""
	others := sort([arn | some arn in single_region_trails[topic]; arn != e.trail.arn])
	count(others) > 0
	f := {
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region),
		"message": sprintf("single-region trail %s shares topic %s with %s: each region-specific trail needs its own topic", [e.trail.arn, topic, concat(", ", others)]),
		"fact": sprintf("shared topic %s", [topic]),
		"remediation": sprintf("Create a topic in %s for this trail (or make one trail multi-region) and run aws cloudtrail update-trail --name %s --sns-topic-name <the new topic>.", [e.trail.home_region, e.trail.arn]),
	}
}

# The topic's key: CloudTrail encrypts each notification with it
# (cloudtrail-permissions-for-sns-notifications.html, "encrypted topic").
deny contains f if {
	some e in lib.trails
	t := lib.topic_arn(e.trail.sns_topic_arn)
	ref := object.get(t.topic, "kms_master_key_id", "")
	ref != ""
	not datapath.aws_managed_key(ref, t.account, t.topic.region)
	key := lib.key_ref(ref, t.account, t.topic.region).key
	some action in ["kms:GenerateDataKey", "kms:Decrypt"]
	answer := lib.service_answer("cloudtrail.amazonaws.com", action, key.arn, e.trail.arn)
	lib.denied(answer)
	f := key_fix({
		"resource": lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region),
		"message": sprintf("CloudTrail cannot %s with key %s of topic %s, so trail %s cannot publish its delivery notifications: %s", [action, key.arn, t.topic.arn, e.trail.arn, answer.proof]),
		"fact": sprintf("%s %s %s", [e.trail.arn, action, key.arn]),
		"remediation": sprintf("Add to the key policy of %s: %s", [key.arn, lib.statement_json(key_statement(e))]),
	}, key, answer, action, key_statement(e))
}

key_statement(e) := {
	"Sid": "AllowCloudTrailToUseTopicKey",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
	"Resource": "*",
	"Condition": {"StringEquals": {"aws:SourceArn": e.trail.arn}},
}

# key_fix: where IaC declares the topic's key, the finding points at its
# policy (where the statement goes) and carries the statement as data;
# otherwise it stays on the topic, with the prose.
key_fix(f, key, answer, action, statement) := lib.with_fix(
	lib.with_grant_location(f, key, object.get(key, "policy", {}), answer, "cloudtrail.amazonaws.com", action),
	lib.grant_fix(answer, statement),
) if {
	object.get(key, ["location", "file"], "") != ""
} else := f

# An AWS managed key (alias/aws/sns) admits its own account's principals
# only: CloudTrail can never use it.
deny contains f if {
	some e in lib.trails
	t := lib.topic_arn(e.trail.sns_topic_arn)
	ref := object.get(t.topic, "kms_master_key_id", "")
	datapath.aws_managed_key(ref, t.account, t.topic.region)
	f := {
		"resource": lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region),
		"message": sprintf("topic %s of trail %s is encrypted with the AWS managed key %s, which CloudTrail cannot use: the trail's notifications never arrive", [t.topic.arn, e.trail.arn, ref]),
		"fact": sprintf("%s aws-managed-key", [e.trail.arn]),
		"remediation": sprintf("Encrypt topic %s with a customer managed key whose policy lets cloudtrail.amazonaws.com kms:GenerateDataKey* and kms:Decrypt (aws:SourceArn = %s).", [t.topic.arn, e.trail.arn]),
	}
}

# The connector's vendor profile steps that name CT05 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.CT05

# single_region_trails: topic ARN -> the single-region trails notifying it,
# built once (a scan of every trail per trail grows with the square of the
# organization).
single_region_trails := by_topic

by_topic[topic] contains e.trail.arn if {
	some e in lib.trails
	not e.trail.is_multi_region_trail
	topic := object.get(e.trail, "sns_topic_arn", "")
	topic != ""
}
