# METADATA
# title: GuardDuty destination prefix folder is missing or expires
# description: >-
#   When the destination ARN names a prefix (arn:aws:s3:::bucket/prefix),
#   GuardDuty requires the prefix/ folder marker object to exist when the
#   destination is created or updated; otherwise the call fails with
#   "resource folder does not exist". A lifecycle rule that expires objects
#   under the marker's key removes it later, and the next update fails.
#   The marker's existence is read from the collector's probe of the key.
# related_resources:
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
#   - ref: https://github.com/aws/aws-cli/issues/10483
#   - ref: https://github.com/hashicorp/terraform-provider-aws/issues/16750
# custom:
#   id: GD05
#   severity: medium
#   area: guardduty
#   hops: [bucket]
#   reads:
#     - ec2:DescribeRegions
#     - guardduty:DescribePublishingDestination
#     - guardduty:ListDetectors
#     - guardduty:ListPublishingDestinations
#     - s3:GetBucketLifecycleConfiguration
#     - s3:ListBuckets
#     - s3:ListObjectsV2
#     - sts:AssumeRole
#   remediation: >-
#     Create the prefix/ marker object (aws s3api put-object --bucket B --key
#     prefix/) and exclude it from lifecycle expiration.
package trailgate.rules.gd05

import data.trailgate.lib
import data.trailgate.lib.datapath

prefixed contains [s, marker] if {
	some s in lib.sources
	s.kind == "guardduty"
	prefix := s.prefix
	prefix != ""
	marker := concat("", [prefix, "/"])
}

deny contains f if {
	lib.source_judged("guardduty")
	some [s, marker] in prefixed
	b := lib.bucket_named(s.bucket)
	some p in object.get(b.bucket, "probed_keys", [])
	p.key == marker
	p.exists == false
	f := lib.with_fix(finding(
		s, b, sprintf("marker-missing=%s", [marker]), sprintf(
			"GuardDuty destination %s needs the folder marker s3://%s/%s, which does not exist: creating or updating the destination fails with \"resource folder does not exist\"",
			[s.destination.destination_arn, s.bucket, marker],
		),
		sprintf("aws s3api put-object --bucket %s --key %s", [s.bucket, marker]),
	), marker_fix(s.bucket))
}

# marker_fix: CloudFormation has no resource type for an object in a
# bucket, so no template change creates the marker; the S3 call does. (A
# Terraform configuration can declare it, as an aws_s3_object: no outside
# fix there.)
marker_fix(bucket) := lib.outside_fix(sprintf("the marker is an object in bucket %s, and CloudFormation has no resource type that creates an object in a bucket", [bucket])) if {
	input.snapshot.source == "cloudformation"
} else := null

deny contains f if {
	lib.source_judged("guardduty")
	some [s, marker] in prefixed
	b := lib.bucket_named(s.bucket)
	some r in object.get(b.bucket, "lifecycle", [])
	r.status == "Enabled"
	object.get(r, "expiration_days", 0) > 0
	startswith(marker, object.get(r, "prefix", ""))
	rule_id := object.get(r, "id", "(unnamed)")
	f := scope_fix(finding(
		s, b, sprintf("marker-expires=%s", [rule_id]), sprintf(
			"lifecycle rule %s of bucket %s expires objects under %q after %d days, including the GuardDuty folder marker %s: the next destination update fails with \"resource folder does not exist\"",
			[rule_id, s.bucket, object.get(r, "prefix", ""), r.expiration_days, marker],
		),
		sprintf("Exclude the marker from rule %s (e.g. scope it to the %sAWSLogs/ prefix) and recreate it: aws s3api put-object --bucket %s --key %s", [rule_id, marker, s.bucket, marker]),
	), r, marker)
}

# scope_fix: where an input writes the rule, the fix scopes it to the
# findings GuardDuty writes under the marker's folder
# (<prefix>/AWSLogs/…), so that it still expires them and no longer the
# marker: the rule's Prefix (CloudFormation's Rule.Prefix, the prefix of
# the rule's filter in Terraform). A marker already expired is the other
# finding of this rule (marker-missing), where the bucket is probed.
scope_fix(f, r, marker) := lib.with_fix(lib.locate(f, [r.location]), {"set_at": {"Prefix": concat("", [marker, "AWSLogs/"])}}) if {
	object.get(r, ["location", "file"], "") != ""
} else := f

finding(s, b, fact, message, fix) := {
	"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
	"message": message,
	"fact": fact,
	"remediation": fix,
}
