# METADATA
# title: GuardDuty export key is not a key ARN in the bucket's Region
# description: >-
#   GuardDuty encrypts exported findings with the destination's KMS key, and
#   "the bucket and KMS key that you use must be in the same Region". The key
#   must also be given as a full key ARN: an alias (alias/… or an alias ARN)
#   is refused. A delegated administrator that exports every Region to one
#   Log Archive bucket typically points all detectors at the key of its home
#   Region, which breaks every other Region's export.
# related_resources:
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
# custom:
#   id: GD02
#   severity: critical
#   area: guardduty
#   hops: [object-key]
#   reads:
#     - ec2:DescribeRegions
#     - guardduty:DescribePublishingDestination
#     - guardduty:ListDetectors
#     - guardduty:ListPublishingDestinations
#     - kms:DescribeKey
#     - kms:ListAliases
#     - kms:ListKeys
#     - s3:GetBucketLocation
#     - sts:AssumeRole
#   remediation: >-
#     Give the publishing destination the full ARN of a KMS key in the
#     destination bucket's Region (create one there if needed).
package trailgate.rules.gd02

import data.trailgate.lib
import data.trailgate.lib.datapath

gd_sources contains s if {
	some s in lib.sources
	s.kind == "guardduty"
}

is_key_arn(ref) if {
	startswith(ref, "arn:")
	startswith(split(ref, ":")[5], "key/")
}

deny contains f if {
	lib.source_judged("guardduty")
	some s in gd_sources
	ref := object.get(s.destination, "kms_key_arn", "")
	not is_key_arn(ref)
	not lib.is_unknown(ref)
	f := finding(
		s, sprintf("key-not-arn=%s", [ref]), sprintf(
			"GuardDuty detector %s exports with KmsKeyArn %q, which is not a full key ARN (aliases are refused)",
			[s.arn, ref],
		),
		sprintf("Set the destination's KmsKeyArn to arn:%s:kms:%s:<account>:key/<key-id> of a key in the bucket's Region", [lib.partition, bucket_region(s)]),
	)
}

bucket_region(s) := lib.bucket_named(s.bucket).bucket.region

deny contains f if {
	lib.source_judged("guardduty")
	some s in gd_sources
	ref := s.destination.kms_key_arn
	is_key_arn(ref)
	key_region := lib.region_of_arn(ref)
	b_region := bucket_region(s)
	key_region != b_region
	f := finding(
		s, sprintf("key-region=%s,bucket-region=%s", [key_region, b_region]), sprintf(
			"GuardDuty detector %s exports to bucket %s in %s with key %s in %s: the bucket and the key must be in the same Region",
			[s.arn, s.bucket, b_region, ref, key_region],
		),
		sprintf("Use a KMS key in %s: aws guardduty update-publishing-destination --region %s --detector-id %s --destination-id %s --destination-properties DestinationArn=%s,KmsKeyArn=arn:%s:kms:%s:%s:key/<key-id>", [b_region, s.region, s.detector.id, object.get(s.destination, "id", "<destination-id>"), s.destination.destination_arn, lib.partition, b_region, lib.account_of_arn(ref)]),
	)
}

# finding points at the publishing destination where the input declares
# it (its KmsKeyArn is the change), with that change as data: a full key
# ARN in the bucket's Region, which the user names (text, not an exact
# edit).
finding(s, fact, message, fix) := lib.with_fix(lib.locate(
	{
		"resource": lib.resource(s.arn, "AWS::GuardDuty::Detector", s.account, s.region),
		"message": message,
		"fact": fact,
		"remediation": fix,
	},
	[object.get(s.destination, "location", null)],
), key_fix(s))

key_fix(s) := lib.set_fix({"DestinationProperties": {"KmsKeyArn": sprintf("<the ARN (arn:%s:kms:%s:ACCOUNT:key/KEY-ID) of a key in %s>", [lib.partition, bucket_region(s), bucket_region(s)])}}) if {
	object.get(s.destination, ["location", "file"], "") != ""
} else := null
