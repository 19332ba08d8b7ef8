# METADATA
# title: A Deny in the bucket policy blocks the log reader
# description: >-
#   An explicit Deny in the log bucket's policy that matches the reader's
#   s3:GetObject or s3:ListBucket wins over every Allow. Typical forms: an
#   aws:SourceVpce or aws:SourceIp allow-list (a SaaS reader calls from the
#   vendor's network), or an aws:PrincipalOrgID perimeter that a vendor's
#   role outside the organization fails. Rapid7 tells users to remove such
#   denies. Each read is asked of the authorization evaluator with the
#   context a connector's call carries (TLS, no VPC endpoint, the principal's
#   organization). A Deny that matches the writers is reported too, naming
#   the statement: an aws:PrincipalOrgID perimeter without an
#   aws:PrincipalIsAWSService exemption matches cloudtrail.amazonaws.com and
#   guardduty.amazonaws.com, whose requests carry no aws:PrincipalOrgID
#   (CT03 and GD04 report the missing write itself). Symptom: "… with an
#   explicit deny in a resource-based policy". AWS documents both of the
#   catalog's inferred writer cases, so they hold: aws:PrincipalOrgID "is
#   included in the request context only if the principal is a member of an
#   organization", CloudTrail writes with the service principal
#   cloudtrail.amazonaws.com, and AWS's own example exempts it with
#   BoolIfExists aws:PrincipalIsAWSService false; and a negated operator on
#   an absent key matches, so Sentinel's optional "Deny s3:PutObject when
#   s3:x-amz-server-side-encryption is not aws:kms" denies a trail without
#   KmsKeyId, whose log files AWS documents are SSE-S3 encrypted (whether
#   CloudTrail's PutObject carries an encryption header is not documented:
#   a CloudTrail write is evaluated here without one).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice
#     description: CloudTrail's service principal and the aws:PrincipalIsAWSService exemption
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
#     description: aws:PrincipalOrgID is present only for principals in an organization
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
#     description: a negated condition operator on an absent key evaluates to true
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html
#     description: log files are SSE-S3 encrypted unless the trail names a KMS key
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
# custom:
#   id: S304
#   severity: critical
#   smoke: [denied-by-bucket-policy]
#   area: bucket
#   hops: [bucket, read]
#   reads:
#     - s3:GetBucketPolicy
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Narrow the Deny so that it exempts the reader's role, e.g. add
#     "ArnNotEquals": {"aws:PrincipalArn": "<reader role ARN>"} to its
#     Condition, or remove it.
package trailgate.rules.s304

import data.trailgate.lib
import data.trailgate.lib.datapath

deny contains f if {
	some x in lib.reader_requests
	x.on.type == "AWS::S3::Bucket"
	answer := lib.request_answer(x)
	answer.decision == "ExplicitlyDenied"
	lib.blocked_by(answer, "resourcePolicy")
	b := lib.bucket_named(split(x.on.id, ":::")[1])
	f := lib.with_fix(lib.with_statement_location(
		{
			"resource": x.on,
			"message": sprintf("the bucket policy of %s explicitly denies %s to %s: %s", [b.bucket.name, x.action, x.reader, lib.blocking_reason(answer, "resourcePolicy")]),
			"fact": sprintf("%s %s", [x.reader, x.action]),
			"remediation": sprintf("In the bucket policy of %s, exempt the reader from the Deny by adding to its Condition %s, or remove the statement.", [b.bucket.name, lib.statement_json({"ArnNotEquals": {"aws:PrincipalArn": x.reader}})]),
		},
		b.bucket, object.get(b.bucket, "policy", {}), answer, "resourcePolicy",
	), exemption_fix(b, answer, "ArnNotEquals", "aws:PrincipalArn", x.reader))
}

# exemption_fix narrows the Deny statement of the bucket policy that
# decides answer: its Condition gains op {key: value}, so that the request
# no longer matches it (every condition operator of a statement must match
# for it to apply). A statement that already tests key with op keeps its
# values and gains value.
exemption_fix(b, answer, op, key, value) := {"set_at": {"Condition": {op: {key: values}}}} if {
	policy := object.get(b.bucket, "policy", {})
	i := lib.statement_index(policy.document, answer, "resourcePolicy")
	st := lib.statements(policy.document)[i]
	st.Effect == "Deny"
	old := [v | some v in lib.as_list(object.get(object.get(object.get(st, "Condition", {}), op, {}), key, []))]
	not value in old
	values := with_value(old, value)
} else := null

with_value(old, value) := value if {
	count(old) == 0
} else := array.concat(old, [value])

# writer_requests are the log writers' object writes, with the context the
# service sends (aws:SourceArn, aws:SourceAccount, aws:PrincipalIsAWSService)
# as the remediation spells it; the answer is the one the source's writer
# hop got (lib.service_answer), asked once in Go with that context.
writer_requests contains {"source": s, "principal": s.writer, "resource": resource, "context": ctx} if {
	some s in lib.sources
	resource := sprintf("arn:%s:s3:::%s/%s", [lib.partition, s.bucket, s.sample_key])
	ctx := object.union(s.writer_context, extra_context(s))
}

extra_context(s) := {"s3:x-amz-acl": ["bucket-owner-full-control"]} if s.kind == "cloudtrail"

extra_context(s) := {
	"s3:x-amz-server-side-encryption": ["aws:kms"],
	"s3:x-amz-server-side-encryption-aws-kms-key-id": [object.get(s.destination, "kms_key_arn", "")],
} if s.kind == "guardduty"

deny contains f if {
	some x in writer_requests
	b := lib.bucket_named(x.source.bucket)
	answer := lib.service_answer(x.principal, "s3:PutObject", x.resource, x.source.arn)
	answer.decision == "ExplicitlyDenied"
	lib.blocked_by(answer, "resourcePolicy")
	f := lib.with_fix(lib.with_statement_location(
		{
			"resource": lib.bucket_resource(b),
			"message": sprintf("the bucket policy of %s explicitly denies the %s writer %s (%s) s3:PutObject: %s%s", [b.bucket.name, x.source.kind, x.principal, x.source.arn, lib.blocking_reason(answer, "resourcePolicy"), why_writer(b)]),
			"fact": sprintf("writer %s %s", [x.principal, x.source.arn]),
			"remediation": writer_fix(b, {"source": x.source, "principal": x.principal, "context": x.context}),
		},
		b.bucket, object.get(b.bucket, "policy", {}), answer, "resourcePolicy",
	), writer_exemption(b, answer, x.context))
}

# writer_exemption is the exact fix where writer_fix names one: exempt AWS
# services from a Deny that tests the principal's organization. Else a
# Deny that matches because a value of the writer's request is not among
# those a negated operator lists (the SSE header's key ID, the trail's
# aws:SourceArn) admits that value: one condition that no longer matches
# keeps the whole statement from applying. A KMS key ID the writer sends
# is the writer's choice, which may be the one to change instead (GD02
# reports a key in another Region than the bucket): also says so.
writer_exemption(b, answer, ctx) := exemption_fix(b, answer, "BoolIfExists", "aws:PrincipalIsAWSService", "false") if {
	why_writer(b) != ""
} else := fx if {
	[op, key] := negated_test(b, answer, ctx)
	value := ctx[key][0]
	base := exemption_fix(b, answer, op, key, value)
	fx := object.union(base, key_choice(key))
} else := null

# negated_test is the [operator, key] of the deciding Deny's condition
# with a negated string or ARN operator on a key the writer's request
# carries (the first, sorted, when several do).
negated_test(b, answer, ctx) := sort([[op, key] |
	policy := object.get(b.bucket, "policy", {})
	i := lib.statement_index(policy.document, answer, "resourcePolicy")
	st := lib.statements(policy.document)[i]
	st.Effect == "Deny"
	some op, block in object.get(st, "Condition", {})
	negated_operator(op)
	some key, _ in block
	count(object.get(ctx, key, [])) == 1
])[0]

negated_operator(op) if {
	base := trim_suffix(op, "IfExists")
	base in {"StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike"}
}

key_choice(key) := {"also": "alternatively, if the key the Deny already admits is the one the writer should use (GuardDuty's key must be in the bucket's Region), point the writer's destination at that key and leave the Deny as it is"} if {
	key == "s3:x-amz-server-side-encryption-aws-kms-key-id"
} else := {}

writer_fix(b, _) := sprintf("In the bucket policy of %s, exempt AWS services from the Deny by adding to its Condition %s, or remove the statement.", [b.bucket.name, lib.statement_json({"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}})]) if {
	why_writer(b) != ""
}

writer_fix(b, x) := sprintf("In the bucket policy of %s, narrow the Deny so that it does not match the %s writer's request (%s s3:PutObject with %s), or remove it.", [b.bucket.name, x.source.kind, x.principal, lib.statement_json(x.context)]) if {
	why_writer(b) == ""
}

# why_writer explains the usual cause: a Deny keyed on aws:PrincipalOrgID
# (or aws:PrincipalAccount) without an aws:PrincipalIsAWSService exemption;
# a service principal's request carries neither key, so the Deny matches it
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalisawsservice).
why_writer(b) := " (the Deny tests aws:PrincipalOrgID or aws:PrincipalAccount without exempting aws:PrincipalIsAWSService; an AWS service's request carries no aws:PrincipalOrgID, so the Deny matches it)" if {
	some st in lib.statements(b.bucket.policy.document)
	st.Effect == "Deny"
	keys := {lower(k) | some _, block in object.get(st, "Condition", {}); some k, _ in block}
	some k in {"aws:principalorgid", "aws:principalaccount", "aws:principalorgpaths"}
	k in keys
	not "aws:principalisawsservice" in keys
} else := ""

# The connector's vendor profile steps that name S304 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.S304
