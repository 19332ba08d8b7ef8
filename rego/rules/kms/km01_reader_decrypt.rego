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
#   explicit denials are OR01/OR02; a CloudTrail decrypt grant whose
#   conditions name the wrong account or trails is KM02.
# related_resources:
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
#   - ref: https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
# custom:
#   id: KM01
#   severity: critical
#   smoke: [denied-by-key]
#   area: kms
#   hops: [read, reader]
#   reads:
#     - cloudtrail:DescribeTrails
#     - ec2:DescribeRegions
#     - iam:GetAccountAuthorizationDetails
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - kms:ListGrants
#     - kms:ListKeys
#     - s3:GetBucketEncryption
#     - sts:AssumeRole
#   remediation: >-
#     Let the reader kms:Decrypt: in the key policy (naming the role, or its
#     account root) and, when the key policy delegates or the reader is in
#     another account, in the role's identity policy on the key ARN.
package trailgate.rules.km01

import data.trailgate.lib
import data.trailgate.lib.eks
import data.trailgate.lib.datapath

# failing holds, per reader and key, the uses of the key (trail log files,
# bucket default encryption, queue) the reader cannot decrypt for. One
# finding per reader and key: the missing grant is one cause however many
# uses share the key.
failing[[p.reader.role, p.key.key.arn]] contains p if {
	some p in lib.reader_keys
	p.key.key.key_manager != "AWS"
	answer := lib.path_answer(p)
	answer.decision == "ImplicitlyDenied"
	not lib.org_policy_blocks(answer)
	count(lib.decrypt_misconditions(p)) == 0
}

deny contains f if {
	some ps in failing
	whys := sort([q.why | some q in ps])
	some p in ps
	p.why == whys[0]
	answer := lib.path_answer(p)
	f := locate(p, answer, lib.with_fix({
		"resource": lib.resource(p.key.key.arn, "AWS::KMS::Key", p.key.account, p.key.key.region),
		"message": sprintf("%s cannot kms:Decrypt %s (%s)%s: %s", [p.reader.role, p.key.key.arn, concat("; ", whys), datapath.object_key_step_note(whys), answer.proof]),
		"fact": sprintf("%s kms:Decrypt", [p.reader.role]),
		"remediation": fix(p, answer),
	}, fix_data(p, answer)))
}

# locate points at the side to edit: the reader's identity policy (the
# statement meant for the key, else its policy document, else the role)
# when the key policy already allows, else the key policy's grant.
locate(p, answer, f) := lib.with_identity_location(f, p.reader.role, "kms:Decrypt", p.key.key.arn, []) if {
	lib.resource_allows(answer)
} else := lib.with_grant_location(
	f,
	p.key.key, object.get(p.key.key, "policy", {}), answer, p.reader.role, "kms:Decrypt",
)

key_fix(p) := sprintf("Add to the key policy of %s: %s", [p.key.key.arn, lib.statement_json(key_statement(p))])

key_statement(p) := {
	"Sid": "AllowLogReaderDecrypt",
	"Effect": "Allow",
	"Principal": {"AWS": p.reader.role},
	"Action": "kms:Decrypt",
	"Resource": "*",
}

# fix_data is the fix as data for the side to change: the key policy's
# statement, else (the key policy allows) the reader's identity policy's,
# where the finding points (locate), for an implicit deny only.
fix_data(p, answer) := {"add_statement": key_statement(p), "policy": "resource"} if {
	not lib.resource_allows(answer)
} else := lib.grant_fix_in(answer, "identity", identity_statement(p))

identity_fix(p) := sprintf("Add to an identity policy of %s: %s", [p.reader.role, lib.statement_json(identity_statement(p))])

identity_statement(p) := {
	"Sid": "DecryptSecurityLogs",
	"Effect": "Allow",
	"Action": "kms:Decrypt",
	"Resource": p.key.key.arn,
}

# fix names only the side that does not allow yet.
fix(p, answer) := identity_fix(p) if {
	lib.resource_allows(answer)
} else := key_fix(p) if {
	lib.identity_allows(answer)
} else := concat(". ", [key_fix(p), identity_fix(p)])

# The connector's vendor profile steps that name KM01 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.KM01

# The EKS audit-log path's reader (rapid7 step P5) decrypting the objects
# under EKSLogs/<account>/<cluster>/ (rego/lib/eks.rego).
deny contains f if some f in eks.decrypt_findings
