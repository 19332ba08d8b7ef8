package trailgate.rules.sq05_test

import data.trailgate.rules.sq05

queue := "arn:aws:sqs:us-east-1:222222222222:logs"

snap(gd_bucket) := {"snapshot": {"accounts": [{
	"id": "222222222222",
	"trails": [{
		"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:222222222222:trail/t", "home_region": "us-east-1",
		"s3_bucket_name": "ct-logs", "is_multi_region_trail": true, "include_global_service_events": true,
	}],
	"detectors": [{
		"id": "12abc34d567e8fa901bc2d34e56789f0", "region": "us-east-1", "status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES",
		"publishing_destinations": [{"destination_type": "S3", "destination_arn": sprintf("arn:aws:s3:::%s", [gd_bucket]), "kms_key_arn": "arn:aws:kms:us-east-1:222222222222:key/1", "status": "PUBLISHING"}],
	}],
	"buckets": [
		{"name": "ct-logs", "arn": "arn:aws:s3:::ct-logs", "region": "us-east-1", "notification": {"queue_configurations": [{"arn": queue, "events": ["s3:ObjectCreated:*"]}]}},
		{"name": "gd-logs", "arn": "arn:aws:s3:::gd-logs", "region": "us-east-1", "notification": {"queue_configurations": [{"arn": queue, "events": ["s3:ObjectCreated:*"]}]}},
		{"name": "gd-own", "arn": "arn:aws:s3:::gd-own", "region": "us-east-1"},
	],
	"queues": [{"name": "logs", "arn": queue, "region": "us-east-1", "visibility_timeout": 30, "message_retention_period": 604800}],
}]}}

test_fail_shared if {
	fs := sq05.deny with input as snap("gd-logs")
	{f.fact | some f in fs} == {"cloudtrail,guardduty"}
}

test_pass_separate if {
	count(sq05.deny) == 0 with input as snap("gd-own")
}

# A GuardDuty export into the trail's own bucket puts both types on the
# bucket's one notification.
test_fail_same_bucket_both_sources if {
	fs := sq05.deny with input as snap("ct-logs")
	{f.fact | some f in fs} == {"cloudtrail,guardduty"}
}

# Near miss: both sources in one account, but the GuardDuty bucket notifies
# nothing, so the queue carries CloudTrail only.
test_near_miss_other_source_not_notifying if {
	doc := json.patch(snap("gd-logs"), [{"op": "remove", "path": "/snapshot/accounts/0/buckets/1/notification"}])
	count(sq05.deny) == 0 with input as doc
}

# Near miss: one bucket, two queue configurations told apart by prefix and
# suffix filters: each queue carries one source.
test_near_miss_filters_split_sources if {
	doc := json.patch(snap("ct-logs/guardduty"), [{"op": "replace", "path": "/snapshot/accounts/0/buckets/0/notification", "value": {"queue_configurations": [
		{"arn": queue, "events": ["s3:ObjectCreated:*"], "filter_prefix": "AWSLogs/", "filter_suffix": ".json.gz"},
		{"arn": "arn:aws:sqs:us-east-1:222222222222:gd", "events": ["s3:ObjectCreated:*"], "filter_prefix": "guardduty/", "filter_suffix": ".jsonl.gz"},
	]}}])
	count(sq05.deny) == 0 with input as doc
}

# The fix declares the second source's queue beside the shared one; the
# rest (its notification, policy, the connector) is said.
test_fix_declares_second_queue if {
	some f in sq05.deny with input as snap("gd-logs")
	f.fix.companion == {"suffix": "ForGuardduty", "type": "AWS::SQS::Queue", "properties": {"QueueName": "logs-guardduty"}}
	contains(f.fix.also, "point the guardduty notification at the new queue")
}

# The rule judges the delivery side Go builds (input.path_index.delivery):
# a queue that sources of both kinds reach there is shared, whatever the
# snapshot's notifications would say if Rego rebuilt the joins.
test_reads_go_built_delivery if {
	doc := object.union(json.patch(snap("gd-own"), [{"op": "remove", "path": "/snapshot/accounts/0/buckets/0/notification"}]), {
		"paths": [],
		"path_index": {"delivery": {
			"queue_buckets": {queue: ["ct-logs", "gd-own"]},
			"queue_sources": {queue: ["cloudtrail", "guardduty"]},
		}},
	})
	fs := sq05.deny with input as doc
	{f.fact | some f in fs} == {"cloudtrail,guardduty"}
	count(sq05.deny) == 0 with input as json.patch(doc, [{"op": "replace", "path": "/path_index/delivery/queue_sources", "value": {queue: ["cloudtrail"]}}])
}
