# METADATA
# title: Firehose does not deliver the EKS audit log where the reader looks
# description: >-
#   Firehose writes to its S3 destination as the stream's role: the role
#   must trust firehose.amazonaws.com (Firehose sends the stream's account
#   as sts:ExternalId, which the documented trust policy conditions on), be
#   allowed s3:PutObject on the objects and, when the objects are encrypted
#   with SSE-KMS (the stream's key or the bucket's default key),
#   kms:GenerateDataKey through S3. Where the connector's vendor reads at
#   a fixed place, the stream's prefix must put the files there: Rapid7's
#   harvester reads EKSLogs/<account>/<cluster>/ (rapid7 step P5,
#   require.eks_prefix); another reader reads where the stream writes. Broken when the stream is missing its S3
#   destination or role, is not ACTIVE, writes under another prefix, or a
#   question is denied. Each question is asked of the authorization
#   evaluator with the context Firehose sends. The bucket outside the
#   cluster's account is a low note: the guide prefers, not requires, the
#   cluster's account.
# related_resources:
#   - ref: https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html
#   - ref: https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateFirehoseStream.html
# custom:
#   id: EK03
#   severity: critical
#   area: eks
#   hops: [delivery-stream, bucket, object-key]
#   reads:
#     - firehose:DescribeDeliveryStream
#     - firehose:ListDeliveryStreams
#     - iam:GetAccountAuthorizationDetails
#     - kms:GetKeyPolicy
#     - s3:GetBucketPolicy
#     - sts:AssumeRole
#   remediation: >-
#     Give the stream an S3 destination with prefix
#     EKSLogs/<account>/<cluster>/ and a role that trusts
#     firehose.amazonaws.com and may s3:PutObject there (and
#     kms:GenerateDataKey on the key when the objects are encrypted).
package trailgate.rules.ek03

import data.trailgate.lib
import data.trailgate.lib.eks

kinds := {"delivery-stream", "bucket", "object-key"}

# stream_of is the Firehose stream of a path (its delivery-stream hop).
stream_of(p) := h.resources[0] if {
	some h in p.hops
	h.kind == "delivery-stream"
}

deny contains f if {
	some [p, h] in eks.broken_hops(kinds)
	some pr in eks.problems(h)
	s := stream_of(p)
	f := lib.with_fix(eks.with_location({
		"resource": lib.resource(s.arn, s.type, s.account, s.region),
		"message": eks.message(pr),
		"fact": sprintf("%s %s", [h.kind, pr]),
		"remediation": problem_fix(p, pr),
	}, object.get(eks.stream(s.arn), "location", null)), prefix_fix(p, pr))
}

# prefix_fix is the stream's prefix as data: Terraform's
# aws_kinesis_firehose_delivery_stream writes it in its
# extended_s3_configuration block (analyzer/remedy: tfInner).
prefix_fix(p, pr) := lib.set_fix({"ExtendedS3DestinationConfiguration": {"Prefix": p.source.key_prefix}}) if {
	contains(pr, " where the reader looks")
} else := null

problem_fix(p, pr) := sprintf("Set the stream's S3 Prefix to %s (the harvester reads the cluster's audit logs there)", [p.source.key_prefix]) if {
	contains(pr, " where the reader looks")
} else := "Give the stream an S3 destination and a role Firehose can write it with (ExtendedS3DestinationConfiguration: BucketARN, Prefix, RoleARN)"

deny contains f if {
	some [p, h] in eks.broken_hops(kinds)
	some q in eks.denials(h)
	s := stream_of(p)
	f := lib.with_fix(eks.with_location({
		"resource": lib.resource(s.arn, s.type, s.account, s.region),
		"message": eks.message(sprintf("Firehose stream %s cannot deliver the audit log of %s: %s", [s.arn, p.source.arn, eks.denial_text(q)])),
		"fact": sprintf("%s %s %s", [q.id, q.principal, q.action]),
		"remediation": question_fix(q),
	}, eks.question_location(q)), question_data(q, s))
}

question_data(q, s) := trust_fix(q) if {
	q.action == "sts:AssumeRole"
} else := key_fix(q) if {
	q.action == "kms:GenerateDataKey"
} else := put_fix(q, s)

# put_fix is the stream role's missing s3:PutObject grant as data, on the
# objects of the stream's bucket, as AWS's policy for a Firehose role
# writes it (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3):
# implicit deny only. A bucket of another account (or one the input does
# not hold) must grant it in its policy too, which also says.
put_fix(q, s) := object.union(lib.grant_fix_in(q.answer, "identity", put_statement(bucket)), put_also(q, bucket)) if {
	q.action == "s3:PutObject"
	q.answer.decision == "ImplicitlyDenied"
	bucket := eks.stream(s.arn).s3.bucket_arn
	startswith(bucket, "arn:")
} else := null

put_statement(bucket) := {"Effect": "Allow", "Action": "s3:PutObject", "Resource": sprintf("%s/*", [bucket])}

# key_fix is the stream role's missing kms:GenerateDataKey on the objects'
# key as data, in its identity policy, where that policy is what lacks it
# (implicit deny, no identity statement allowing it); a key policy that
# does not admit the role either (by name or by delegating to the
# account's IAM policies) is a further change, which also says. Where the
# identity policy already allows it, the key policy is the one to change,
# not the role the finding points at: prose only.
key_fix(q) := object.union(lib.statement_fix("identity", {"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": q.resource}), key_also(q)) if {
	q.action == "kms:GenerateDataKey"
	q.answer.decision == "ImplicitlyDenied"
	not lib.identity_allows(q.answer)
} else := null

key_also(q) := {} if {
	lib.resource_allows(q.answer)
} else := {"also": sprintf("the key policy of %s must admit the role too: add to it a statement allowing %s kms:GenerateDataKey (Resource \"*\"), or one delegating to the account's IAM policies", [q.resource, q.principal])}

put_also(q, bucket) := {} if {
	b := lib.bucket_named(split(bucket, ":::")[1])
	b.account == lib.account_of_arn(q.principal)
} else := {"also": sprintf("the bucket is not in the role's account: add to the bucket policy of %s the same grant to %s", [bucket, q.principal])}

trust_statement(q) := {
	"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole",
	"Condition": {"StringEquals": {"sts:ExternalId": q.context["sts:ExternalId"][0]}},
}

# trust_fix is the role's missing trust statement as data (implicit deny
# only). A missing s3 or kms grant stays prose: the question names one
# sample object, narrower than the grant the role needs.
trust_fix(q) := lib.grant_fix_in(q.answer, "trust", trust_statement(q)) if {
	q.action == "sts:AssumeRole"
} else := null

question_fix(q) := sprintf("Add to the trust policy of %s: %s", [q.resource, lib.statement_json(trust_statement(q))]) if {
	q.action == "sts:AssumeRole"
} else := sprintf("Remove or narrow the Deny named above, so %s may %s on %s", [q.principal, q.action, q.resource]) if {
	q.answer.decision == "ExplicitlyDenied"
} else := sprintf("Add to the policy of %s: %s (and, for a key or bucket in another account, the same grant to the role in its key or bucket policy)", [q.principal, lib.statement_json({"Effect": "Allow", "Action": q.action, "Resource": q.resource})])

# The guide prefers the bucket in the cluster's account: a low note.
deny contains f if {
	eks.p5
	some p in eks.paths
	some h in p.hops
	h.kind == "bucket"
	b := h.resources[0]
	b.account != ""
	b.account != p.source.account
	s := stream_of(p)
	f := eks.with_location({
		"resource": lib.resource(s.arn, s.type, s.account, s.region),
		"message": eks.message(sprintf("the audit log of %s lands in bucket %s of account %s; the guide prefers a bucket in the cluster's account %s", [p.source.arn, b.arn, b.account, p.source.account])),
		"fact": sprintf("bucket-account %s", [b.account]),
		"remediation": sprintf("Point the stream at a bucket in account %s", [p.source.account]),
		"severity": "low",
	}, object.get(eks.stream(s.arn), "location", null))
}
