# METADATA
# title: The org-formation landing-zone guide's steps
# description: >-
#   An organization declared with org-formation (input.snapshot.organization
#   .guide = "org-formation") is judged against its landing-zone guide: an
#   organization trail, with log file validation, delivering to CloudWatch
#   Logs, into a bucket with public access blocked, versioning and a
#   lifecycle rule; GuardDuty members invited by and accepting the
#   administrator that exports their findings. A step not met is reported under the catalog rule that
#   judges its resource (CT02, CW01, LZ01), its message naming the step:
#   "org-formation guide step O2 not met (…): …".
package trailgate.lib.landingzone

import data.trailgate.lib

applies if input.snapshot.organization.guide == "org-formation"

steps := {
	"O1": "an organization trail, created in the management account",
	"O2": "log file validation on the organization trail",
	"O3": "the organization trail's events delivered to CloudWatch Logs",
	"O4": "public access blocked on the trail's bucket (all four settings)",
	"O5": "the trail's bucket versioned, with a lifecycle rule",
	"O6": "GuardDuty in every account, members invited by and accepting the administrator that exports the findings",
}

message(id, msg) := sprintf("org-formation guide step %s not met (%s): %s", [id, steps[id], msg])

# step_note names the guide step a rule's own finding fails, in a landing
# zone: " (org-formation guide step O3)", else "".
step_note(id) := sprintf(" (org-formation guide step %s)", [id]) if applies

else := ""

# step_name lets the engine fold a step into the rule's own finding on the
# same resource (a trail missing one CloudWatch Logs setting is CW01's).
step_name(id) := sprintf("org-formation guide step %s (%s)", [id, steps[id]])

org_trails contains e if {
	some e in lib.trails
	e.trail.is_organization_trail
}

trail_finding(e, id, fact, msg, fix) := lib.locate(
	{
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", e.account, e.trail.home_region),
		"message": message(id, msg), "fact": sprintf("org-formation-%s:%s", [id, fact]), "remediation": fix,
		"step": step_name(id),
	},
	[object.get(e.trail, "location", null)],
)

bucket_finding(b, id, fact, msg, fix) := lib.locate(
	{
		"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
		"message": message(id, msg), "fact": sprintf("org-formation-%s:%s", [id, fact]), "remediation": fix,
		"step": step_name(id),
	},
	[object.get(b.bucket, "location", null)],
)

# org_trail_fix: only a trail of the management account can be an
# organization trail (CloudTrail refuses IsOrganizationTrail elsewhere), so
# the property is the fix there; a member account's trail keeps the prose.
org_trail_fix(e) := lib.set_fix({"IsOrganizationTrail": true}) if {
	e.account == input.snapshot.organization.management_account_id
} else := null

# O1: with no organization trail, each trail is reported.
findings.CT02 contains f if {
	applies
	count(org_trails) == 0
	some e in lib.trails
	f := lib.with_fix(trail_finding(e, "O1", "organization_trail", sprintf("trail %s is not an organization trail: the other accounts' events are not logged", [e.trail.arn]), "Set IsOrganizationTrail: true on the trail in the management account's template"), org_trail_fix(e))
}

findings.CT02 contains f if {
	applies
	some e in org_trails
	not e.trail.log_file_validation_enabled
	f := lib.with_fix(trail_finding(e, "O2", "log_file_validation", sprintf("trail %s has log file validation off: tampering with its log files cannot be detected", [e.trail.arn]), "Set EnableLogFileValidation: true on the trail"), lib.set_fix({"EnableLogFileValidation": true}))
}

findings.CW01 contains f if {
	applies
	some e in org_trails
	some k in ["cloudwatch_logs_log_group_arn", "cloudwatch_logs_role_arn"]
	object.get(e.trail, k, "") == ""
	f := lib.with_fix(trail_finding(e, "O3", "cloudwatch_logs", sprintf("trail %s does not deliver its events to CloudWatch Logs (it needs both a log group and a role)", [e.trail.arn]), "Set CloudWatchLogsLogGroupArn (an AWS::Logs::LogGroup) and CloudWatchLogsRoleArn (a role trusting cloudtrail.amazonaws.com with logs:CreateLogStream and logs:PutLogEvents on the group) on the trail"), cloudwatch_fix(e))
}

# cloudwatch_fix gives the trail the settings it lacks, the log group and
# the role being the user's to declare (placeholders): CreateTrail takes
# both or neither.
cloudwatch_fix(e) := lib.set_fix({name: cloudwatch_placeholders[name] |
	some k, name in cloudwatch_settings
	object.get(e.trail, k, "") == ""
})

cloudwatch_settings := {"cloudwatch_logs_log_group_arn": "CloudWatchLogsLogGroupArn", "cloudwatch_logs_role_arn": "CloudWatchLogsRoleArn"}

cloudwatch_placeholders := {
	"CloudWatchLogsLogGroupArn": "<the ARN of a log group (AWS::Logs::LogGroup; aws_cloudwatch_log_group) for the trail's events>",
	"CloudWatchLogsRoleArn": "<the ARN of a role trusting cloudtrail.amazonaws.com with logs:CreateLogStream and logs:PutLogEvents on the group's streams>",
}

trail_buckets contains b if {
	some e in org_trails
	b := lib.bucket_named(e.trail.s3_bucket_name)
}

pab_settings := {
	"block_public_acls": "BlockPublicAcls", "ignore_public_acls": "IgnorePublicAcls",
	"block_public_policy": "BlockPublicPolicy", "restrict_public_buckets": "RestrictPublicBuckets",
}

# O4: only settings the input declares off are judged. A bucket created
# without a configuration has all four on
# (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html);
# an existing one may inherit its account's, which is not collected.
findings.LZ01 contains f if {
	applies
	some b in trail_buckets
	pab := b.bucket.public_access_block
	off := sort([name | some k, name in pab_settings; not pab[k]])
	count(off) > 0
	f := lib.with_fix(bucket_finding(b, "O4", "public_access_block", sprintf("bucket %s has %s off", [b.bucket.name, concat(", ", off)]), sprintf("Set PublicAccessBlockConfiguration with %s: true", [concat(", ", off)])), lib.set_fix({"PublicAccessBlockConfiguration": {name: true | some name in off}}))
}

findings.LZ01 contains f if {
	applies
	some b in trail_buckets
	object.get(b.bucket, "versioning", "") != "Enabled"
	f := lib.with_fix(bucket_finding(b, "O5", "versioning", sprintf("bucket %s is not versioned (%s): an overwritten or deleted log file is lost", [b.bucket.name, versioning_state(b.bucket)]), "Set VersioningConfiguration: {Status: Enabled}"), lib.set_fix({"VersioningConfiguration": {"Status": "Enabled"}}))
}

versioning_state(bucket) := "versioning never enabled" if object.get(bucket, "versioning", "") == ""

else := sprintf("versioning %s", [bucket.versioning])

findings.LZ01 contains f if {
	applies
	some b in trail_buckets
	not some_enabled_rule(b.bucket)
	f := lib.with_fix(bucket_finding(b, "O5", "lifecycle", sprintf("bucket %s has no enabled lifecycle rule: log files and their old versions are kept forever", [b.bucket.name]), "Add a LifecycleConfiguration rule (transition or expire the log files and their noncurrent versions)"), lifecycle_fix)
}

# lifecycle_fix is an enabled rule expiring the log files and their old
# versions after a retention that is the organization's to set
# (placeholders). A bucket with rules has none enabled: the list given
# replaces them, which the text says (also).
lifecycle_fix := object.union(lib.set_fix({"LifecycleConfiguration": {"Rules": [{
	"Id": "ExpireLogFiles",
	"Status": "Enabled",
	"ExpirationInDays": "<days your retention policy keeps log files>",
	"NoncurrentVersionExpiration": {"NoncurrentDays": "<days to keep overwritten versions>"},
}]}}), {"also": "keep the bucket's disabled lifecycle rules, if any, beside this one"})

some_enabled_rule(bucket) if {
	some r in object.get(bucket, "lifecycle", [])
	r.status == "Enabled"
}
