# METADATA
# title: Organization trail without CloudTrail trusted access
# description: >-
#   An organization trail needs cloudtrail.amazonaws.com in the
#   organization's enabled service access list (EnableAWSServiceAccess);
#   without it CloudTrail refuses to create or update the trail ("The request
#   could not be processed because your organization hasn't enabled
#   CloudTrail service access") and member accounts stop being logged.
#   Checked when the snapshot holds the organization and an organization
#   trail.
# related_resources:
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/creating-an-organizational-trail-prepare.html
#   - ref: https://docs.aws.amazon.com/organizations/latest/userguide/services-that-can-integrate-cloudtrail.html
# custom:
#   id: CT01
#   severity: critical
#   area: trail
#   hops: [writer]
#   reads:
#     - cloudtrail:DescribeTrails
#     - organizations:DescribeOrganization
#     - organizations:ListAWSServiceAccessForOrganization
#     - organizations:ListAccountsForParent
#     - organizations:ListDelegatedAdministrators
#     - organizations:ListOrganizationalUnitsForParent
#     - organizations:ListRoots
#   remediation: >-
#     From the management account: aws organizations
#     enable-aws-service-access --service-principal cloudtrail.amazonaws.com.
package trailgate.rules.ct01

import data.trailgate.lib

deny contains f if {
	o := input.snapshot.organization
	not "cloudtrail.amazonaws.com" in object.get(o, "enabled_service_principals", [])
	# An organization file that does not say which services are trusted
	# (org-formation's) cannot prove the service missing.
	not trusted_unknown(o)
	some e in lib.trails
	e.trail.is_organization_trail
	f := lib.with_fix({
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region),
		"message": sprintf("organization trail %s: cloudtrail.amazonaws.com is not among the trusted services of organization %s, so CloudTrail cannot create or update it for the member accounts", [e.trail.arn, o.id]),
		"fact": "cloudtrail.amazonaws.com not enabled",
		"remediation": sprintf("From the management account %s: aws organizations enable-aws-service-access --service-principal cloudtrail.amazonaws.com", [o.management_account_id]),
	}, lib.outside_fix("trusted access is a setting of the organization, made in its management account: no property of the trail sets it (in Terraform it is aws_service_access_principals of the aws_organizations_organization resource, where the organization is managed)"))
}

trusted_unknown(o) if {
	some p in object.get(o, "enabled_service_principals", [])
	lib.is_unknown(p)
}
