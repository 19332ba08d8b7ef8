package trailgate.rules.s301_test

import data.trailgate.rules.s301

snap(ownership, bucket_account) := {"snapshot": {"accounts": [
	{"id": "111111111111", "trails": [{
		"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
		"s3_bucket_name": "org-logs", "is_multi_region_trail": true, "include_global_service_events": true,
	}]},
	{"id": bucket_account, "buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1", "object_ownership": ownership}]},
]}}

facts(ownership, bucket_account) := {f.fact | some f in fs} if {
	fs := s301.deny with input as snap(ownership, bucket_account)
}

test_pass_enforced if {
	facts("BucketOwnerEnforced", "222222222222") == set()
}

test_pass_preferred if {
	facts("BucketOwnerPreferred", "222222222222") == set()
}

test_fail_object_writer if {
	facts("ObjectWriter", "222222222222") == {"object_ownership"}
}

test_fail_unset if {
	fs := s301.deny with input as snap("", "222222222222")
	some f in fs
	contains(f.message, "unset (ObjectWriter)")
	contains(f.remediation, "BucketOwnerEnforced")
}

# Near miss: a same-account writer owns objects in its own bucket.
test_near_miss_same_account_writer if {
	facts("ObjectWriter", "111111111111") == set()
}
