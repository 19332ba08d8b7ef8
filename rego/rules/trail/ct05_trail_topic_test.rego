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
