# METADATA
# title: Reader cannot read or list the log bucket
# description: >-
#   The connector's role (or, without a connector file, every role that can
#   receive from a pipeline queue) must be allowed s3:GetObject on the log
#   objects and s3:ListBucket on the bucket ARN (listing connectors need it).
#   Each is asked of the authorization evaluator on a real log-file key, so
#   swapped resource types (GetObject on the bucket ARN, ListBucket on
#   bucket/*) fail as they do in AWS. Across accounts both the role's identity
#   policy and the bucket policy must allow; one side alone is not enough.
#   Only implicit denials are reported here: an explicit Deny is S304 (bucket
#   policy), OR01 (SCP) or OR02 (RCP).
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/example-walkthroughs-managing-access-example2.html
#   - ref: https://repost.aws/knowledge-center/s3-cross-account-access-denied
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
# custom:
#   id: S305
#   severity: critical
#   area: bucket
#   hops: [read]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - s3:GetBucketPolicy
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Allow the reader s3:GetObject on arn:aws:s3:::BUCKET/* and s3:ListBucket
#     on arn:aws:s3:::BUCKET in its identity policy and, across accounts, in
#     the bucket policy too.
package trailgate.rules.s305

import data.trailgate.lib
import data.trailgate.lib.datapath

# checks are the reads each reader needs on each bucket it reads.
checks contains {"reader": r, "bucket": b, "action": "s3:GetObject", "resource": sample_object(b)} if {
	some r in lib.readers
	some name in r.buckets
	b := lib.bucket_named(name)
}

checks contains {"reader": r, "bucket": b, "action": "s3:ListBucket", "resource": b.bucket.arn} if {
	some r in lib.readers
	some name in r.buckets
	b := lib.bucket_named(name)
}

sample_object(b) := concat("/", [b.bucket.arn, lib.sample_key(b)])

generic contains f if {
	some c in checks
	answer := lib.authz(c.reader.role, c.action, c.resource, {})
	answer.decision == "ImplicitlyDenied"
	not lib.org_policy_blocks(answer)
	f := located({
		"resource": lib.resource(c.bucket.bucket.arn, "AWS::S3::Bucket", c.bucket.account, c.bucket.bucket.region),
		"message": sprintf("%s cannot %s on %s: %s", [c.reader.role, c.action, c.resource, answer.proof]),
		"fact": sprintf("%s %s", [c.reader.role, c.action]),
		"remediation": fix(c, answer),
	}, c, answer)
}

# located points at the bucket policy (the statement the answer or the
# reader's grant names, else the document) when that is what lacks the
# grant; when the bucket policy already allows and only the reader's
# identity policy is missing, at the reader's role if IaC declares it,
# else the bucket.
located(f, c, answer) := lib.locate(f, [
	role_location(c.reader.role),
	object.get(c.bucket.bucket, "location", null),
]) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.resource_allows(answer)
} else := lib.with_grant_location(f, c.bucket.bucket, object.get(c.bucket.bucket, "policy", {}), answer, c.reader.role, c.action)

role_location(arn) := lib.role_arn(arn).role.location if {
	lib.role_arn(arn).role.location.file
} else := null

grant_resource(c) := concat("", [c.bucket.bucket.arn, "/*"]) if c.action == "s3:GetObject"

grant_resource(c) := c.bucket.bucket.arn if c.action == "s3:ListBucket"

identity_fix(c) := sprintf("Add to an identity policy of %s: %s", [c.reader.role, lib.statement_json({
	"Sid": "ReadSecurityLogs",
	"Effect": "Allow",
	"Action": c.action,
	"Resource": grant_resource(c),
})])

bucket_fix(c) := sprintf("Add to the bucket policy of %s: %s", [c.bucket.bucket.name, lib.statement_json({
	"Sid": "AllowLogReader",
	"Effect": "Allow",
	"Principal": {"AWS": c.reader.role},
	"Action": c.action,
	"Resource": grant_resource(c),
})])

# fix names only the side that does not allow yet: across accounts both
# must, in the same account the identity policy is enough. Where an SCP
# forbids bucket-policy changes (Control Tower), it advises a role in the
# bucket's account instead (OR01 reports the SCP).
fix(c, answer) := lib.log_archive_fix(c.reader.role, c.bucket) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.bucket_policy_lock(c.bucket)
} else := bucket_fix(c) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.identity_allows(answer)
} else := identity_fix(c) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
	lib.resource_allows(answer)
} else := concat(". ", [identity_fix(c), bucket_fix(c)]) if {
	lib.account_of_arn(c.reader.role) != c.bucket.account
} else := identity_fix(c)

# The connector's vendor profile steps that name S305 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in generic

deny contains f if {
	some f in datapath.profile_findings.S305
	not repeats_generic(f)
}

# A guide step demanding the bucket-policy grant (rapid7 P1) says nothing
# new where the read itself is already reported denied on that bucket.
repeats_generic(pf) if {
	endswith(pf.fact, ":bucket_policy_grant")
	some g in generic
	g.resource.id == pf.resource.id
}
