package trailgate.rules.s306_test

import data.trailgate.rules.s306

role_arn := "arn:aws:iam::222222222222:role/chronicle-reader"

reader_policy(actions) := {"name": "read", "document": {"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "Action": actions, "Resource": ["arn:aws:s3:::cloudtrail-222222222222", "arn:aws:s3:::cloudtrail-222222222222/*"]},
]}}

mfa_scp := {
	"id": "p-mfadelete", "name": "AWS-GR_RESTRICT_S3_DELETE_WITHOUT_MFA", "type": "SERVICE_CONTROL_POLICY", "targets": ["ou-ab12-security"],
	"document": {"document": {"Version": "2012-10-17", "Statement": [{"Sid": "GRRESTRICTS3DELETEWITHOUTMFA", "Effect": "Deny", "Action": ["s3:DeleteObject", "s3:DeleteBucket"], "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": ["false"]}}}]}},
}

full_access := {"id": "p-FullAWSAccess", "name": "FullAWSAccess", "type": "SERVICE_CONTROL_POLICY", "aws_managed": true, "targets": ["r-ab12", "ou-ab12-security", "111111111111", "222222222222"], "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}}

snap(actions, scps, lock) := {
	"schema_version": "1", "source": "fixture",
	"organization": {
		"id": "o-abc123def4", "management_account_id": "111111111111", "root_id": "r-ab12", "feature_set": "ALL",
		"enabled_policy_types": ["SERVICE_CONTROL_POLICY"],
		"organizational_units": [{"id": "ou-ab12-security", "name": "Security", "parent_id": "r-ab12"}],
		"members": [{"id": "111111111111", "parent_id": "r-ab12"}, {"id": "222222222222", "parent_id": "ou-ab12-security"}],
		"policies": array.concat([full_access], scps),
	},
	"accounts": [
		{"id": "111111111111", "trails": [{"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "home_region": "us-east-1", "s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false}]},
		{
			"id": "222222222222",
			"buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "object_lock_enabled": lock}],
			"roles": [{"name": "chronicle-reader", "arn": role_arn, "inline_policies": [reader_policy(actions)]}],
		},
	],
}

conn := {"profile": "generic", "role": role_arn, "sources": ["cloudtrail"]}

facts(s) := {f.fact | some f in fs} if {
	fs := s306.deny with input as {"snapshot": s, "connector": conn}
}

test_pass_deleting_connector_allowed if {
	facts(snap(["s3:GetObject", "s3:ListBucket", "s3:DeleteObject"], [], false)) == set()
}

test_fail_mfa_delete_scp if {
	facts(snap(["s3:GetObject", "s3:DeleteObject"], [mfa_scp], false)) == {"delete-denied=arn:aws:iam::222222222222:role/chronicle-reader:arn:aws:s3:::cloudtrail-222222222222/AWSLogs/111111111111/CloudTrail/us-east-1/111111111111_CloudTrail_us-east-1_file.json.gz"}
}

# Two sources in one bucket: one finding per log object, so that the two
# findings keep distinct fingerprints (fixture data-perimeter-broken).
test_fail_two_sources_distinct_facts if {
	s := snap(["s3:GetObject", "s3:DeleteObject"], [mfa_scp], false)
	gd := {"id": "333333333333", "detectors": [{"id": "d1", "region": "us-east-1", "status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES", "publishing_destinations": [{"destination_type": "S3", "destination_arn": "arn:aws:s3:::cloudtrail-222222222222/guardduty", "kms_key_arn": "arn:aws:kms:us-east-1:333333333333:key/k"}]}]}
	fs := facts(object.union(s, {"accounts": array.concat(s.accounts, [gd])}))
	fs == {
		"delete-denied=arn:aws:iam::222222222222:role/chronicle-reader:arn:aws:s3:::cloudtrail-222222222222/AWSLogs/111111111111/CloudTrail/us-east-1/111111111111_CloudTrail_us-east-1_file.json.gz",
		"delete-denied=arn:aws:iam::222222222222:role/chronicle-reader:arn:aws:s3:::cloudtrail-222222222222/guardduty/AWSLogs/333333333333/GuardDuty/us-east-1/2026/01/01/00000000-0000-4000-8000-000000000000.jsonl.gz",
	}
}

test_fail_object_lock if {
	facts(snap(["s3:GetObject", "s3:DeleteObject"], [], true)) == {"object-lock=arn:aws:iam::222222222222:role/chronicle-reader"}
}

# Near miss: a read-only connector is not affected by the MFA-delete SCP.
test_near_miss_read_only_connector if {
	facts(snap(["s3:GetObject"], [mfa_scp], true)) == set()
}

# The first remedy is the connector's option: an outside fix, in IaC too.
test_fail_mfa_delete_scp_outside_fix if {
	fs := s306.deny with input as {"snapshot": snap(["s3:GetObject", "s3:DeleteObject"], [mfa_scp], false), "connector": conn}
	some f in fs
	contains(f.fix.outside, "delete-after-read is an option of the connector")
}
