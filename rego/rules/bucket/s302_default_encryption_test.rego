package trailgate.rules.s302_test

import data.trailgate.rules.s302

reader := "arn:aws:iam::333333333333:role/Reader"

snap(encryption, trail_key) := {
	"connector": {"profile": "generic", "role": reader, "sources": ["cloudtrail"]},
	"snapshot": {"accounts": [{
		"id": "222222222222",
		"trails": [object.union(
			{
				"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:222222222222:trail/t", "home_region": "us-east-1",
				"s3_bucket_name": "logs", "is_multi_region_trail": true, "include_global_service_events": true,
			},
			trail_key,
		)],
		"buckets": [{"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1", "encryption": encryption}],
		"keys": [{"key_id": "5f0e1c2d-0000-4000-8000-000000000002", "arn": "arn:aws:kms:us-east-1:222222222222:key/5f0e1c2d-0000-4000-8000-000000000002", "region": "us-east-1", "key_state": "Enabled", "key_manager": "CUSTOMER", "aliases": ["alias/logs"]}],
	}]},
}

facts(encryption, trail_key) := {f.fact | some f in fs} if {
	fs := s302.deny with input as snap(encryption, trail_key)
}

test_pass_customer_key_by_arn if {
	facts({"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:us-east-1:222222222222:key/5f0e1c2d-0000-4000-8000-000000000002"}, {}) == set()
}

test_pass_sse_s3 if {
	facts({"sse_algorithm": "AES256"}, {}) == set()
}

test_fail_aws_managed_implicit if {
	facts({"sse_algorithm": "aws:kms"}, {}) == {concat(" ", [reader, "aws/s3"])}
}

test_fail_aws_managed_alias if {
	facts({"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/aws/s3"}, {}) == {concat(" ", [reader, "aws/s3"])}
}

test_fail_alias if {
	facts({"sse_algorithm": "aws:kms", "kms_master_key_id": "alias/logs"}, {}) == {"alias"}
}

# Near miss: the trail encrypts with its own key, so the bucket's default
# key never touches the log files.
test_near_miss_trail_has_own_key if {
	facts({"sse_algorithm": "aws:kms"}, {"kms_key_id": "arn:aws:kms:us-east-1:222222222222:key/5f0e1c2d-0000-4000-8000-000000000002"}) == set()
}
