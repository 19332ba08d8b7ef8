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
#   organization). Denies that stop the writers are reported by CT03
#   (CloudTrail) and GD04 (GuardDuty). Symptom: "… with an explicit deny in a
#   resource-based policy".
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
# custom:
#   id: S304
#   severity: critical
#   hop: bucket
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
	answer := lib.authz(x.reader, x.action, x.resource, x.context)
	answer.decision == "ExplicitlyDenied"
	lib.blocked_by(answer, "resourcePolicy")
	b := lib.bucket_named(split(x.on.id, ":::")[1])
	f := lib.with_location(
		{
			"resource": x.on,
			"message": sprintf("the bucket policy of %s explicitly denies %s to %s: %s", [b.bucket.name, x.action, x.reader, lib.blocking_reason(answer, "resourcePolicy")]),
			"fact": sprintf("%s %s", [x.reader, x.action]),
			"remediation": sprintf("In the bucket policy of %s, exempt the reader from the Deny by adding to its Condition %s, or remove the statement.", [b.bucket.name, lib.statement_json({"ArnNotEquals": {"aws:PrincipalArn": x.reader}})]),
		},
		b.bucket,
	)
}

# The connector's vendor profile steps that name S304 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.S304
