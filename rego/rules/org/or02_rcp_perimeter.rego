# METADATA
# title: A resource control policy blocks the vendor or the reader
# description: >-
#   RCPs cap what any principal may do to the resources of member accounts
#   (S3, STS, KMS, SQS, Secrets Manager): a data-perimeter RCP that denies
#   principals outside the organization and does not exempt the vendor's
#   account blocks the vendor's sts:AssumeRole into the connector role, and a
#   reader outside the organization from the bucket, key or queue. RCPs do not
#   apply to the management account's resources, to service-linked roles or
#   to AWS managed keys. Each request is asked of the authorization evaluator
#   with the RCP path of the resource's account.
# related_resources:
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html
# custom:
#   id: OR02
#   severity: critical
#   smoke: [denied-by-rcp]
#   area: org
#   hops: [reader, read]
#   reads:
#     - organizations:DescribeOrganization
#     - organizations:DescribePolicy
#     - organizations:ListAccountsForParent
#     - organizations:ListOrganizationalUnitsForParent
#     - organizations:ListPolicies
#     - organizations:ListRoots
#     - organizations:ListTargetsForPolicy
#   remediation: >-
#     Exempt the vendor's account in the RCP statement (e.g. add its account ID
#     to an aws:PrincipalAccount StringNotEqualsIfExists list), or exempt the
#     connector role's ARN.
package trailgate.rules.or02

import data.trailgate.lib

# requests are the vendor's sts:AssumeRole of the connector role (with its
# external ID) and every request a reader makes, each with its answer, as
# Go builds them (lib.path_index.assume, lib.reader_requests).
requests contains {"principal": x.reader, "action": x.action, "resource": x.resource, "context": x.context, "on": x.on, "answer": x.answer} if {
	some x in lib.path_index.assume
}

requests contains {"principal": x.reader, "action": x.action, "resource": x.resource, "context": x.context, "on": x.on, "answer": x.answer} if {
	some x in lib.reader_requests
}

deny contains f if {
	some x in requests
	answer := lib.request_answer(x)
	lib.denied(answer)
	lib.blocked_by(answer, "rcp")
	f := lib.with_fix(lib.with_org_statement_location({
		"resource": x.on,
		"message": sprintf("a resource control policy on the path to account %s blocks %s from %s on %s: %s", [x.on.account, x.principal, x.action, x.resource, lib.blocking_reason(answer, "rcp")]),
		"fact": sprintf("%s %s", [x.principal, x.action]),
		"remediation": sprintf("Exempt the caller in the RCP statement that blocks %s by adding to its Condition %s.", [x.action, lib.statement_json(exemption(x.principal))]),
	}, answer, "rcp"), exemption_fix(answer, exemption(x.principal)))
}

# exemption_fix writes the exemption into the denying RCP statement where
# an input declares it (lib.org_exemption_fix).
exemption_fix(answer, ex) := lib.org_exemption_fix(answer, "rcp", op, key, ex[op][key]) if {
	some op, tests in ex
	some key, _ in tests
}

exemption(p) := {"StringNotEqualsIfExists": {"aws:PrincipalAccount": lib.account_of_arn(p)}} if {
	contains(p, ":")
} else := {"StringNotEqualsIfExists": {"aws:PrincipalArn": p}}
