package trailgate.rules.km03_test

import data.trailgate.rules.km03

key := "arn:aws:kms:us-east-1:111111111111:key/0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01"

snap(state, trail_key) := {"snapshot": {"accounts": [{
	"id": "111111111111",
	"trails": [{
		"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
		"s3_bucket_name": "org-logs", "kms_key_id": trail_key, "is_multi_region_trail": true, "include_global_service_events": true,
	}],
	"keys": [{"key_id": "0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01", "arn": key, "region": "us-east-1", "key_state": state, "key_manager": "CUSTOMER", "aliases": ["alias/org-trail"]}],
}]}}

facts(state, trail_key) := {f.fact | some f in fs} if {
	fs := km03.deny with input as snap(state, trail_key)
}

test_pass if {
	facts("Enabled", key) == set()
}

test_fail_disabled if {
	facts("Disabled", key) == {"key_state=Disabled"}
}

test_fail_pending_deletion if {
	fs := km03.deny with input as snap("PendingDeletion", key)
	some f in fs
	f.fact == "key_state=PendingDeletion"
	contains(f.remediation, "cancel-key-deletion")
}

test_fail_by_key_id if {
	facts("Disabled", "0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01") == {"key_state=Disabled"}
}

# Near miss: a disabled key nobody on the log path uses is not reported.
test_near_miss_unused_key if {
	facts("Disabled", "") == set()
}

# A disabled key's fix is data (Enabled: true); a key pending deletion's
# fix says no template property cancels a deletion.
test_fix_as_data if {
	disabled := km03.deny with input as snap("Disabled", key)
	{f.fix | some f in disabled} == {{"set": {"Enabled": true}}}
	pending := km03.deny with input as snap("PendingDeletion", key)
	count(pending) > 0
	every f in pending {
		object.keys(f.fix) == {"outside"}
		contains(f.fix.outside, "CancelKeyDeletion")
	}
}
