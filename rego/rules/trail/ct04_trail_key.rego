# METADATA
# title: CloudTrail cannot encrypt with the trail's KMS key
# description: >-
#   A trail with a KmsKeyId needs, in that key's policy, kms:GenerateDataKey*
#   for cloudtrail.amazonaws.com (whose kms:EncryptionContext:aws:cloudtrail:arn
#   condition, if any, must cover the trail) and kms:DescribeKey; and the key
#   must be in the bucket's region. When the trail has no key of its own but
#   the bucket's default encryption is SSE-KMS with a customer managed key,
#   CloudTrail's writes need the same GenerateDataKey grant on that key. Each
#   grant is asked of the authorization evaluator with the context CloudTrail
#   sends. Symptom: InsufficientEncryptionPolicyException.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
# custom:
#   id: CT04
#   severity: critical
#   area: trail
#   hops: [object-key]
#   reads:
#     - cloudtrail:DescribeTrails
#     - cloudtrail:GetTrailStatus
#     - ec2:DescribeRegions
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - kms:ListKeys
#     - s3:GetBucketEncryption
#     - s3:GetBucketLocation
#     - sts:AssumeRole
#   remediation: >-
#     Add to the key policy the CloudTrail statements (kms:GenerateDataKey*
#     with the trail's encryption context, kms:DescribeKey), and use a key in
#     the bucket's region.
package trailgate.rules.ct04

import data.trailgate.lib
import data.trailgate.lib.datapath

# keys are the keys each trail's log files are encrypted with.
keys contains {"trail": e, "key": k, "why": "the trail's KmsKeyId"} if {
	some e in lib.trails
	ref := object.get(e.trail, "kms_key_id", "")
	ref != ""
	k := lib.key_ref(ref, e.account, e.trail.home_region)
}

keys contains {"trail": e, "key": k, "why": sprintf("the default encryption key of bucket %s", [b.bucket.name])} if {
	some e in lib.trails
	object.get(e.trail, "kms_key_id", "") == ""
	b := lib.bucket_named(e.trail.s3_bucket_name)
	startswith(b.bucket.encryption.sse_algorithm, "aws:kms")
	k := lib.key_ref(b.bucket.encryption.kms_master_key_id, b.account, b.bucket.region)
	k.key.key_manager != "AWS"
}

# The trail's writer hop asks each call with the context CloudTrail sends
# (the trail ARN as encryption context; kms:ViaService and the bucket's
# encryption context when S3 applies the bucket's default key, where
# CloudTrail calls no kms:DescribeKey).
deny contains f if {
	some x in keys
	some action in ["kms:GenerateDataKey", "kms:DescribeKey"]
	answer := lib.service_answer("cloudtrail.amazonaws.com", action, x.key.key.arn, x.trail.trail.arn)
	lib.denied(answer)
	f := lib.with_fix(lib.with_grant_location(
		finding(x, action, sprintf("CloudTrail cannot %s with %s (%s of trail %s): %s", [action, x.key.key.arn, x.why, x.trail.trail.arn, answer.proof]), sprintf("Add to the key policy of %s: %s", [x.key.key.arn, lib.statement_json(statement(x, action))])),
		x.key.key, object.get(x.key.key, "policy", {}), answer, "cloudtrail.amazonaws.com", action,
	), lib.grant_fix(answer, statement(x, action)))
}

statement(x, "kms:GenerateDataKey") := {
	"Sid": "AllowCloudTrailEncryptLogs",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "kms:GenerateDataKey*",
	"Resource": "*",
	"Condition": {
		"StringEquals": {"aws:SourceArn": x.trail.trail.arn},
		"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": sprintf("arn:%s:cloudtrail:*:%s:trail/*", [lib.partition, x.trail.account])},
	},
}

statement(x, "kms:DescribeKey") := {
	"Sid": "AllowCloudTrailDescribeKey",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "kms:DescribeKey",
	"Resource": "*",
	"Condition": {"StringEquals": {"aws:SourceArn": x.trail.trail.arn}},
}

deny contains f if {
	some x in keys
	b := lib.bucket_named(x.trail.trail.s3_bucket_name)
	x.key.key.region != b.bucket.region
	f := lib.with_fix(lib.locate(finding(x, "region", sprintf("trail %s encrypts with %s in %s, but its bucket %s is in %s: the key must be in the bucket's region", [x.trail.trail.arn, x.key.key.arn, x.key.key.region, b.bucket.name, b.bucket.region]), sprintf("Create a key in %s with the CloudTrail key policy statements and run aws cloudtrail update-trail --name %s --kms-key-id <the new key ARN>.", [b.bucket.region, x.trail.trail.arn])), [
		# The change is the trail's KMSKeyId: point at the trail where the
		# input declares it (its address is then the one to edit), else
		# at the key.
		object.get(x.trail.trail, "location", null),
		object.get(x.key.key, "location", null),
	]), region_fix(x, b))
}

# region_fix: the trail's KMSKeyId names a key in the bucket's region,
# which the user creates (a stack is regional, and the key's policy and
# the readers' grants on it are theirs): a value to fill in, and what the
# key needs. Only for the trail's own KmsKeyId; a bucket's default key is
# the bucket's to change.
region_fix(x, b) := object.union(lib.set_fix({"KMSKeyId": sprintf("<a key in %s>", [b.bucket.region])}), {"also": sprintf("create the key in %s with the key policy statements %s and %s, and give the log readers kms:Decrypt on it", [b.bucket.region, lib.statement_json(statement(x, "kms:GenerateDataKey")), lib.statement_json(statement(x, "kms:DescribeKey"))])}) if {
	object.get(x.trail.trail, "kms_key_id", "") != ""
} else := null

finding(x, fact, message, fix) := {
	"resource": lib.resource(x.key.key.arn, "AWS::KMS::Key", x.key.account, x.key.key.region),
	"message": message,
	"fact": sprintf("%s %s", [x.trail.trail.arn, fact]),
	"remediation": fix,
}

# The connector's vendor profile steps that name CT04 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.CT04
