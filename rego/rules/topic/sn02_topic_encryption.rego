# METADATA
# title: Topic encryption stops S3 or CloudTrail from publishing
# description: >-
#   A topic with server-side encryption needs its publisher to use the key:
#   S3 and CloudTrail must be allowed kms:GenerateDataKey* and kms:Decrypt by
#   the key policy. The AWS managed key alias/aws/sns has a policy nobody can
#   edit that admits principals of its own account only, so S3 and
#   CloudTrail can never publish to a topic encrypted with it. The symptom
#   is a validation failure, or no messages at all (S3 writes no delivery
#   log). Each grant is asked of the IAM evaluator with the context the
#   publisher sends (aws:SourceArn = bucket or trail, aws:SourceAccount).
# related_resources:
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-permissions-for-sns-notifications.html
# custom:
#   id: SN02
#   severity: critical
#   area: topic
#   hops: [topic-key]
#   reads:
#     - ec2:DescribeRegions
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - kms:ListAliases
#     - kms:ListKeys
#     - sns:GetTopicAttributes
#     - sns:ListTopics
#     - sts:AssumeRole
#   remediation: >-
#     Encrypt the topic with a customer managed key whose policy lets the
#     publisher (s3.amazonaws.com or cloudtrail.amazonaws.com) use
#     kms:GenerateDataKey* and kms:Decrypt, conditioned on aws:SourceArn.
package trailgate.rules.sn02

import data.trailgate.lib
import data.trailgate.lib.datapath

encrypted contains [p, t, ref] if {
	some p in datapath.publishers
	t := lib.topic_arn(p.topic)
	ref := object.get(t.topic, "kms_master_key_id", "")
	ref != ""
}

deny contains f if {
	some [p, t, ref] in encrypted
	datapath.aws_managed_key(ref, t.account, t.topic.region)
	f := lib.with_fix(lib.with_location({
		"resource": lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region),
		"message": sprintf("topic %s is encrypted with the AWS managed key %s, whose policy cannot let %s use it: %s can never publish to it", [t.topic.arn, ref, p.principal, p.source_arn]),
		"fact": sprintf("aws-managed-key:%s", [p.principal]),
		"remediation": sprintf("Create a customer managed key in %s with the statement %s, then: aws sns set-topic-attributes --region %s --topic-arn %s --attribute-name KmsMasterKeyId --attribute-value <new key ARN>", [t.topic.region, grant(p, "*"), t.topic.region, t.topic.arn]),
	}, t.topic), object.union(lib.set_fix({"KmsMasterKeyId": "<new key ARN>"}), {"also": sprintf("create the key in %s with the statement %s", [t.topic.region, grant(p, "*")])}))
}

deny contains f if {
	some [p, t, ref] in encrypted
	not datapath.aws_managed_key(ref, t.account, t.topic.region)
	key := lib.key_ref(ref, t.account, t.topic.region).key
	some action in ["kms:GenerateDataKey", "kms:Decrypt"]
	answer := lib.service_answer(p.principal, action, key.arn, p.source_arn)
	lib.denied(answer)
	f := lib.with_fix(lib.with_grant_location({
		"resource": lib.resource(key.arn, "AWS::KMS::Key", lib.account_of_arn(key.arn), key.region),
		"message": sprintf("%s (for %s) cannot %s with key %s of topic %s: %s", [p.principal, p.source_arn, action, key.arn, t.topic.arn, answer.proof]),
		"fact": sprintf("%s:%s:%s", [action, p.principal, p.source_arn]),
		"remediation": sprintf("Add to the key policy of %s: %s", [key.arn, grant(p, key.arn)]),
	}, key, object.get(key, "policy", {}), answer, p.principal, action), lib.grant_fix(answer, grant_statement(p, key.arn)))
}

grant(p, resource) := lib.statement_json(grant_statement(p, resource))

grant_statement(p, resource) := {
	"Sid": sprintf("Allow%sToUseTopicKey", [split(p.principal, ".")[0]]),
	"Effect": "Allow",
	"Principal": {"Service": p.principal},
	"Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
	"Resource": resource,
	"Condition": {"StringEquals": {"aws:SourceAccount": p.source_account}, "ArnLike": {"aws:SourceArn": p.source_arn}},
}

# The connector's vendor profile steps that name SN02 (expel E7: the topic
# encrypted with a customer managed key; rego/lib/guide_steps.rego).
deny contains f if some f in datapath.profile_findings.SN02
