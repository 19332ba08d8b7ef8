package trailgate.rules.nt02_test

import data.trailgate.rules.nt02

trail := {
	"name": "aws-controltower-BaselineCloudTrail",
	"arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail",
	"home_region": "us-east-1",
	"s3_bucket_name": "aws-controltower-logs-222222222222-us-east-1",
	"s3_key_prefix": "o-abc123def4",
	"is_multi_region_trail": true,
	"include_global_service_events": true,
	"is_organization_trail": true,
}

bucket(prefix, suffix) := {
	"name": "aws-controltower-logs-222222222222-us-east-1",
	"arn": "arn:aws:s3:::aws-controltower-logs-222222222222-us-east-1",
	"region": "us-east-1",
	"notification": {"topic_configurations": [{"arn": "arn:aws:sns:us-east-1:222222222222:expel-cloudtrail", "events": ["s3:ObjectCreated:*"], "filter_prefix": prefix, "filter_suffix": suffix}]},
}

snap(b) := {
	"organization": {"id": "o-abc123def4", "management_account_id": "111111111111", "root_id": "r-ab12"},
	"accounts": [
		{"id": "111111111111", "trails": [trail]},
		{"id": "222222222222", "buckets": [b]},
	],
}

facts(b) := {f.fact | some f in fs} if {
	fs := nt02.deny with input as {"snapshot": snap(b), "connector": null}
}

test_pass_control_tower_prefix if {
	facts(bucket("o-abc123def4/AWSLogs/", ".json.gz")) == set()
}

test_pass_no_filter if {
	facts(bucket("", "")) == set()
}

# Control Tower adds the o-xxx/ top-level prefix: AWSLogs/ matches nothing.
test_fail_missing_control_tower_prefix if {
	facts(bucket("AWSLogs/", "")) == {"filter-misses=arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"}
}

# Declared in a template, the one notification's filter rules become the
# trail's prefix and suffix.
test_fail_missing_control_tower_prefix_fix if {
	b := json.patch(bucket("AWSLogs/", ""), [{"op": "add", "path": "/notification/topic_configurations/0/location", "value": {"file": "t.yaml", "line": 40}}])
	fs := nt02.deny with input as {"snapshot": snap(b), "connector": null}
	some f in fs
	f.location == {"file": "t.yaml", "line": 40}
	# An organization trail writes under AWSLogs/<organization ID>/.
	f.fix == {"set_at": {"Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "o-abc123def4/AWSLogs/o-abc123def4/"}, {"Name": "suffix", "Value": ".json.gz"}]}}}}
}

test_fail_account_layout_for_org_trail if {
	facts(bucket("o-abc123def4/AWSLogs/111111111111/", "")) == {"filter-misses=arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"}
}

test_fail_guardduty_suffix_on_trail if {
	facts(bucket("", ".jsonl.gz")) == {"filter-misses=arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"}
}

# Near miss: a narrower prefix for one member account still admits files.
test_near_miss_member_account_prefix if {
	facts(bucket("o-abc123def4/AWSLogs/o-abc123def4/222222222222/", ".gz")) == set()
}

test_fail_rapid7_default_prefix_vs_org_trail if {
	fs := nt02.deny with input as {"snapshot": snap(bucket("", "")), "connector": {"profile": "rapid7", "role": "arn:aws:iam::222222222222:role/rapid7-cloud-anomaly-detection-role", "sources": ["cloudtrail"]}}
		with data.trailgate.profiles as {"rapid7": {"steps": [{"id": "P4", "title": "storage prefix", "rule": "NT02", "require": {"default_prefix": "AWSLogs/<account>"}}]}}
	some f in fs
	f.fact == "rapid7-prefix=arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"
	startswith(f.message, "rapid7 step P4 not met")
}

r7_profile := {"rapid7": {"steps": [{"id": "P4", "title": "storage prefix", "rule": "NT02", "require": {"default_prefix": "AWSLogs/<account>"}}]}}

r7_facts(t, conn) := {f.fact | some f in fs} if {
	s := object.union(snap(bucket("", "")), {"accounts": [{"id": "111111111111", "trails": [t]}, {"id": "222222222222", "buckets": [bucket("", "")]}]})
	fs := nt02.deny with input as {"snapshot": s, "connector": conn}
		with data.trailgate.profiles as r7_profile
}

r7_conn := {"profile": "rapid7", "role": "arn:aws:iam::222222222222:role/r7"}

# An account trail writing under AWSLogs/<account>/ is what the default
# prefix reads.
test_near_miss_rapid7_account_trail if {
	t := object.remove(object.union(trail, {"is_organization_trail": false}), ["s3_key_prefix"])
	r7_facts(t, r7_conn) == set()
}

# A trail with an S3KeyPrefix writes under <prefix>/AWSLogs/<account>/: the
# default prefix misses it, the connector's prefix set to it clears P4.
test_fail_rapid7_default_prefix_vs_key_prefix if {
	t := object.union(trail, {"is_organization_trail": false})
	r7_facts(t, r7_conn) == {"rapid7-prefix=arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"}
	r7_facts(t, object.union(r7_conn, {"prefix": "o-abc123def4/AWSLogs/111111111111"})) == set()
}

# The organization trail's prefix, once set in the console (and the
# connector file), clears P4; a prefix naming one member account does not.
test_rapid7_connector_prefix_org_trail if {
	r7_facts(trail, object.union(r7_conn, {"prefix": "o-abc123def4/AWSLogs/o-abc123def4"})) == set()
	count(r7_facts(trail, object.union(r7_conn, {"prefix": "o-abc123def4/AWSLogs/o-abc123def4/222222222222"}))) == 1
}

gd_snap(prefix) := {"accounts": [
	{"id": "222222222222", "buckets": [{
		"name": "gd-findings-222222222222", "arn": "arn:aws:s3:::gd-findings-222222222222", "region": "eu-west-1",
		"notification": {"queue_configurations": [{"arn": "arn:aws:sqs:eu-west-1:222222222222:guardduty", "events": ["s3:ObjectCreated:*"], "filter_prefix": prefix, "filter_suffix": ".jsonl.gz"}]},
	}]},
	{"id": "333333333333", "detectors": [{
		"id": "12abc34d567e8fa901bc2d34e56789f0", "region": "eu-west-1", "status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES",
		"publishing_destinations": [{"destination_type": "S3", "destination_arn": "arn:aws:s3:::gd-findings-222222222222/guardduty", "kms_key_arn": "arn:aws:kms:eu-west-1:333333333333:key/9c8b7a6d-3333-4f5e-8d7c-333333333333"}],
	}]},
]}

gd_facts(prefix) := {f.fact | some f in fs} if {
	fs := nt02.deny with input as {"snapshot": gd_snap(prefix), "connector": null}
}

# The GuardDuty destination folder shifts every key under guardduty/.
test_fail_guardduty_custom_prefix_ignored if {
	gd_facts("AWSLogs/") == {"filter-misses=arn:aws:guardduty:eu-west-1:333333333333:detector/12abc34d567e8fa901bc2d34e56789f0"}
}

test_pass_guardduty_folder_prefix if {
	gd_facts("guardduty/AWSLogs/") == set()
}

# A bucket that also holds GuardDuty findings: a connector reading only
# CloudTrail needs no notification for them (fixture data-perimeter-govcloud);
# without a connector every source is judged.
unread_gd_account := {"id": "333333333333", "detectors": [{"id": "d1", "region": "us-east-1", "status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES", "publishing_destinations": [{"destination_type": "S3", "destination_arn": "arn:aws:s3:::aws-controltower-logs-222222222222-us-east-1/guardduty", "kms_key_arn": "arn:aws:kms:us-east-1:333333333333:key/k"}]}]}

unread_gd_facts(conn) := {f.fact | some f in fs} if {
	s := snap(bucket("o-abc123def4/AWSLogs/", ".json.gz"))
	fs := nt02.deny with input as {"snapshot": object.union(s, {"accounts": array.concat(s.accounts, [unread_gd_account])}), "connector": conn}
}

test_pass_unread_source_with_cloudtrail_connector if {
	unread_gd_facts({"profile": "generic", "role": "arn:aws:iam::222222222222:role/r", "sources": ["cloudtrail"]}) == set()
}

test_fail_unread_source_without_connector if {
	unread_gd_facts(null) == {"filter-misses=arn:aws:guardduty:us-east-1:333333333333:detector/d1"}
}
