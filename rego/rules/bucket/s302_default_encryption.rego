# METADATA
# title: Log bucket's default encryption key cannot be used by another account
# description: >-
#   Log files that the writer does not encrypt with its own key (a trail
#   without KmsKeyId) are encrypted with the bucket's default SSE-KMS key.
#   When that key is the AWS managed key aws/s3, a reader in another account
#   can never decrypt them: an AWS managed key's policy cannot be edited and
#   admits only principals of its own account (kms:CallerAccount). When the
#   default key is given by alias, writers in other accounts resolve the
#   alias in their own account, not the bucket owner's. Reported for such
#   buckets with a reader, or a writer, in another account. AWS documents
#   the catalog's inferred fact, so it holds: "you can only change the key
#   policy for a customer managed key. The policies of AWS managed keys are
#   created and managed by the AWS service that created the KMS key".
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying.html
#     description: AWS managed keys' policies cannot be changed
#   - ref: https://repost.aws/knowledge-center/cross-account-access-denied-error-s3
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
# custom:
#   id: S302
#   severity: high
#   area: bucket
#   hops: [object-key, read]
#   reads:
#     - kms:ListAliases
#     - s3:GetBucketEncryption
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Use a customer managed key, given by its full key ARN, as the bucket's
#     default encryption key, with a key policy that lets the reader decrypt.
package trailgate.rules.s302

import data.trailgate.lib

# default_keyed are log buckets some of whose log files use the bucket's
# default SSE-KMS key.
default_keyed contains b if {
	some name in lib.log_buckets
	b := lib.bucket_named(name)
	startswith(b.bucket.encryption.sse_algorithm, "aws:kms")
	some d in lib.bucket_sources[name]
	d.kms_key == ""
}

aws_managed(b) if object.get(b.bucket.encryption, "kms_master_key_id", "") == ""

aws_managed(b) if endswith(b.bucket.encryption.kms_master_key_id, "alias/aws/s3")

aws_managed(b) if lib.key_ref(b.bucket.encryption.kms_master_key_id, b.account, b.bucket.region).key.key_manager == "AWS"

by_alias(b) if {
	ref := b.bucket.encryption.kms_master_key_id
	contains(ref, "alias/")
	not endswith(ref, "alias/aws/s3")
}

deny contains f if {
	some b in default_keyed
	aws_managed(b)
	some r in object.get(lib.bucket_readers, b.bucket.name, set())
	lib.account_of_arn(r.role) != b.account
	f := finding(b, sprintf("%s aws/s3", [r.role]), sprintf("bucket %s encrypts log files with the AWS managed key aws/s3: %s in account %s can never decrypt them, as that key's policy admits only account %s and cannot be edited", [b.bucket.name, r.role, lib.account_of_arn(r.role), b.account]))
}

deny contains f if {
	some b in default_keyed
	by_alias(b)
	others := {a |
		some r in object.get(lib.bucket_readers, b.bucket.name, set())
		a := lib.account_of_arn(r.role)
		a != b.account
	} | {d.account | some d in object.get(lib.bucket_sources, b.bucket.name, set()); d.account != b.account}
	count(others) > 0
	f := finding(b, "alias", sprintf("bucket %s names its default key by alias %s: requests from account %s resolve the alias in their own account, not in %s", [b.bucket.name, b.bucket.encryption.kms_master_key_id, concat(", ", sort(others)), b.account]))
}

finding(b, fact, message) := lib.with_fix(lib.with_location(
	{
		"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
		"message": message,
		"fact": fact,
		"remediation": sprintf("aws s3api put-bucket-encryption --bucket %s --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"arn:%s:kms:%s:%s:key/<customer managed key ID>\"},\"BucketKeyEnabled\":true}]}' and let the reader kms:Decrypt in that key's policy", [b.bucket.name, lib.partition, b.bucket.region, b.account]),
	},
	b.bucket,
), object.union(lib.set_fix({"BucketEncryption": {"ServerSideEncryptionConfiguration": [{
	"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": sprintf("arn:%s:kms:%s:%s:key/<customer managed key ID>", [lib.partition, b.bucket.region, b.account])},
	"BucketKeyEnabled": true,
}]}}), {"also": "let the reader kms:Decrypt in that key's policy"}))
