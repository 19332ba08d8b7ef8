# METADATA
# title: Log objects written by another account belong to that account
# description: >-
#   With Object Ownership ObjectWriter (or no ownership controls, which
#   behaves the same), an object written by another account belongs to that
#   account. Bucket policies apply only to objects the bucket owner owns, so
#   the bucket policy's grants to readers in other accounts do not reach those
#   log files and reads get 403 AccessDenied. Reported for log buckets that a
#   trail or GuardDuty detector of another account writes. BucketOwnerEnforced
#   (ACLs disabled) makes the bucket owner own every object;
#   BucketOwnerPreferred does so for writes with the bucket-owner-full-control
#   ACL, which CloudTrail sends.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
#   - ref: https://repost.aws/knowledge-center/s3-bucket-owner-access
# custom:
#   id: S301
#   severity: high
#   area: bucket
#   hops: [read]
#   reads:
#     - s3:GetBucketAcl
#     - s3:GetBucketOwnershipControls
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Set Object Ownership to BucketOwnerEnforced (or BucketOwnerPreferred if
#     ACLs must stay enabled).
package trailgate.rules.s301

import data.trailgate.lib
import data.trailgate.lib.datapath

deny contains f if {
	some name in lib.log_buckets
	b := lib.bucket_named(name)
	object.get(b.bucket, "object_ownership", "") in {"", "ObjectWriter"}
	writers := {d.account | some d in lib.sources; d.bucket == name; d.account != b.account}
	count(writers) > 0
	f := lib.with_fix(lib.with_location(
		{
			"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
			"message": sprintf("bucket %s has Object Ownership %s and receives log files written by account %s: those objects belong to the writer, so the bucket policy's grants to readers in other accounts do not apply to them", [b.bucket.name, ownership(b.bucket), concat(", ", sort(writers))]),
			"fact": "object_ownership",
			"remediation": sprintf("aws s3api put-bucket-ownership-controls --bucket %s --ownership-controls '{\"Rules\":[{\"ObjectOwnership\":\"BucketOwnerEnforced\"}]}' (objects already written keep their owner: copy them over themselves to take ownership)", [b.bucket.name]),
		},
		b.bucket,
	), lib.set_fix({"OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}}))
}

ownership(b) := "ObjectWriter" if b.object_ownership == "ObjectWriter"

ownership(b) := "unset (ObjectWriter)" if object.get(b, "object_ownership", "") == ""

# The connector's vendor profile steps that name S301 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.S301
