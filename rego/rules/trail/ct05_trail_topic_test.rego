package trailgate.rules.ct05_test

import data.trailgate.rules.ct05

trail_arn := "arn:aws:cloudtrail:us-west-2:444444444444:trail/management-events"

topic := "arn:aws:sns:us-west-2:444444444444:cloudtrail-log-delivery"

publish := {
	"Sid": "AWSCloudTrailSNSPolicy", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "SNS:Publish", "Resource": topic, "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
}

trail := {
	"name": "management-events", "arn": trail_arn, "home_region": "us-west-2", "s3_bucket_name": "logs",
	"sns_topic_arn": topic, "is_multi_region_trail": true, "include_global_service_events": true,
	"status": {"is_logging": true},
}

snap(statements, trails) := {"snapshot": {"accounts": [{
	"id": "444444444444",
	"trails": trails,
	"topics": [{"name": "cloudtrail-log-delivery", "arn": topic, "region": "us-west-2", "policy": {"document": {"Version": "2012-10-17", "Statement": statements}}}],
}]}}

facts(statements, trails) := {f.fact | some f in fs} if {
	fs := ct05.deny with input as snap(statements, trails)
}

test_pass if {
	facts([publish], [trail]) == set()
}

test_fail_no_publish if {
	facts([], [trail]) == {concat(" ", [trail_arn, "sns:Publish"])}
}

test_fail_other_trail_source_arn if {
	other := json.patch(publish, [{"op": "replace", "path": "/Condition/StringEquals/aws:SourceArn", "value": "arn:aws:cloudtrail:us-west-2:444444444444:trail/old"}])
	facts([other], [trail]) == {concat(" ", [trail_arn, "sns:Publish"])}
}

test_fail_notification_error if {
	t := object.union(trail, {"status": {"is_logging": true, "latest_notification_error": "AuthorizationError"}})
	facts([publish], [t]) == {"latest_notification_error"}
}

test_fail_shared_topic if {
	a := object.union(trail, {"is_multi_region_trail": false})
	b := object.union(a, {"name": "second", "arn": "arn:aws:cloudtrail:us-west-2:444444444444:trail/second"})
	wide := object.union(publish, {"Condition": {"StringEquals": {"aws:SourceArn": [trail_arn, "arn:aws:cloudtrail:us-west-2:444444444444:trail/second"]}}})
	facts([wide], [a, b]) == {concat(" ", ["shared topic", topic])}
}

# Near miss: two multi-region trails may share a topic.
test_near_miss_multi_region_trails_share if {
	b := object.union(trail, {"name": "second", "arn": "arn:aws:cloudtrail:us-west-2:444444444444:trail/second"})
	wide := {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "SNS:Publish", "Resource": topic}
	facts([wide], [trail, b]) == set()
}

key_arn := "arn:aws:kms:us-west-2:444444444444:key/0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f"

encrypted(key_statements) := {"snapshot": {"accounts": [{
	"id": "444444444444",
	"trails": [trail],
	"topics": [{"name": "cloudtrail-log-delivery", "arn": topic, "region": "us-west-2", "kms_master_key_id": key_arn, "policy": {"document": {"Version": "2012-10-17", "Statement": [publish]}}}],
	"keys": [{"key_id": "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f", "arn": key_arn, "region": "us-west-2", "key_state": "Enabled", "key_manager": "CUSTOMER", "policy": {"document": {"Version": "2012-10-17", "Statement": key_statements}}}],
}]}}

root_only := {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444444444444:root"}, "Action": "kms:*", "Resource": "*"}

# The catalog: "or the topic's CMK lacks cloudtrail GenerateDataKey*/Decrypt".
test_fail_topic_key_without_cloudtrail_grant if {
	fs := ct05.deny with input as encrypted([root_only])
	{f.fact | some f in fs} == {
		concat(" ", [trail_arn, "kms:GenerateDataKey", key_arn]),
		concat(" ", [trail_arn, "kms:Decrypt", key_arn]),
	}
	some f in fs
	contains(f.remediation, `"Principal":{"Service":"cloudtrail.amazonaws.com"}`)
}

# Near miss: the key grants CloudTrail both actions for this trail.
test_near_miss_topic_key_grants_cloudtrail if {
	grant := {"Sid": "CT", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*", "Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}}
	fs := ct05.deny with input as encrypted([root_only, grant])
	count(fs) == 0
}
