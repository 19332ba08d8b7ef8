# METADATA
# title: A service control policy blocks the log reader
# description: >-
#   SCPs cap what the principals of member accounts may do: a Deny on any
#   level from the root to the reader's account, or a level whose SCPs allow
#   nothing matching, stops the reader's s3:GetObject, s3:ListBucket,
#   kms:Decrypt or sqs:ReceiveMessage whatever its own policies grant. SCPs do
#   not apply to the management account nor to service-linked roles. Each
#   read is asked of the authorization evaluator with the SCP path of the
#   reader's account. Control Tower's guardrails also deny PutBucketPolicy on
#   aws-controltower* buckets, so vendors that need bucket-policy grants must
#   use a Log Archive role instead. AWS documents the catalog's inferred
#   wording, so it holds: an SCP denial ends "with an explicit deny in a
#   service control policy" (AWS notes it can read so even when the SCP
#   denies implicitly, and may append the policy ARN).
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
#     description: access denied message wording per policy type
#   - ref: https://repost.aws/knowledge-center/iam-organizations-scp-deny-error
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html
#   - ref: https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
# custom:
#   id: OR01
#   severity: critical
#   smoke: [denied-by-scp]
#   area: org
#   hops: [bucket, object-key, reader, read]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - organizations:DescribeOrganization
#     - organizations:DescribePolicy
#     - organizations:ListAccountsForParent
#     - organizations:ListOrganizationalUnitsForParent
#     - organizations:ListPolicies
#     - organizations:ListRoots
#     - organizations:ListTargetsForPolicy
#   remediation: >-
#     Exempt the reader's role from the SCP statement (e.g. ArnNotLike on
#     aws:PrincipalARN) or move the reader to an account the SCP does not
#     cover.
package trailgate.rules.or01

import data.trailgate.lib

deny contains f if {
	some x in lib.reader_requests
	answer := lib.request_answer(x)
	lib.denied(answer)
	lib.blocked_by(answer, "scp")
	account := lib.account_of_arn(x.reader)
	f := lib.with_fix(lib.with_org_statement_location({
		"resource": lib.resource(x.reader, "AWS::IAM::Role", account, ""),
		"message": sprintf("a service control policy on the path to account %s blocks %s from %s on %s: %s", [account, x.reader, x.action, x.resource, lib.blocking_reason(answer, "scp")]),
		"fact": sprintf("%s %s", [x.action, x.on.id]),
		"remediation": sprintf("Exempt the reader in the SCP statement that blocks %s by adding to its Condition %s, or attach an SCP that allows it at every level from the root to account %s.", [x.action, lib.statement_json({"ArnNotLike": {"aws:PrincipalARN": x.reader}}), account]),
	}, answer, "scp"), lib.org_exemption_fix(answer, "scp", "ArnNotLike", "aws:PrincipalARN", x.reader))
}

# A cross-account reader the bucket policy does not admit, on a bucket whose
# policy an SCP forbids changing (Control Tower's guardrail on
# aws-controltower* buckets): the grant the reader needs cannot be added.
deny contains f if {
	some x in lib.reader_requests
	x.on.type == "AWS::S3::Bucket"
	b := lib.bucket_named(split(x.on.id, ":::")[1])
	lib.account_of_arn(x.reader) != b.account
	answer := lib.request_answer(x)
	answer.decision == "ImplicitlyDenied"
	not lib.resource_allows(answer)
	lock := lib.bucket_policy_lock(b)
	f := lib.with_fix({
		"resource": lib.bucket_resource(b),
		"message": sprintf("%s needs a bucket-policy grant for %s on %s (it is in another account), but a service control policy on the path to account %s forbids changing that bucket policy: %s", [x.reader, x.action, b.bucket.name, b.account, lib.blocking_reason(lock, "scp")]),
		"fact": sprintf("bucket-policy-locked %s %s", [x.reader, x.action]),
		"remediation": lib.log_archive_fix(x.reader, b),
	}, lib.outside_fix(sprintf("a service control policy denies s3:PutBucketPolicy on bucket %s, so a bucket policy statement declared here could not be applied; the reader needs a role in account %s (the bucket's account) to read through, and the connector pointed at that role, in the vendor's console", [b.bucket.name, b.account])))
}
