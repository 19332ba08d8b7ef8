package trailgate.rules.ct04_test

import data.trailgate.rules.ct04

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01"

encrypt := {
	"Sid": "CloudTrailEncrypt", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "kms:GenerateDataKey*", "Resource": "*",
	"Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}},
}

describe := {"Sid": "CloudTrailDescribe", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "kms:DescribeKey", "Resource": "*"}

snap(statements, key_region, bucket_region) := {"snapshot": {"accounts": [{
	"id": "111111111111",
	"trails": [{
		"name": "org-trail", "arn": trail_arn, "home_region": "us-east-1", "s3_bucket_name": "org-logs",
		"kms_key_id": key_arn, "is_multi_region_trail": true, "include_global_service_events": true,
	}],
	"keys": [{
		"key_id": "0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01", "arn": key_arn, "region": key_region, "key_state": "Enabled", "key_manager": "CUSTOMER",
		"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
	}],
	"buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": bucket_region}],
}]}}

facts(statements, key_region, bucket_region) := {f.fact | some f in fs} if {
	fs := ct04.deny with input as snap(statements, key_region, bucket_region)
}

test_pass if {
	facts([encrypt, describe], "us-east-1", "us-east-1") == set()
}

test_fail_no_generate if {
	fs := ct04.deny with input as snap([describe], "us-east-1", "us-east-1")
	{f.fact | some f in fs} == {concat(" ", [trail_arn, "kms:GenerateDataKey"])}
	some f in fs
	contains(f.remediation, `"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:*:111111111111:trail/*"`)
	f.fix.policy == "resource"
	f.fix.add_statement.Sid == "AllowCloudTrailEncryptLogs"
}

test_fail_no_describe if {
	facts([encrypt], "us-east-1", "us-east-1") == {concat(" ", [trail_arn, "kms:DescribeKey"])}
}

test_fail_context_of_other_account if {
	other := json.patch(encrypt, [{"op": "replace", "path": "/Condition/StringLike/kms:EncryptionContext:aws:cloudtrail:arn", "value": "arn:aws:cloudtrail:*:222222222222:trail/*"}])
	facts([other, describe], "us-east-1", "us-east-1") == {concat(" ", [trail_arn, "kms:GenerateDataKey"])}
}

test_fail_region_mismatch if {
	facts([encrypt, describe], "us-east-1", "eu-west-1") == {concat(" ", [trail_arn, "region"])}
}

# Near miss: GenerateDataKey* covers GenerateDataKey; a grant of kms:* to the
# account root does not admit the service.
test_near_miss_root_grant_is_not_service_grant if {
	root := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}
	facts([root, describe], "us-east-1", "us-east-1") == {concat(" ", [trail_arn, "kms:GenerateDataKey"])}
}

test_fail_bucket_default_key if {
	doc := json.patch(snap([describe], "us-east-1", "us-east-1"), [
		{"op": "remove", "path": "/snapshot/accounts/0/trails/0/kms_key_id"},
		{"op": "add", "path": "/snapshot/accounts/0/buckets/0/encryption", "value": {"sse_algorithm": "aws:kms", "kms_master_key_id": key_arn, "bucket_key_enabled": true}},
	])
	fs := ct04.deny with input as doc
	some f in fs
	contains(f.message, "the default encryption key of bucket org-logs")
}

# The region mismatch is fixed at the trail (its KMSKeyId, a key to
# create in the bucket's region), where the input places the trail.
test_region_fix_points_at_the_trail if {
	inp := json.patch(snap([encrypt, describe], "us-east-1", "eu-west-1"), [{"op": "add", "path": "/snapshot/accounts/0/trails/0/location", "value": {"file": "trail.yaml", "line": 7, "address": "Trail"}}])
	some f in ct04.deny with input as inp
	f.fact == concat(" ", [trail_arn, "region"])
	f.location.line == 7
	f.fix.set == {"KMSKeyId": "<a key in eu-west-1>"}
	contains(f.fix.also, "create the key in eu-west-1")
}
