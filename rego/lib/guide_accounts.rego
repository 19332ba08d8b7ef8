# Guide steps judged over every account of the organization: vendor guide
# steps that ask something of every monitored account, not only of the
# connector's path. GuardDuty enabled everywhere GuardDuty exports, with S3
# Protection, publishing every 15 minutes, and every account's findings
# landing in one bucket (Radiant R4); and a role in every other account that
# the main role can assume and that can read S3 (Radiant R8). Each failure
# is a profile finding naming its step, under the step's rule (GD01, ID01).
# (The package's METADATA is in datapath.rego.)
package trailgate.lib.datapath

import data.trailgate.lib

# ---------------------------------------------------------------------------
# GuardDuty in every monitored account (require.detector_enabled,
# detector_features, finding_publishing_frequency, one_bucket).

# monitored_accounts are the organization's active accounts, or, without
# an organization, the snapshot's accounts.
monitored_accounts := {m.id |
	some m in input.snapshot.organization.members
	object.get(m, "status", "ACTIVE") == "ACTIVE"
} if {
	count(object.get(input.snapshot, ["organization", "members"], [])) > 0
} else := {a.id | some a in input.snapshot.accounts}

# exporting are the enabled detectors with a publishing destination; the
# Regions they are in are where GuardDuty's findings are exported.
exporting contains e if {
	some e in lib.detectors
	object.get(e.detector, "status", "ENABLED") == "ENABLED"
	count(object.get(e.detector, "publishing_destinations", [])) > 0
}

exporting_regions := {e.detector.region | some e in exporting}

detector_in(account, region) := e if {
	some e in lib.detectors
	e.account == account
	e.detector.region == region
}

collected_region(account, region) if {
	some a in input.snapshot.accounts
	a.id == account
	region in object.get(a, "regions", [])
}

# An account without a detector of its own in the snapshot is covered in a
# Region when an exporting administrator there lists it as an enabled
# member: the administrator exports its members' findings
# (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
member_of_exporter(account, region) if {
	some e in exporting
	e.detector.region == region
	some m in object.get(e.detector, "members", [])
	m.account_id == account
	m.relationship_status == "Enabled"
}

# An account is covered, too, when the delegated administrator's
# organization configuration there auto-enables ALL: "all accounts in the
# organization have GuardDuty enabled automatically"
# (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html).
member_of_exporter(account, region) if auto_enabled_member(account, region)

auto_enabled_member(account, region) if {
	some e in org_configured
	e.detector.region == region
	org_enables_members(e)
	account != e.account
}

# org_configured are the exporting detectors that carry an organization
# configuration (only a delegated administrator's can).
org_configured contains e if {
	some e in exporting
	is_object(object.get(e.detector, "organization_configuration", null))
}

org_enables_members(e) if {
	e.detector.organization_configuration.auto_enable_organization_members == "ALL"
	not other_admin(e)
}

# guardduty_admins are the accounts Organizations lists as GuardDuty's
# delegated administrator (aws_guardduty_organization_admin_account,
# EnableOrganizationAdminAccount).
guardduty_admins := {d.account_id |
	some d in object.get(input.snapshot, ["organization", "delegated_administrators"], [])
	d.service_principal == "guardduty.amazonaws.com"
	not lib.is_unknown(d.account_id)
}

# other_admin: the organization delegates GuardDuty to other accounts
# than e's, so e's organization configuration enables no member (an
# organization has one GuardDuty delegated administrator, and only it may
# UpdateOrganizationConfiguration). An input that names no delegated
# administrator does not contradict the configuration: AWS accepts it
# only from the delegated administrator.
other_admin(e) if {
	count(guardduty_admins) > 0
	not e.account in guardduty_admins
}

# An account is known to lack GuardDuty in a Region when the snapshot read
# that Region of the account, or when an administrator there lists its
# members and this account is not among them.
known_absent(account, region) if collected_region(account, region)

known_absent(account, region) if {
	some e in exporting
	e.detector.region == region
	count(object.get(e.detector, "members", [])) > 0
	not e.account == account
}

# So is an account where the delegated administrator's organization
# configuration is known: it alone decides which accounts GuardDuty enables.
known_absent(account, region) if {
	some e in org_configured
	e.detector.region == region
	not lib.is_unknown(e.detector.organization_configuration.auto_enable_organization_members)
	not e.account == account
}

# org_gap(e) says why e's organization configuration leaves members
# without GuardDuty; the accounts it leaves out are one finding on it (one
# cause), not one per account.
org_gap(e) := sprintf("account %s is not GuardDuty's delegated administrator (the organization delegates it to %s), so its organization configuration enables no member", [e.account, concat(", ", sort(guardduty_admins))]) if other_admin(e)

else := sprintf("its organization configuration auto-enables %s, not ALL: existing accounts are not enabled (NEW only enables accounts that join later)", [v]) if {
	v := e.detector.organization_configuration.auto_enable_organization_members
	v != "ALL"
	not lib.is_unknown(v)
}

# org_left_out(e) are the monitored accounts e's configuration should have
# enabled that have no GuardDuty of their own in its Region.
org_left_out(e) := {account |
	some account in monitored_accounts
	account != e.account
	not detector_in(account, e.detector.region)
	not member_of_exporter(account, e.detector.region)
}

# org_undetermined: the administrator's organization configuration there
# auto-enables a value the input does not give (known after apply): which
# members GuardDuty enables is not known.
org_undetermined(region) if {
	some e in org_configured
	e.detector.region == region
	lib.is_unknown(e.detector.organization_configuration.auto_enable_organization_members)
}

org_caused(account, region) if {
	some e in org_configured
	e.detector.region == region
	org_gap(e)
	account in org_left_out(e)
}

profile_results contains r if {
	some s in required_steps
	s.require.detector_enabled == true
	"guardduty" in lib.connector_sources
	some e in org_configured
	why := org_gap(e)
	left := org_left_out(e)
	count(left) > 0
	r := with_step_fix(org_located(e, profile_finding(s, s.rule, detector_resource(e), "org_auto_enable", sprintf("GuardDuty administrator detector %s of account %s in %s: %s; %s %s no GuardDuty there, so %s findings never reach the findings bucket", [e.detector.id, e.account, e.detector.region, why, plural_accounts(left), plural_have(left), plural_their(left)]), org_fix(e))), org_auto_enable_fix(e))
}

# with_step_fix adds a fix as data to a profile result's finding.
with_step_fix(r, fx) := object.union(r, {"finding": lib.with_fix(r.finding, fx)})

# org_auto_enable_fix: the organization configuration an input declares
# (Terraform's aws_guardduty_organization_configuration) enables every
# member; CloudFormation has no resource for it, and the delegated
# administrator is registered from the management account.
org_auto_enable_fix(e) := lib.outside_fix(sprintf("GuardDuty is delegated to another account than %s: the delegated administrator is registered from the organization's management account (aws_guardduty_organization_admin_account in its configuration), not by this detector", [e.account])) if {
	other_admin(e)
} else := lib.set_fix({"AutoEnableOrganizationMembers": "ALL"}) if {
	object.get(e.detector.organization_configuration, ["location", "file"], "") != ""
} else := lib.outside_fix("GuardDuty's organization configuration is not declared here (CloudFormation has no resource for it; in Terraform it is an aws_guardduty_organization_configuration of the administrator's detector): it is set from the delegated administrator")

org_fix(e) := sprintf("Delegate GuardDuty to account %s from the management account (aws guardduty enable-organization-admin-account --admin-account-id %s, or aws_guardduty_organization_admin_account), or configure the organization from the delegated administrator", [e.account, e.account]) if other_admin(e)

else := sprintf("aws guardduty update-organization-configuration --region %s --detector-id %s --auto-enable-organization-members ALL (auto_enable_organization_members = \"ALL\" on aws_guardduty_organization_configuration)", [e.detector.region, e.detector.id])

plural_accounts(xs) := sprintf("account %s", [concat(", ", sort(xs))]) if count(xs) == 1

else := sprintf("accounts %s", [concat(", ", sort(xs))])

plural_have(xs) := "has" if count(xs) == 1

else := "have"

plural_their(xs) := "its" if count(xs) == 1

else := "their"

# org_located points the finding at the organization configuration where
# the IaC declares it (the fix goes there), else leaves the detector's.
org_located(e, r) := object.union(r, {"finding": lib.locate(r.finding, [object.get(e.detector.organization_configuration, "location", null)])})

detector_resource(e) := lib.resource(e.detector.arn, "AWS::GuardDuty::Detector", e.account, e.detector.region)

profile_results contains r if {
	some s in required_steps
	s.require.detector_enabled == true
	"guardduty" in lib.connector_sources
	some region in exporting_regions
	some account in monitored_accounts
	e := detector_in(account, region)
	e.detector.status == "DISABLED"
	r := with_step_fix(profile_finding(s, s.rule, detector_resource(e), "detector_disabled", sprintf("GuardDuty detector %s of account %s in %s is disabled: the account's findings are never generated, so none reach the findings bucket", [e.detector.id, account, region]), sprintf("aws guardduty update-detector --region %s --detector-id %s --enable (from account %s), or enable it from the administrator account", [region, e.detector.id, account])), lib.set_fix({"Enable": true}))
}

profile_results contains r if {
	some s in required_steps
	s.require.detector_enabled == true
	"guardduty" in lib.connector_sources
	some region in exporting_regions
	some account in monitored_accounts
	not detector_in(account, region)
	not member_of_exporter(account, region)
	known_absent(account, region)
	not org_caused(account, region)
	not org_undetermined(region)
	r := profile_finding(s, s.rule, lib.resource(sprintf("arn:%s:guardduty:%s:%s:detector", [lib.partition, region, account]), "AWS::GuardDuty::Detector", account, region), sprintf("detector_missing:%s:%s", [account, region]), sprintf("account %s has no GuardDuty detector in %s and is not an enabled member of the administrator there: its findings never reach the findings bucket", [account, region]), sprintf("Enable GuardDuty for account %s in %s: from the administrator account, aws guardduty create-members --region %s --detector-id <administrator detector> --account-details AccountId=%s (or turn on auto-enable in the organization configuration)", [account, region, region, account]))
}

profile_results contains r if {
	some s in required_steps
	some name in s.require.detector_features
	"guardduty" in lib.connector_sources
	some e in lib.detectors
	e.account in monitored_accounts
	object.get(e.detector, "status", "ENABLED") == "ENABLED"
	some f in object.get(e.detector, "features", [])
	f.name == name
	f.status != "ENABLED"
	r := with_step_fix(profile_finding(s, s.rule, detector_resource(e), sprintf("feature:%s", [name]), sprintf("GuardDuty detector %s of account %s in %s has %s %s: %s", [e.detector.id, e.account, e.detector.region, feature_names[name], f.status, feature_effect[name]]), sprintf("aws guardduty update-detector --region %s --detector-id %s --features Name=%s,Status=ENABLED", [e.detector.region, e.detector.id, name])), {"also": sprintf("enable %s on the detector: in a template, the entry {Name: %s, Status: ENABLED} of its Features (the other entries kept); in Terraform, an aws_guardduty_detector_feature of it with name = \"%s\" and status = \"ENABLED\"", [name, name, name])})
}

# The protection plans of the members the organization configuration
# enables are its Features' (AutoEnable NONE: never enabled in them).
profile_results contains r if {
	some s in required_steps
	some name in s.require.detector_features
	"guardduty" in lib.connector_sources
	some e in org_configured
	org_enables_members(e)
	some f in object.get(e.detector.organization_configuration, "features", [])
	f.name == name
	f.auto_enable == "NONE"
	members := {a | some a in monitored_accounts; auto_enabled_member(a, e.detector.region); not detector_in(a, e.detector.region)}
	count(members) > 0
	r := with_step_fix(org_located(e, profile_finding(s, s.rule, detector_resource(e), sprintf("org_feature:%s", [name]), sprintf("GuardDuty organization configuration of detector %s (account %s) in %s enables members with %s off (auto-enable NONE): in %s, %s", [e.detector.id, e.account, e.detector.region, feature_names[name], plural_accounts(members), feature_effect[name]]), sprintf("aws guardduty update-organization-configuration --region %s --detector-id %s --auto-enable-organization-members ALL --features Name=%s,AutoEnable=ALL (auto_enable = \"ALL\" on aws_guardduty_organization_configuration_feature %s)", [e.detector.region, e.detector.id, name, name]))), org_feature_fix(e, name))
}

# org_feature_fix: Terraform's aws_guardduty_organization_configuration_feature
# (CloudFormation has no resource for the organization configuration).
org_feature_fix(e, name) := {"also": sprintf("declare an aws_guardduty_organization_configuration_feature of the administrator's detector with name = \"%s\" and auto_enable = \"ALL\"", [name])} if {
	object.get(e.detector.organization_configuration, ["location", "file"], "") != ""
} else := lib.outside_fix(sprintf("GuardDuty's organization configuration is not declared here (CloudFormation has no resource for it; in Terraform, %s is an aws_guardduty_organization_configuration_feature of the administrator's detector): it is set from the delegated administrator", [name]))

feature_names := {"S3_DATA_EVENTS": "S3 Protection (S3_DATA_EVENTS)"}

feature_effect := {"S3_DATA_EVENTS": "S3 data-event threats (the guide requires S3 protection) are never detected"}

# A detector's own frequency governs the findings it exports; a member's
# is set by its administrator. SIX_HOURS is GD01's own check, naming the
# step.
profile_results contains r if {
	some s in required_steps
	want := s.require.finding_publishing_frequency
	"guardduty" in lib.connector_sources
	some e in lib.detectors
	object.get(e.detector, "status", "ENABLED") == "ENABLED"
	object.get(e.detector, "administrator_account_id", "") == ""
	got := e.detector.finding_publishing_frequency
	not got in {want, "SIX_HOURS", ""}
	r := with_step_fix(profile_finding(s, s.rule, detector_resource(e), sprintf("frequency=%s", [got]), sprintf("GuardDuty detector %s of account %s in %s publishes updated findings every %s; the guide requires %s", [e.detector.id, e.account, e.detector.region, got, want]), sprintf("aws guardduty update-detector --region %s --detector-id %s --finding-publishing-frequency %s", [e.detector.region, e.detector.id, want])), lib.set_fix({"FindingPublishingFrequency": want}))
}

# The one findings bucket is where the main account's detectors export
# (the connector role's account), else where the administrators do.
main_findings_buckets := b if {
	b := {bucket_of(d) | some e in exporting; e.account == connector_role_account; some d in e.detector.publishing_destinations}
	count(b) > 0
} else := {bucket_of(d) |
	some e in exporting
	count(object.get(e.detector, "members", [])) > 0
	some d in e.detector.publishing_destinations
}

bucket_of(dest) := split(trim_prefix(dest.destination_arn, sprintf("arn:%s:s3:::", [lib.partition])), "/")[0]

profile_results contains r if {
	some s in required_steps
	s.require.one_bucket == true
	"guardduty" in lib.connector_sources
	count(main_findings_buckets) > 0
	some e in exporting
	some d in e.detector.publishing_destinations
	not bucket_of(d) in main_findings_buckets
	not lib.is_unknown(d.destination_arn)
	r := with_step_fix(profile_finding(s, s.rule, detector_resource(e), sprintf("bucket=%s", [bucket_of(d)]), sprintf("GuardDuty detector %s of account %s in %s exports to bucket %s, not to the findings bucket %s: the guide has every account's findings land in that one bucket", [e.detector.id, e.account, e.detector.region, bucket_of(d), concat(", ", sort(main_findings_buckets))]), sprintf("aws guardduty update-publishing-destination --region %s --detector-id %s --destination-id %s --destination-properties DestinationArn=arn:%s:s3:::%s,KmsKeyArn=<the findings key>", [e.detector.region, e.detector.id, object.get(d, "id", "<destination-id>"), lib.partition, sort(main_findings_buckets)[0]])), {"also": sprintf("point the detector's publishing destination at arn:%s:s3:::%s with the findings key (a template's DestinationProperties DestinationArn and KmsKeyArn of its AWS::GuardDuty::PublishingDestination; destination_arn and kms_key_arn of its aws_guardduty_publishing_destination)", [lib.partition, sort(main_findings_buckets)[0]])})
}

# ---------------------------------------------------------------------------
# Member-account roles (require.member_roles, Radiant R8).

# vendor_principal is who assumes the connector role: the connector
# file's trusted_principal, else the principal the guide names (R6).
vendor_principal := p if {
	p := object.get(input.connector, "trusted_principal", "")
	p != ""
} else := p if {
	some s in profile.steps
	p := s.require.trusted_principal
}

# assume_targets are the role ARNs the main role's identity policies allow
# it to sts:AssumeRole, written out (R7 lists each member role).
assume_targets contains arn if {
	some doc in policies_of(connector_role.role)
	some st in statements(doc)
	statement_covers(st, "sts:AssumeRole")
	some arn in as_list(object.get(st, "Resource", null))
	contains(arn, ":role/")
	not contains(arn, "*")
}

trusts_main_role(role) if {
	some st in statements(role.trust_policy.document)
	st.Effect == "Allow"
	some p in principal_values(st)
	p == input.connector.role
}

# member_roles are the roles in other accounts the main role is meant to
# assume: named like it, listed in its sts:AssumeRole resources, or
# trusting it.
member_roles contains e if {
	main := connector_role
	some e in lib.roles
	e.account != main.account
	member_role(main, e)
}

member_role(main, e) if lower(e.role.name) == lower(main.role.name)

member_role(_, e) if e.role.arn in assume_targets

member_role(_, e) if trusts_main_role(e.role)

# Accounts whose roles the snapshot holds: only there can a role be known
# to be missing.
accounts_with_roles := {a.id | some a in input.snapshot.accounts; count(object.get(a, "roles", [])) > 0}

profile_results contains r if {
	some s in required_steps
	s.require.member_roles == true
	main := connector_role
	some account in monitored_accounts
	account != main.account
	account in accounts_with_roles
	not some_member_role(account)
	r := profile_finding(s, s.rule, lib.resource(sprintf("arn:%s:iam::%s:root", [lib.partition, account]), "AWS::IAM::Role", account, ""), sprintf("member_role_missing:%s", [account]), sprintf("account %s has no role for the main role %s to assume (none is named %s, listed in its sts:AssumeRole resources, or trusts it): the vendor cannot read that account", [account, main.role.arn, main.role.name]), sprintf("Create arn:%s:iam::%s:role/%s with s3:Get* and s3:List*, trusting %s with sts:ExternalId, and list it in the sts:AssumeRole resources of %s", [lib.partition, account, main.role.name, main.role.arn, main.role.arn]))
}

some_member_role(account) if {
	some e in member_roles
	e.account == account
}

# A member role without s3:GetObject or s3:ListBucket in any identity
# policy (the guide's s3:Get*, s3:List*). Judged only when every attached
# managed policy's document is in the snapshot.
profile_results contains r if {
	some s in required_steps
	s.require.member_roles == true
	some e in member_roles
	every arn in object.get(e.role, "attached_policy_arns", []) {
		managed_policy(arn)
	}
	missing := [a | some a in ["s3:GetObject", "s3:ListBucket"]; not grants_any(e.role, a)]
	count(missing) > 0
	r := profile_finding(s, s.rule, lib.resource(e.role.arn, "AWS::IAM::Role", e.account, ""), "member_role_s3", sprintf("member role %s is granted no %s: the vendor cannot read S3 in account %s", [e.role.arn, concat(" or ", missing), e.account]), sprintf("Add to the policy of %s: %s", [e.role.arn, lib.statement_json({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})]))
}

grants_any(role, action) if {
	some doc in policies_of(role)
	some st in statements(doc)
	statement_covers(st, action)
}
