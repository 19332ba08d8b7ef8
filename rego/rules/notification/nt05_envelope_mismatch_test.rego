package trailgate.rules.nt05_test

import data.trailgate.rules.nt05

queue := "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail"

topic := "arn:aws:sns:us-east-1:222222222222:expel-cloudtrail"

trail_topic := "arn:aws:sns:us-east-1:111111111111:org-trail-notifications"

profiles := {
	"expel": {"steps": [{"id": "E6", "title": "raw message delivery"}, {"id": "E8", "title": "bucket event notification to the topic"}], "delivery": {"notification_format": "s3-records", "format_step": "E8", "raw_message_delivery": true, "raw_step": "E6"}},
	"radiant": {"steps": [], "delivery": {"notification_format": "cloudtrail-sns"}},
}

conn(profile) := {"profile": profile, "role": "arn:aws:iam::222222222222:role/ExpelRole", "queue": queue, "sources": ["cloudtrail"]}

snap(raw, trail_sns, eventbridge) := {"accounts": [
	{
		"id": "111111111111", "trails": [object.union(
			{"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1", "s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false},
			trail_sns,
		)],
		"topics": [{"name": "org-trail-notifications", "arn": trail_topic, "region": "us-east-1", "subscriptions": [{"protocol": "sqs", "endpoint": queue, "arn": concat("", [trail_topic, ":1b2c"])}]}],
	},
	{
		"id": "222222222222", "buckets": [{
			"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1",
			"notification": object.union({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:*"]}]}, eventbridge),
		}],
		"topics": [{"name": "expel-cloudtrail", "arn": topic, "region": "us-east-1", "subscriptions": [{"arn": concat("", [topic, ":5e0c"]), "protocol": "sqs", "endpoint": queue, "raw_message_delivery": raw}]}],
	},
]}

facts(s, c) := {f.fact | some f in fs} if {
	fs := nt05.deny with input as {"snapshot": s, "connector": c} with data.trailgate.profiles as profiles
}

test_pass_expel_raw_s3_records if {
	facts(snap(true, {}, {}), conn("expel")) == set()
}

test_fail_expel_without_raw_delivery if {
	facts(snap(false, {}, {}), conn("expel")) == {"raw=false:arn:aws:sns:us-east-1:222222222222:expel-cloudtrail"}
}

test_fail_expel_message_names_step if {
	fs := nt05.deny with input as {"snapshot": snap(false, {}, {}), "connector": conn("expel")} with data.trailgate.profiles as profiles
	some f in fs
	startswith(f.message, "expel step E6 not met (raw message delivery): ")
}

test_fail_trail_sns_payload_for_s3_records_consumer if {
	facts(snap(true, {"sns_topic_arn": trail_topic}, {}), conn("expel")) == {"trail-sns-format=arn:aws:sns:us-east-1:111111111111:org-trail-notifications"}
}

# Near miss: Radiant consumes the trail's SNS notifications by design.
test_near_miss_radiant_trail_sns if {
	facts(snap(true, {"sns_topic_arn": trail_topic}, {}), conn("radiant")) == set()
}

test_fail_eventbridge_only if {
	s := json.patch(snap(true, {}, {"eventbridge_enabled": true}), [{"op": "replace", "path": "/accounts/1/buckets/0/notification/topic_configurations", "value": []}])
	facts(s, conn("expel")) == {"eventbridge=cloudtrail-222222222222"}
}

# Near miss: EventBridge enabled beside an S3 notification that does reach
# the queue.
test_near_miss_eventbridge_beside_notification if {
	facts(snap(true, {}, {"eventbridge_enabled": true}), conn("expel")) == set()
}

test_near_miss_no_connector if {
	facts(snap(false, {"sns_topic_arn": trail_topic}, {}), null) == set()
}

# The fix is the bucket's S3 notification to the connector's queue, with
# the queue policy's grant to S3 said beside it (not an exact edit).
test_fix_eventbridge_only_adds_queue_notification if {
	s := json.patch(snap(true, {}, {"eventbridge_enabled": true}), [{"op": "replace", "path": "/accounts/1/buckets/0/notification/topic_configurations", "value": []}])
	fs := nt05.deny with input as {"snapshot": s, "connector": conn("expel")} with data.trailgate.profiles as profiles
	some f in fs
	f.fix.set == {"NotificationConfiguration": {"QueueConfigurations": [{"Event": "s3:ObjectCreated:*", "Queue": queue}]}}
	contains(f.fix.also, "let s3.amazonaws.com sqs:SendMessage")
}
