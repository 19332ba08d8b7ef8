package trailgate.rules.gd01_test

import data.trailgate.rules.gd01

good := {
	"id": "12abc34d567e8fa901bc2d34e56789f0",
	"region": "eu-west-1",
	"arn": "arn:aws:guardduty:eu-west-1:333333333333:detector/12abc34d567e8fa901bc2d34e56789f0",
	"status": "ENABLED",
	"finding_publishing_frequency": "FIFTEEN_MINUTES",
	"publishing_destinations": [{
		"id": "a1b2c3",
		"destination_type": "S3",
		"destination_arn": "arn:aws:s3:::gd-findings-222222222222/guardduty",
		"kms_key_arn": "arn:aws:kms:eu-west-1:333333333333:key/9c8b7a6d-3333-4f5e-8d7c-333333333333",
		"status": "PUBLISHING",
	}],
	"members": [{"account_id": "444444444444", "relationship_status": "Enabled"}],
}

facts(d) := {f.fact | some f in fs} if {
	fs := gd01.deny with input as {"snapshot": {"accounts": [{"id": "333333333333", "detectors": [d]}]}, "connector": null}
}

test_pass_publishing_fifteen_minutes if {
	facts(good) == set()
}

test_fail_no_destination if {
	facts(object.remove(good, ["publishing_destinations"])) == {"no-destination"}
}

# Near miss: a disabled detector produces no findings to export.
test_near_miss_disabled_detector_without_destination if {
	facts(object.union(object.remove(good, ["publishing_destinations"]), {"status": "DISABLED"})) == set()
}

test_fail_stalled_statuses if {
	every s in ["PENDING_VERIFICATION", "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY", "STOPPED"] {
		d := json.patch(good, [{"op": "replace", "path": "/publishing_destinations/0/status", "value": s}])
		facts(d) == {sprintf("destination-status=%s", [s])}
	}
}

test_fail_six_hours if {
	facts(object.union(good, {"finding_publishing_frequency": "SIX_HOURS"})) == {"frequency=SIX_HOURS"}
}

# Near miss: ONE_HOUR is slower than the guides ask but not the 6 h default.
test_near_miss_one_hour if {
	facts(object.union(good, {"finding_publishing_frequency": "ONE_HOUR"})) == set()
}

test_fail_member_not_enabled if {
	facts(object.union(good, {"members": [{"account_id": "444444444444", "relationship_status": "Removed"}]})) == {"member=444444444444:Removed"}
}

test_fail_suppression_rule_archives if {
	facts(object.union(good, {"suppression_rules": ["archive-low-sev"]})) == {"suppression=archive-low-sev"}
}

test_radiant_profile_names_step if {
	fs := gd01.deny with input as {
		"snapshot": {"accounts": [{"id": "333333333333", "detectors": [object.union(good, {"finding_publishing_frequency": "SIX_HOURS"})]}]},
		"connector": {"profile": "radiant", "role": "arn:aws:iam::333333333333:role/radiant-aws-access-role"},
	}
		with data.trailgate.profiles as {"radiant": {"steps": [{"id": "R4", "title": "GuardDuty findings exported every 15 minutes", "rule": "GD01", "require": {"finding_publishing_frequency": "FIFTEEN_MINUTES"}}]}}
	some f in fs
	startswith(f.message, "radiant step R4 not met (GuardDuty findings exported every 15 minutes): ")
}

conn_facts(d, c) := {f.fact | some f in fs} if {
	fs := gd01.deny with input as {"snapshot": {"accounts": [{"id": "333333333333", "detectors": [d]}]}, "connector": c}
}

# A source the connector file does not list, or reads through the API
# (skyformation: AmazonGuardDutyReadOnlyAccess), is not judged
# (shared/profiles.md, "Across profiles").
test_near_miss_connector_without_guardduty if {
	no_export := object.remove(good, ["publishing_destinations"])
	conn_facts(no_export, {"profile": "generic", "role": "arn:aws:iam::333333333333:role/r", "sources": ["cloudtrail"]}) == set()
	conn_facts(no_export, {"profile": "skyformation", "role": "arn:aws:iam::333333333333:role/r", "sources": ["cloudtrail", "guardduty"]}) == set()
	conn_facts(no_export, {"profile": "generic", "role": "arn:aws:iam::333333333333:role/r", "sources": ["guardduty"]}) == {"no-destination"}
}

# Radiant R4 (rego/profiles/radiant.json, loaded by the engine): GuardDuty
# enabled in every monitored account where findings are exported, with S3
# Protection, every 15 minutes, into one bucket. The administrator
# 333333333333 exports for its member 444444444444.
member := {
	"id": "44abc34d567e8fa901bc2d34e56789f0", "region": "eu-west-1",
	"arn": "arn:aws:guardduty:eu-west-1:444444444444:detector/44abc34d567e8fa901bc2d34e56789f0",
	"status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES",
	"administrator_account_id": "333333333333",
	"features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}],
}

radiant_facts(admin, m) := {f.fact | some f in fs} if {
	fs := gd01.deny with input as {
		"snapshot": {
			"organization": {"id": "o-test", "management_account_id": "333333333333", "members": [
				{"id": "333333333333", "status": "ACTIVE"}, {"id": "444444444444", "status": "ACTIVE"},
			]},
			"accounts": [
				{"id": "333333333333", "regions": ["eu-west-1"], "detectors": [admin]},
				{"id": "444444444444", "regions": ["eu-west-1"], "detectors": [d | some d in m]},
			],
		},
		"connector": {"profile": "radiant", "role": "arn:aws:iam::333333333333:role/radiant-aws-access-role", "sources": ["guardduty"]},
	}
}

radiant_admin := object.union(good, {"features": [{"name": "S3_DATA_EVENTS", "status": "ENABLED"}]})

test_radiant_guide_met if {
	radiant_facts(radiant_admin, [member]) == set()
}

# A member the administrator exports for needs no destination of its own.
test_near_miss_member_without_destination if {
	facts(object.remove(member, ["administrator_account_id"])) == {"no-destination"}
	radiant_facts(radiant_admin, [member]) == set()
}

test_fail_radiant_member_disabled if {
	radiant_facts(radiant_admin, [object.union(member, {"status": "DISABLED"})]) == {"radiant-R4:detector_disabled"}
}

test_fail_radiant_member_missing if {
	admin := object.union(radiant_admin, {"members": []})
	radiant_facts(admin, []) == {"radiant-R4:detector_missing:444444444444:eu-west-1"}
}

test_fail_radiant_s3_protection_off if {
	off := json.patch(member, [{"op": "replace", "path": "/features/0/status", "value": "DISABLED"}])
	radiant_facts(radiant_admin, [off]) == {"radiant-R4:feature:S3_DATA_EVENTS"}
}

# Features not read (nil) are not judged.
test_near_miss_features_unknown if {
	radiant_facts(object.remove(radiant_admin, ["features"]), [object.remove(member, ["features"])]) == set()
}

test_fail_radiant_one_hour if {
	radiant_facts(object.union(radiant_admin, {"finding_publishing_frequency": "ONE_HOUR"}), [member]) == {"radiant-R4:frequency=ONE_HOUR"}
}

test_fail_radiant_member_other_bucket if {
	own := object.union(member, {"publishing_destinations": [object.union(good.publishing_destinations[0], {"destination_arn": "arn:aws:s3:::other-findings"})]})
	radiant_facts(radiant_admin, [own]) == {"radiant-R4:bucket=other-findings"}
}

# Templates declare the relationship in two halves: AWS::GuardDuty::Member
# (Status: Invited) on the administrator's detector and
# AWS::GuardDuty::Master (MasterId) on the member's.
two(admin, mem) := {f.fact | some f in fs} if {
	fs := gd01.deny with input as {"snapshot": {"accounts": [
		{"id": "333333333333", "detectors": [admin]},
		{"id": "444444444444", "detectors": [mem]},
	]}, "connector": null}
}

iac_admin := object.union(good, {"location": {"file": "gd.yml", "line": 3}, "members": [{"account_id": "444444444444", "relationship_status": "Invited"}]})

iac_member := {
	"id": "m1", "region": "eu-west-1", "arn": "arn:aws:guardduty:eu-west-1:444444444444:detector/m1",
	"status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES",
	"administrator_account_id": "333333333333", "location": {"file": "gd.yml", "line": 3},
}

test_pass_iac_invited_and_accepted if {
	two(iac_admin, iac_member) == set()
}

# Invited but the member names no administrator: one finding, the
# member's missing destination is the same cause.
test_fail_iac_invited_not_accepted if {
	two(iac_admin, object.remove(iac_member, ["administrator_account_id"])) == {"member=444444444444:Invited"}
}

# Accepting another account's invitation is not accepting this one.
test_fail_iac_accepts_other_administrator if {
	two(iac_admin, object.union(iac_member, {"administrator_account_id": "222222222222"})) == {"member=444444444444:Invited"}
}

test_fail_iac_created_not_invited if {
	admin := json.patch(iac_admin, [{"op": "replace", "path": "/members/0/relationship_status", "value": "Created"}])
	two(admin, iac_member) == {"member=444444444444:Created"}
}

# One Member resource repeated for each account is one cause: one finding.
test_fail_members_grouped_per_status if {
	admin := object.union(iac_admin, {"members": [
		{"account_id": "444444444444", "relationship_status": "Created"},
		{"account_id": "555555555555", "relationship_status": "Created"},
	]})
	two(admin, iac_member) == {"member=444444444444, 555555555555:Created"}
}

# No administrator lists the member: its own missing destination is the
# finding.
test_fail_iac_member_without_administrator if {
	two(object.remove(iac_admin, ["members"]), iac_member) == {"no-destination"}
}

fixes(d) := {[f.fact, f.fix] | some f in fs} if {
	fs := gd01.deny with input as {"snapshot": {"accounts": [{"id": "333333333333", "detectors": [d]}]}, "connector": null}
}

# The frequency's fix is the detector's property (exact); the missing
# destination's a PublishingDestination declared beside the detector, its
# bucket and key to name.
test_fix_frequency_and_destination if {
	fixes(object.union(good, {"finding_publishing_frequency": "SIX_HOURS"})) == {["frequency=SIX_HOURS", {"set": {"FindingPublishingFrequency": "FIFTEEN_MINUTES"}}]}
	some [fact, fx] in fixes(object.remove(good, ["publishing_destinations"]))
	fact == "no-destination"
	fx.companion.type == "AWS::GuardDuty::PublishingDestination"
	fx.companion.properties.DetectorId == {"Ref": "$self"}
	fx.companion.properties.DestinationType == "S3"
}

# A delegated administrator's organization configuration enables the
# members itself (aws_guardduty_organization_configuration; ALL: "all
# accounts in the organization have GuardDuty enabled automatically",
# https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html).
org_facts(oc, admins) := {f.fact | some f in fs} if {
	admin := object.union(object.remove(radiant_admin, ["members"]), {"organization_configuration": oc})
	fs := gd01.deny with input as {
		"snapshot": {
			"organization": {"id": "o-test", "management_account_id": "333333333333", "members": [
				{"id": "333333333333", "status": "ACTIVE"}, {"id": "444444444444", "status": "ACTIVE"},
			], "delegated_administrators": [{"account_id": a, "service_principal": "guardduty.amazonaws.com"} | some a in admins]},
			"accounts": [
				{"id": "333333333333", "regions": ["eu-west-1"], "detectors": [admin]},
				{"id": "444444444444", "regions": ["eu-west-1"]},
			],
		},
		"connector": {"profile": "radiant", "role": "arn:aws:iam::333333333333:role/radiant-aws-access-role", "sources": ["guardduty"]},
	}
}

org_all := {"auto_enable_organization_members": "ALL", "features": [{"name": "S3_DATA_EVENTS", "auto_enable": "NEW"}]}

test_radiant_org_auto_enables_all if {
	org_facts(org_all, ["333333333333"]) == set()
}

# AWS accepts an organization configuration only from the delegated
# administrator: an input that names none does not contradict it.
test_near_miss_org_delegation_not_in_input if {
	org_facts(org_all, []) == set()
}

test_fail_radiant_org_auto_enables_new if {
	org_facts(object.union(org_all, {"auto_enable_organization_members": "NEW"}), ["333333333333"]) == {"radiant-R4:org_auto_enable"}
}

test_fail_radiant_org_auto_enables_none if {
	org_facts(object.union(org_all, {"auto_enable_organization_members": "NONE"}), ["333333333333"]) == {"radiant-R4:org_auto_enable"}
}

test_fail_radiant_org_admin_not_delegated if {
	org_facts(org_all, ["555555555555"]) == {"radiant-R4:org_auto_enable"}
}

test_fail_radiant_org_s3_protection_off if {
	off := {"auto_enable_organization_members": "ALL", "features": [{"name": "S3_DATA_EVENTS", "auto_enable": "NONE"}]}
	org_facts(off, ["333333333333"]) == {"radiant-R4:org_feature:S3_DATA_EVENTS"}
}

# Known only after apply: which members GuardDuty enables is not known.
test_near_miss_org_auto_enable_unknown if {
	org_facts({"auto_enable_organization_members": "<unknown:after apply>"}, ["333333333333"]) == set()
}

# Without an organization configuration the member is missing, as before.
test_fail_radiant_member_missing_without_org_configuration if {
	org_facts(null, ["333333333333"]) == {"radiant-R4:detector_missing:444444444444:eu-west-1"}
}
