# METADATA
# title: GuardDuty findings export is absent, stalled or slow
# description: >-
#   GuardDuty exports findings to S3 per Region, and an administrator account
#   exports only the findings of its own Region. A detector with no
#   publishing destination, a destination whose status is
#   PENDING_VERIFICATION, UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY or
#   STOPPED, a finding publishing frequency of SIX_HOURS (the default; vendor
#   guides ask for FIFTEEN_MINUTES), a member whose relationship is not
#   Enabled, or a suppression rule (archived findings are never exported)
#   all mean findings the connector never sees, or sees hours late.
# related_resources:
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
#   - ref: https://docs.aws.amazon.com/guardduty/latest/APIReference/API_Destination.html
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/findings_suppression-rule.html
# custom:
#   id: GD01
#   severity: high
#   area: guardduty
#   hops: [writer]
#   reads:
#     - ec2:DescribeRegions
#     - guardduty:DescribePublishingDestination
#     - guardduty:GetAdministratorAccount
#     - guardduty:GetDetector
#     - guardduty:GetFilter
#     - guardduty:ListDetectors
#     - guardduty:ListFilters
#     - guardduty:ListMembers
#     - guardduty:ListPublishingDestinations
#     - organizations:ListDelegatedAdministrators
#     - sts:AssumeRole
#   remediation: >-
#     Create a publishing destination in every Region with a detector, fix or
#     restart stalled destinations, set the finding publishing frequency to
#     FIFTEEN_MINUTES, re-enable member relationships, and make suppression
#     rules not archive findings the connector must see.
package trailgate.rules.gd01

import data.trailgate.lib
import data.trailgate.lib.datapath
import data.trailgate.lib.landingzone

enabled(d) if object.get(d, "status", "ENABLED") == "ENABLED"

deny contains f if {
	lib.source_judged("guardduty")
	some e in lib.detectors
	enabled(e.detector)
	count(object.get(e.detector, "publishing_destinations", [])) == 0
	not exported_by_administrator(e)
	f := lib.with_fix(finding(
		e, "no-destination", sprintf(
			"GuardDuty detector %s in %s (account %s) has no publishing destination: findings of %s are never exported to S3 (export settings are per Region)%s",
			[e.detector.id, e.detector.region, e.account, e.detector.region, landingzone.step_note("O6")],
		),
		sprintf("aws guardduty create-publishing-destination --region %s --detector-id %s --destination-type S3 --destination-properties DestinationArn=arn:%s:s3:::<findings-bucket>,KmsKeyArn=<key ARN in the bucket's Region>", [e.detector.region, e.detector.id, lib.partition]),
	), destination_fix)
}

# destination_fix declares the detector's publishing destination
# (AWS::GuardDuty::PublishingDestination) beside it: the bucket and the
# key are the user's to name, so the text says what to fill in.
destination_fix := {"companion": {
	"suffix": "PublishingDestination",
	"type": "AWS::GuardDuty::PublishingDestination",
	"properties": {
		"DetectorId": {"Ref": "$self"},
		"DestinationType": "S3",
		"DestinationProperties": {
			"DestinationArn": sprintf("arn:%s:s3:::<findings bucket>", [lib.partition]),
			"KmsKeyArn": "<key ARN in the bucket's Region>",
		},
	},
}}

# A member whose administrator's detector in the same Region exports and
# lists it as a member needs no destination of its own: the administrator
# exports its members' findings of that Region
# (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
# A relationship that is not enabled is the member rule's finding below,
# one finding for its one cause.
exported_by_administrator(e) if {
	some a in lib.detectors
	a.detector.region == e.detector.region
	count(object.get(a.detector, "publishing_destinations", [])) > 0
	some m in object.get(a.detector, "members", [])
	m.account_id == e.account
}

# So is a member the delegated administrator's organization configuration
# enables (auto-enable ALL in that Region).
exported_by_administrator(e) if datapath.auto_enabled_member(e.account, e.detector.region)

# enabled_member: the administrator a's member m is enabled. Templates
# declare the two halves apart: AWS::GuardDuty::Member (Status: Invited) in
# the administrator account invites, AWS::GuardDuty::Master in the member
# account accepts for its detector
# (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-guardduty-master.html);
# both together are the Enabled relationship ListMembers reports.
enabled_member(_, m) if m.relationship_status == "Enabled"

enabled_member(a, m) if {
	m.relationship_status == "Invited"
	some d in lib.detectors
	d.account == m.account_id
	d.detector.region == a.detector.region
	d.detector.administrator_account_id == a.account
}

stalled := {"PENDING_VERIFICATION", "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY", "STOPPED"}

deny contains f if {
	lib.source_judged("guardduty")
	some e in lib.detectors
	some dest in object.get(e.detector, "publishing_destinations", [])
	dest.status in stalled
	f := finding(
		e, sprintf("destination-status=%s", [dest.status]), sprintf(
			"GuardDuty detector %s in %s exports to %s but the destination status is %s: no findings are being published",
			[e.detector.id, e.detector.region, dest.destination_arn, dest.status],
		),
		fix_destination(e, dest),
	)
}

fix_destination(e, dest) := sprintf("Fix the bucket and key policies (GD03, GD04), then: aws guardduty update-publishing-destination --region %s --detector-id %s --destination-id %s --destination-properties DestinationArn=%s,KmsKeyArn=%s", [e.detector.region, e.detector.id, object.get(dest, "id", "<destination-id>"), dest.destination_arn, dest.kms_key_arn])

deny contains f if {
	lib.source_judged("guardduty")
	some e in lib.detectors
	enabled(e.detector)
	e.detector.finding_publishing_frequency == "SIX_HOURS"
	f := lib.with_fix(finding(e, "frequency=SIX_HOURS", msg_frequency(e), sprintf("aws guardduty update-detector --region %s --detector-id %s --finding-publishing-frequency FIFTEEN_MINUTES", [e.detector.region, e.detector.id])), lib.set_fix({"FindingPublishingFrequency": "FIFTEEN_MINUTES"}))
}

# A profile step that requires FIFTEEN_MINUTES (radiant step R4) is named.
msg_frequency(e) := datapath.step_message(step.id, frequency_text(e)) if {
	some step in datapath.required_steps
	step.require.finding_publishing_frequency == "FIFTEEN_MINUTES"
} else := frequency_text(e)

frequency_text(e) := sprintf("GuardDuty detector %s in %s publishes updated findings every SIX_HOURS: updates reach the connector up to six hours late (guides ask for FIFTEEN_MINUTES)", [e.detector.id, e.detector.region])

# Members not enabled, one finding per detector and relationship status:
# one template resource (a Member repeated for each account) is one cause.
deny contains f if {
	lib.source_judged("guardduty")
	some e in lib.detectors
	some m0 in object.get(e.detector, "members", [])
	not enabled_member(e, m0)
	status := m0.relationship_status
	ms := [m | some m in object.get(e.detector, "members", []); m.relationship_status == status; not enabled_member(e, m)]
	accts := concat(", ", sort({m.account_id | some m in ms}))
	f := lib.with_fix(finding(
		e, sprintf("member=%s:%s", [accts, status]), sprintf(
			"GuardDuty %s %s of detector %s in %s %s relationship status %s%s: %s findings do not reach the administrator's export%s",
			[plural(ms, "member", "members"), accts, e.detector.id, e.detector.region, plural(ms, "has", "have"), status, member_why(e, status), plural(ms, "its", "their"), landingzone.step_note("O6")],
		),
		sprintf("aws guardduty create-members --region %s --detector-id %s --account-details %s (then have %s accept, or enable %s through the organization configuration)", [e.detector.region, e.detector.id, concat(" ", sort({sprintf("AccountId=%s", [m.account_id]) | some m in ms})), plural(ms, "the member", "each member"), plural(ms, "it", "them")]),
	), member_fix(e, status, accts))
}

# member_fix is the relationship's missing half where an input declares
# the detector: the invitation (a template's AWS::GuardDuty::Member
# Status: Invited; Terraform's invite = true on aws_guardduty_member), or
# the member's acceptance, declared in the member account's own stack or
# configuration (AWS::GuardDuty::Master; aws_guardduty_invite_accepter).
member_fix(e, status, accts) := {"also": sprintf("invite member %s: Status: Invited on its AWS::GuardDuty::Member in a template, invite = true on its aws_guardduty_member in Terraform", [accts])} if {
	status == "Created"
	e.detector.location
} else := {"also": sprintf("accept the invitation in member %s: in its own account's stack or configuration, an AWS::GuardDuty::Master (Terraform: aws_guardduty_invite_accepter) naming administrator %s, beside its detector in %s", [accts, e.account, e.detector.region])} if {
	status == "Invited"
	e.detector.location
} else := null

plural(xs, one, _) := one if count(xs) == 1

plural(xs, _, many) := many if count(xs) > 1

# member_why says what a template's half-made relationship lacks.
# member_why says what a template's half-made relationship lacks (a
# detector read from IaC has a location; a live one's status is AWS's).
member_why(e, "Created") := " (created, never invited: the Member resource's Status is not Invited)" if e.detector.location

member_why(e, "Invited") := sprintf(" (invited, never accepted: no member detector in %s names administrator %s, as an AWS::GuardDuty::Master resource does)", [e.detector.region, e.account]) if e.detector.location

member_why(e, status) := "" if {
	not e.detector.location
} else := "" if not status in {"Created", "Invited"}

deny contains f if {
	lib.source_judged("guardduty")
	some e in lib.detectors
	some rule in object.get(e.detector, "suppression_rules", [])
	f := lib.with_fix(finding(
		e, sprintf("suppression=%s", [rule]), sprintf(
			"GuardDuty detector %s in %s has suppression rule %q: findings it archives are never exported to S3",
			[e.detector.id, e.detector.region, rule],
		),
		sprintf("aws guardduty update-filter --region %s --detector-id %s --filter-name %s --action NOOP (or narrow its criteria)", [e.detector.region, e.detector.id, rule]),
	), {"also": sprintf("make filter %s of the detector keep findings: Action NOOP on its AWS::GuardDuty::Filter (action = \"NOOP\" on its aws_guardduty_filter), or narrow its criteria", [rule])})
}

finding(e, fact, message, fix) := {
	"resource": lib.resource(e.detector.arn, "AWS::GuardDuty::Detector", e.account, e.detector.region),
	"message": message,
	"fact": fact,
	"remediation": fix,
}

# The connector's vendor profile steps that name GD01 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if {
	lib.source_judged("guardduty")
	some f in datapath.profile_findings.GD01
}
