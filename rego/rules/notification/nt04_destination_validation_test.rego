package trailgate.rules.nt04_test

import data.trailgate.rules.nt04

trail := {
	"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
	"s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false,
}

facts(notification, topics, queues) := {f.fact | some f in fs} if {
	fs := nt04.deny with input as {
		"snapshot": {"accounts": [
			{"id": "111111111111", "trails": [trail]},
			{"id": "222222222222", "buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "notification": notification}], "topics": topics, "queues": queues},
		]},
		"connector": null,
	}
}

topic_cfg(arn) := {"topic_configurations": [{"arn": arn, "events": ["s3:ObjectCreated:*"]}]}

queue_cfg(arn) := {"queue_configurations": [{"arn": arn, "events": ["s3:ObjectCreated:*"]}]}

test_pass_standard_topic_same_region if {
	facts(topic_cfg("arn:aws:sns:us-east-1:222222222222:cloudtrail-events"), [{"name": "cloudtrail-events", "arn": "arn:aws:sns:us-east-1:222222222222:cloudtrail-events", "region": "us-east-1"}], []) == set()
}

test_fail_topic_other_region if {
	facts(topic_cfg("arn:aws:sns:eu-west-1:222222222222:cloudtrail-events"), [], []) == {"arn:aws:sns:eu-west-1:222222222222:cloudtrail-events:region=eu-west-1"}
}

test_fail_fifo_topic if {
	arn := "arn:aws:sns:us-east-1:222222222222:cloudtrail-events.fifo"
	facts(topic_cfg(arn), [{"name": "cloudtrail-events.fifo", "arn": arn, "region": "us-east-1", "fifo_topic": true}], []) == {concat("", [arn, ":fifo"])}
}

test_fail_fifo_queue if {
	arn := "arn:aws:sqs:us-east-1:222222222222:cloudtrail.fifo"
	facts(queue_cfg(arn), [], [{"name": "cloudtrail.fifo", "arn": arn, "region": "us-east-1", "fifo_queue": true, "visibility_timeout": 30, "message_retention_period": 345600}]) == {concat("", [arn, ":fifo"])}
}

# Near miss: a standard queue in the bucket's Region (cross-account is fine).
test_near_miss_standard_queue_other_account if {
	facts(queue_cfg("arn:aws:sqs:us-east-1:999999999999:vendor-queue"), [], []) == set()
}

expel := {"expel": {"steps": [{"id": "E4", "title": "a Standard SNS topic in the bucket's Region", "rule": "NT04", "require": {"topic_region": "bucket", "topic_type": "standard"}}]}}

expel_conn := {"profile": "expel", "role": "arn:aws:iam::222222222222:role/ExpelRole", "sources": ["cloudtrail"]}

# expel step E4 through the profile data: the trail's own SNS topic in
# another Region is not an S3 destination (so not NT04's generic check), but
# the guide wants every topic of the path in the bucket's Region.
test_fail_expel_topic_region_names_step if {
	t := object.union(trail, {"sns_topic_arn": "arn:aws:sns:eu-west-1:111111111111:trail-events"})
	fs := nt04.deny with input as {
		"snapshot": {"accounts": [
			{"id": "111111111111", "trails": [t], "topics": [{"name": "trail-events", "arn": "arn:aws:sns:eu-west-1:111111111111:trail-events", "region": "eu-west-1"}]},
			{"id": "222222222222", "buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1"}]},
		]},
		"connector": expel_conn,
	}
		with data.trailgate.profiles as expel
	{f.fact | some f in fs} == {"expel-E4:topic_region"}
	some f in fs
	startswith(f.message, "expel step E4 not met (a Standard SNS topic in the bucket's Region): ")
}

test_near_miss_expel_topic_in_bucket_region if {
	fs := nt04.deny with input as {
		"snapshot": {"accounts": [
			{"id": "111111111111", "trails": [trail]},
			{"id": "222222222222", "buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "notification": topic_cfg("arn:aws:sns:us-east-1:222222222222:cloudtrail-events")}], "topics": [{"name": "cloudtrail-events", "arn": "arn:aws:sns:us-east-1:222222222222:cloudtrail-events", "region": "us-east-1"}]},
		]},
		"connector": expel_conn,
	}
		with data.trailgate.profiles as expel
	count(fs) == 0
}

# Where the input declares the entry, the finding points at it and its
# destination is the change (a standard one in the bucket's Region, to
# name: text, not an exact edit).
test_fix_at_the_entry if {
	fs := nt04.deny with input as located_fifo
	some f in fs
	f.location == {"file": "b.yaml", "line": 30}
	f.fix.set_at == {"Topic": "<a standard topic in us-east-1>"}
}

located_fifo := {
	"snapshot": {"accounts": [
		{"id": "111111111111", "trails": [trail]},
		{"id": "222222222222", "buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "notification": {"topic_configurations": [{
			"arn": "arn:aws:sns:us-east-1:222222222222:events.fifo", "events": ["s3:ObjectCreated:*"],
			"location": {"file": "b.yaml", "line": 30},
		}]}}], "topics": [{"name": "events.fifo", "arn": "arn:aws:sns:us-east-1:222222222222:events.fifo", "region": "us-east-1", "fifo_topic": true}]},
	]},
	"connector": null,
}
