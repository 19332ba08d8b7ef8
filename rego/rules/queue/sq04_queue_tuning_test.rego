package trailgate.rules.sq04_test

import data.trailgate.rules.sq04

queue := "arn:aws:sqs:us-east-1:222222222222:reader"

good := {
	"name": "reader", "arn": queue, "region": "us-east-1", "visibility_timeout": 300, "message_retention_period": 604800,
	"redrive_policy": {"dead_letter_target_arn": "arn:aws:sqs:us-east-1:222222222222:reader-dlq", "max_receive_count": 5},
}

snap(q, lifecycle) := {"snapshot": {"accounts": [
	{"id": "111111111111", "trails": [{
		"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "home_region": "us-east-1",
		"s3_bucket_name": "logs", "is_multi_region_trail": true, "include_global_service_events": true,
	}]},
	{
		"id": "222222222222",
		"buckets": [{
			"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1", "lifecycle": lifecycle,
			"notification": {"queue_configurations": [{"arn": queue, "events": ["s3:ObjectCreated:*"]}]},
		}],
		"queues": [q],
	},
]}}

facts(q, lifecycle) := {f.fact | some f in fs} if {
	fs := sq04.deny with input as snap(q, lifecycle)
}

test_pass if {
	facts(good, [{"id": "keep", "status": "Enabled", "expiration_days": 365}]) == set()
}

test_fail_no_dlq if {
	facts(object.remove(good, ["redrive_policy"]), []) == {"no redrive policy"}
}

test_fail_max_receive_one if {
	facts(json.patch(good, [{"op": "replace", "path": "/redrive_policy/max_receive_count", "value": 1}]), []) == {"maxReceiveCount=1"}
}

test_fail_short_retention if {
	facts(object.union(good, {"message_retention_period": 86400}), []) == {"retention"}
}

test_fail_short_visibility if {
	facts(object.union(good, {"visibility_timeout": 5}), []) == {"visibility"}
}

test_fail_lifecycle_shorter_than_retention if {
	facts(object.union(good, {"message_retention_period": 1209600}), [{"id": "short", "status": "Enabled", "expiration_days": 7}]) == {"lifecycle logs"}
}

# Near miss: a disabled lifecycle rule expires nothing.
test_near_miss_disabled_lifecycle if {
	facts(object.union(good, {"message_retention_period": 1209600}), [{"id": "short", "status": "Disabled", "expiration_days": 7}]) == set()
}

# Near miss: a queue outside the log pipeline is not judged.
test_near_miss_unrelated_queue if {
	doc := json.patch(snap(object.remove(good, ["redrive_policy"]), []), [{"op": "remove", "path": "/snapshot/accounts/1/buckets/0/notification"}])
	count(sq04.deny) == 0 with input as doc
}

# Catalog scenario 7 (sns-fanout-broken): the defaults — 30 s visibility,
# 4-day retention — and no DLQ are all reported.
test_fail_defaults_of_scenario_7 if {
	facts(object.remove(object.union(good, {"visibility_timeout": 30, "message_retention_period": 345600}), ["redrive_policy"]), []) == {"no redrive policy,retention,visibility"}
}

# Near miss: just above the thresholds (31 s, 7 days) passes.
test_near_miss_thresholds if {
	facts(object.union(good, {"visibility_timeout": 31, "message_retention_period": 604800}), []) == set()
}

# A profile step repeating a generic check on the same queue is dropped;
# one the generic checks do not make (delay_seconds) is kept.
test_profile_step_not_repeated if {
	expel := {"expel": {"profile": "expel", "delivery": {"notification_format": "s3-records"}, "steps": [{"id": "E5", "title": "queue", "rule": "SQ04", "require": {"queue_attributes": {"message_retention_period": 604800, "delay_seconds": 0}}}]}}
	q := object.union(good, {"message_retention_period": 345600, "delay_seconds": 5})
	doc := object.union(snap(q, []), {"connector": {"profile": "expel", "role": "arn:aws:iam::222222222222:role/R", "queue": queue, "sources": ["cloudtrail"]}})
	fs := sq04.deny with input as doc with data.trailgate.profiles as expel
	{f.fact | some f in fs} == {"retention,expel-E5:delay_seconds=5"}
}

# Near miss: a vendor guide that sets 30 s (Expel) sized its consumer for
# it; 30 s is then not too short, 20 s is.
test_vendor_visibility_is_the_floor if {
	expel := {"expel": {"profile": "expel", "delivery": {"notification_format": "s3-records"}, "steps": [{"id": "E5", "title": "queue", "rule": "SQ04", "require": {"queue_attributes": {"visibility_timeout": 30}}}]}}
	conn := {"profile": "expel", "role": "arn:aws:iam::222222222222:role/R", "queue": queue, "sources": ["cloudtrail"]}
	ok := object.union(snap(object.union(good, {"visibility_timeout": 30}), []), {"connector": conn})
	count(sq04.deny) == 0 with input as ok with data.trailgate.profiles as expel
	short := object.union(snap(object.union(good, {"visibility_timeout": 20}), []), {"connector": conn})
	fs := sq04.deny with input as short with data.trailgate.profiles as expel
	{f.fact | some f in fs} == {"visibility"}
}

# A missing dead-letter queue is an attribute of the queue: the finding
# points at the queue's declaration, not at its queue policy.
test_no_dlq_points_at_queue_not_policy if {
	q := object.union(object.remove(good, ["redrive_policy"]), {
		"location": {"file": "template.yaml", "line": 80, "address": "RadiantQueue"},
		"policy": {"document": {"Version": "2012-10-17", "Statement": []}, "location": {"file": "template.yaml", "line": 88, "address": "RadiantQueuePolicy"}},
	})
	fs := sq04.deny with input as snap(q, [])
	count(fs) == 1
	some f in fs
	f.location == {"file": "template.yaml", "line": 80, "address": "RadiantQueue"}
}

# A visibility timeout of 0 makes every poll receive the message again: with
# a redrive policy it ends in a dead-letter queue the connector never reads.
test_fail_visibility_zero if {
	fs := sq04.deny with input as snap(object.union(good, {"visibility_timeout": 0}), [])
	{f.fact | some f in fs} == {"visibility"}
	some f in fs
	contains(f.message, "visibility timeout of 0 seconds")
	contains(f.message, "dead-letter queue")
}

# The findings carry their fix as data (the CloudFormation property and
# value), for remedy to write in the input's language; the dead-letter
# finding declares the dead-letter queue beside the queue.
test_fix_as_data if {
	retention := sq04.deny with input as snap(object.union(good, {"message_retention_period": 86400}), [])
	{f.fix | some f in retention} == {{"set": {"MessageRetentionPeriod": 604800}}}
	visibility := sq04.deny with input as snap(object.union(good, {"visibility_timeout": 5}), [])
	{f.fix | some f in visibility} == {{"set": {"VisibilityTimeout": 300}}}
}

test_fix_data_for_dlq if {
	fs := sq04.deny with input as snap(object.remove(good, ["redrive_policy"]), [])
	some f in fs
	f.fix.companion.type == "AWS::SQS::Queue"
	f.fix.set.RedrivePolicy.deadLetterTargetArn == {"Fn::GetAtt": ["$companion", "Arn"]}
}

# A FIFO queue's dead-letter queue must be FIFO too: no fix as data.
test_no_fix_data_for_fifo_dlq if {
	fs := sq04.deny with input as snap(object.union(object.remove(good, ["redrive_policy"]), {"fifo_queue": true}), [])
	count(fs) > 0
	every f in fs {
		not f.fix
	}
}

# Several problems of one queue: one finding whose fix makes every change.
test_merged_fix if {
	fs := sq04.deny with input as snap(object.union(object.remove(good, ["redrive_policy"]), {"message_retention_period": 86400}), [])
	some f in fs
	f.fix.set.MessageRetentionPeriod == 604800
	f.fix.set.RedrivePolicy.maxReceiveCount == 5
	f.fix.companion.suffix == "DeadLetterQueue"
}

# A <name>-dlq queue that exists already is the dead-letter target: a
# second queue of that name cannot be declared.
test_fix_data_uses_existing_dlq if {
	dlq := {"name": "reader-dlq", "arn": "arn:aws:sqs:us-east-1:222222222222:reader-dlq", "region": "us-east-1"}
	inp := json.patch(snap(object.remove(good, ["redrive_policy"]), []), [{"op": "add", "path": "/snapshot/accounts/1/queues/-", "value": dlq}])
	fs := sq04.deny with input as inp
	some f in fs
	f.fix.set.RedrivePolicy.deadLetterTargetArn == "arn:aws:sqs:us-east-1:222222222222:reader-dlq"
	not f.fix.companion
}
