package trailgate.rules.sn02_test

import data.trailgate.rules.sn02

key_arn := "arn:aws:kms:us-east-1:222222222222:key/7a6b5c4d-2222-4e3f-8a9b-222222222222"

topic_arn := "arn:aws:sns:us-east-1:222222222222:cloudtrail-events"

root := {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*", "Resource": "*"}

s3_grant := {"Sid": "S3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::cloudtrail-222222222222"}}}

snap(kms_ref, statements) := {
	"schema_version": "1", "source": "fixture",
	"accounts": [
		{"id": "111111111111", "trails": [{"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "home_region": "us-east-1", "s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false}]},
		{
			"id": "222222222222",
			"buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "notification": {"topic_configurations": [{"arn": topic_arn, "events": ["s3:ObjectCreated:*"]}]}}],
			"topics": [{"name": "cloudtrail-events", "arn": topic_arn, "region": "us-east-1", "kms_master_key_id": kms_ref}],
			"keys": [{"key_id": "7a6b5c4d-2222-4e3f-8a9b-222222222222", "arn": key_arn, "region": "us-east-1", "aliases": ["alias/pipeline"], "key_state": "Enabled", "key_manager": "CUSTOMER", "policy": {"document": {"Version": "2012-10-17", "Statement": statements}}}],
		},
	],
}

facts(kms_ref, statements) := {f.fact | some f in fs} if {
	fs := sn02.deny with input as {"snapshot": snap(kms_ref, statements), "connector": null}
}

test_pass_cmk_grants_s3 if {
	facts("alias/pipeline", [root, s3_grant]) == set()
}

test_fail_aws_managed_sns_key if {
	facts("alias/aws/sns", [root]) == {"aws-managed-key:s3.amazonaws.com"}
	fs := sn02.deny with input as {"snapshot": snap("alias/aws/sns", [root]), "connector": null}
	some f in fs
	# The new key is the user's to create: a placeholder, so no exact edit.
	f.fix.set == {"KmsMasterKeyId": "<new key ARN>"}
	startswith(f.fix.also, "create the key in ")
}

test_fail_cmk_without_s3_grant if {
	facts(key_arn, [root]) == {
		"kms:GenerateDataKey:s3.amazonaws.com:arn:aws:s3:::cloudtrail-222222222222",
		"kms:Decrypt:s3.amazonaws.com:arn:aws:s3:::cloudtrail-222222222222",
	}
}

test_fail_cmk_grants_other_bucket if {
	other := object.union(s3_grant, {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::some-other-bucket"}}})
	count(facts("alias/pipeline", [root, other])) == 2
}

# Near miss: an unencrypted topic needs no key grant.
test_near_miss_unencrypted if {
	facts("", [root]) == set()
}

trail_topic := "arn:aws:sns:us-east-1:111111111111:trail-notifications"

trail_key := "arn:aws:kms:us-east-1:111111111111:key/0f1e2d3c-1111-4a5b-9c8d-111111111111"

trail_snap(statements) := {
	"schema_version": "1", "source": "fixture",
	"accounts": [{
		"id": "111111111111",
		"trails": [{"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "home_region": "us-east-1", "s3_bucket_name": "cloudtrail-111111111111", "sns_topic_arn": trail_topic, "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false}],
		"topics": [{"name": "trail-notifications", "arn": trail_topic, "region": "us-east-1", "kms_master_key_id": trail_key}],
		"keys": [{"key_id": "0f1e2d3c-1111-4a5b-9c8d-111111111111", "arn": trail_key, "region": "us-east-1", "key_state": "Enabled", "key_manager": "CUSTOMER", "policy": {"document": {"Version": "2012-10-17", "Statement": statements}}}],
	}],
}

# CT05's encrypted trail topic: CloudTrail itself must be able to use the key.
test_fail_trail_topic_key_without_cloudtrail_grant if {
	fs := sn02.deny with input as {"snapshot": trail_snap([{"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}]), "connector": null}
	{f.fact | some f in fs} == {
		"kms:GenerateDataKey:cloudtrail.amazonaws.com:arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
		"kms:Decrypt:cloudtrail.amazonaws.com:arn:aws:cloudtrail:us-east-1:111111111111:trail/t",
	}
}

test_pass_trail_topic_key_grants_cloudtrail if {
	grant := {"Sid": "CloudTrail", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}
	fs := sn02.deny with input as {"snapshot": trail_snap([grant]), "connector": null}
	count(fs) == 0
}
