# METADATA
# title: Reader cannot decrypt a key on the log path
# description: >-
#   Every customer managed key between the log file and the reader must let
#   the reader kms:Decrypt: the trail's KmsKeyId, the GuardDuty export key,
#   the bucket's default SSE-KMS key and the SQS queue's key. A key policy
#   must allow it, naming the role or delegating to its account root; when it
#   delegates (and always across accounts) the role's identity policy must
#   allow kms:Decrypt on the key ARN too. The question is asked of the
#   authorization evaluator with the context the decrypt carries (S3 or SQS
#   calling on the reader's behalf: kms:ViaService, kms:CallerAccount and the
#   encryption context). AWS managed keys (aws/s3, aws/sqs) are S302/SQ02;
#   explicit denials are OR01/OR02.
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
# custom:
#   id: KM01
#   severity: critical
#   hop: kms
#   remediation: >-
#     Let the reader kms:Decrypt: in the key policy (naming the role, or its
#     account root) and, when the key policy delegates or the reader is in
#     another account, in the role's identity policy on the key ARN.
package trailgate.rules.km01

import data.trailgate.lib

# path_keys are the keys a reader meets on its way to the log files.
path_keys contains {"reader": r, "key": k, "why": sprintf("the %s log-file key of %s", [d.source, d.writer]), "context": object.union(via_s3(b, r), encryption_context(d, b))} if {
	some r in lib.readers
	some name in r.buckets
	b := lib.bucket_named(name)
	some d in lib.deliveries
	d.bucket == name
	d.kms_key != ""
	k := lib.key_ref(d.kms_key, d.writer_account, d.region)
}

path_keys contains {"reader": r, "key": k, "why": sprintf("the default encryption key of bucket %s", [name]), "context": object.union(via_s3(b, r), {"kms:EncryptionContext:aws:s3:arn": b.bucket.arn})} if {
	some r in lib.readers
	some name in r.buckets
	b := lib.bucket_named(name)
	startswith(b.bucket.encryption.sse_algorithm, "aws:kms")
	ref := object.get(b.bucket.encryption, "kms_master_key_id", "")
	ref != ""
	k := lib.key_ref(ref, b.account, b.bucket.region)
}

path_keys contains {"reader": r, "key": k, "why": sprintf("the key of queue %s", [q.queue.arn]), "context": {
	"kms:ViaService": sprintf("sqs.%s.amazonaws.com", [q.queue.region]),
	"kms:CallerAccount": lib.account_of_arn(r.role),
	"kms:EncryptionContext:aws:sqs:arn": q.queue.arn,
}} if {
	some r in lib.readers
	r.queue != ""
	q := lib.queue_arn(r.queue)
	ref := object.get(q.queue, "kms_master_key_id", "")
	ref != ""
	k := lib.key_ref(ref, q.account, q.queue.region)
}

via_s3(b, r) := {
	"kms:ViaService": sprintf("s3.%s.amazonaws.com", [b.bucket.region]),
	"kms:CallerAccount": lib.account_of_arn(r.role),
}

# CloudTrail encrypts each log file with the trail ARN in the encryption
# context (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html).
encryption_context(d, b) := {"kms:EncryptionContext:aws:cloudtrail:arn": d.writer, "kms:EncryptionContext:aws:s3:arn": concat("/", [b.bucket.arn, d.sample_key])} if {
	d.source == "cloudtrail"
} else := {"kms:EncryptionContext:aws:s3:arn": concat("/", [b.bucket.arn, d.sample_key])}

deny contains f if {
	some p in path_keys
	p.key.key.key_manager != "AWS"
	answer := lib.authz(p.reader.role, "kms:Decrypt", p.key.key.arn, p.context)
	answer.decision == "ImplicitlyDenied"
	f := lib.with_location({
		"resource": lib.resource(p.key.key.arn, "AWS::KMS::Key", p.key.account, p.key.key.region),
		"message": sprintf("%s cannot kms:Decrypt %s (%s): %s", [p.reader.role, p.key.key.arn, p.why, answer.proof]),
		"fact": sprintf("%s kms:Decrypt", [p.reader.role]),
		"remediation": fix(p),
	}, p.key.key)
}

fix(p) := sprintf("Add to the key policy of %s: %s. Add to an identity policy of %s: %s", [
	p.key.key.arn,
	lib.statement_json({
		"Sid": "AllowLogReaderDecrypt",
		"Effect": "Allow",
		"Principal": {"AWS": p.reader.role},
		"Action": "kms:Decrypt",
		"Resource": "*",
	}),
	p.reader.role,
	lib.statement_json({
		"Sid": "DecryptSecurityLogs",
		"Effect": "Allow",
		"Action": "kms:Decrypt",
		"Resource": p.key.key.arn,
	}),
])
