# METADATA
# title: Redshift cannot write the audit logs to the bucket
# description: >-
#   Redshift uploads a cluster's audit logs as the service principal
#   redshift.amazonaws.com: the bucket policy must let it s3:GetBucketAcl
#   on the bucket (Redshift checks the bucket's owner before each upload)
#   and s3:PutObject on the objects, which AWS's documented policy
#   conditions on aws:SourceArn, the cluster's ARN. The bucket must be in
#   the cluster's Region and encrypt new objects with S3 managed keys
#   (SSE-S3): Redshift audit logging does not write to a bucket whose
#   default encryption is SSE-KMS. The files land under
#   <prefix>/AWSLogs/<account>/redshift/<region>/. Each question is asked
#   of the authorization evaluator with the context Redshift sends; the
#   missing grants of one bucket hop are one finding.
# related_resources:
#   - ref: https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html
#   - ref: https://docs.aws.amazon.com/redshift/latest/APIReference/API_EnableLogging.html
# custom:
#   id: RS02
#   severity: critical
#   area: redshift
#   hops: [bucket]
#   reads:
#     - redshift:DescribeClusters
#     - redshift:DescribeLoggingStatus
#     - s3:GetBucketEncryption
#     - s3:GetBucketLocation
#     - s3:GetBucketPolicy
#     - sts:AssumeRole
#   remediation: >-
#     Add to the bucket policy a statement letting redshift.amazonaws.com
#     s3:PutObject and s3:GetBucketAcl with aws:SourceArn the cluster, keep
#     the bucket in the cluster's Region, encrypted with SSE-S3.
package trailgate.rules.rs02

import data.trailgate.lib
import data.trailgate.lib.eks
import data.trailgate.lib.redshift

# bucket_of is the bucket hop's resource and its snapshot entry (absent
# when the bucket is not in the snapshot).
bucket_of(h) := h.resources[0]

deny contains f if {
	some [p, h] in redshift.broken_hops({"bucket"})
	some pr in eks.problems(h)
	b := bucket_of(h)
	f := object.union(eks.with_location({
		"resource": lib.resource(b.arn, "AWS::S3::Bucket", b.account, b.region),
		"message": redshift.message(sprintf("the audit logs of %s do not reach bucket %s: %s", [p.source.arn, p.source.bucket, pr])),
		"fact": sprintf("bucket %s", [pr]),
		"remediation": problem_fix(p, pr),
		"fix": problem_data_fix(p, pr),
	}, object.get(object.get(lib.bucket_named(p.source.bucket), "bucket", {}), "location", null)), redshift.step_field)
}

# problem_data_fix: Redshift writes audit logs to SSE-S3 buckets only
# (https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html), so
# the bucket's default encryption becomes AES256; a bucket in another
# Region is replaced by one in the cluster's, which the author names.
problem_data_fix(p, pr) := lib.set_fix({"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}) if {
	contains(pr, "SSE-S3")
} else := {"also": sprintf("log to a bucket in %s: its name as BucketName of the cluster's LoggingProperties in a template, bucket_name of its aws_redshift_logging in Terraform", [p.source.region])}

problem_fix(p, pr) := sprintf("Set the bucket's default encryption to SSE-S3 (AES256), or log to another bucket: aws s3api put-bucket-encryption --bucket %s --server-side-encryption-configuration '{\"Rules\":[{\"ApplyServerSideEncryptionByDefault\":{\"SSEAlgorithm\":\"AES256\"}}]}'", [p.source.bucket]) if {
	contains(pr, "SSE-S3")
} else := sprintf("Log to a bucket in %s: aws redshift enable-logging --region %s --cluster-identifier %s --bucket-name <bucket in %s>", [p.source.region, p.source.region, redshift.cluster(p.source.arn).identifier, p.source.region])

deny contains f if {
	some [p, h] in redshift.broken_hops({"bucket"})
	qs := eks.denials(h)
	count(qs) > 0
	b := bucket_of(h)
	entry := object.get(lib.bucket_named(p.source.bucket), "bucket", {})
	policy := object.get(entry, "policy", {})
	put := [q | some q in qs; q.action == "s3:PutObject"]
	first := array.concat(put, qs)[0]
	st := statement(p)
	f := object.union(lib.with_fix(lib.with_grant_location({
		"resource": lib.resource(b.arn, "AWS::S3::Bucket", b.account, b.region),
		"message": redshift.message(sprintf("Redshift cannot write the audit logs of %s to bucket %s: %s", [p.source.arn, p.source.bucket, concat("; ", [eks.denial_text(q) | some q in qs])])),
		"fact": sprintf("redshift-write %s %s", [p.source.arn, concat(",", sort({q.action | some q in qs}))]),
		"remediation": fix(first, st),
	}, entry, policy, first.answer, first.principal, first.action), lib.grant_fix(first.answer, st)), redshift.step_field)
}

# statement is the documented grant to Redshift, limited to the cluster.
statement(p) := {
	"Sid": "RedshiftAuditLogging",
	"Effect": "Allow",
	"Principal": {"Service": p.source.writer},
	"Action": ["s3:PutObject", "s3:GetBucketAcl"],
	"Resource": [sprintf("arn:%s:s3:::%s", [lib.partition, p.source.bucket]), sprintf("arn:%s:s3:::%s/*", [lib.partition, p.source.bucket])],
	"Condition": {"StringEquals": {"aws:SourceArn": p.source.arn}},
}

fix(q, _) := sprintf("Remove or narrow the Deny named above, so %s may %s on %s", [q.principal, q.action, q.resource]) if {
	q.answer.decision == "ExplicitlyDenied"
}

fix(q, st) := sprintf("Add to the bucket policy of %s: %s", [split(split(q.resource, ":::")[1], "/")[0], lib.statement_json(st)]) if {
	q.answer.decision != "ExplicitlyDenied"
}
