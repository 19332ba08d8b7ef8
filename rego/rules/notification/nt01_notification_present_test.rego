package trailgate.rules.nt01_test

import data.trailgate.rules.nt01

topic := "arn:aws:sns:us-east-1:222222222222:org-logs-events"

queue := "arn:aws:sqs:us-east-1:222222222222:vendor-cloudtrail"

snap(notification, subscriptions) := {
	"connector": {"profile": "generic", "role": "arn:aws:iam::222222222222:role/ExpelRole", "queue": queue, "sources": ["cloudtrail"]},
	"snapshot": {"accounts": [
		{"id": "111111111111", "trails": [{
			"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
			"home_region": "us-east-1", "s3_bucket_name": "org-logs",
			"is_multi_region_trail": true, "include_global_service_events": true,
		}]},
		{
			"id": "222222222222",
			"buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1", "notification": notification}],
			"topics": [{"name": "org-logs-events", "arn": topic, "region": "us-east-1", "subscriptions": subscriptions}],
			"queues": [{"name": "vendor-cloudtrail", "arn": queue, "region": "us-east-1", "visibility_timeout": 30, "message_retention_period": 604800}],
		},
	]},
}

subscribed := [{"protocol": "sqs", "endpoint": queue, "raw_message_delivery": true}]

all_created := {"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:*"]}]}

facts(notification, subscriptions) := {f.fact | some f in fs} if {
	fs := nt01.deny with input as snap(notification, subscriptions)
}

test_pass if {
	facts(all_created, subscribed) == set()
}

test_pass_direct_queue if {
	facts({"queue_configurations": [{"arn": queue, "events": ["s3:ObjectCreated:*"]}]}, []) == set()
}

test_fail_no_notification if {
	facts({}, subscribed) == {concat(" ", [queue, "unreached"])}
}

test_fail_topic_not_subscribed_by_queue if {
	facts(all_created, []) == {concat(" ", [queue, "unreached"])}
}

# AWS documents that CloudTrail delivers each log file with PutObject
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-trail-recursive-logging.html):
# s3:ObjectCreated:Put announces every file of a bucket only trails write,
# which the catalog had inferred it would not.
test_pass_put_only_cloudtrail_delivers_with_putobject if {
	facts({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:Put"], "filter_suffix": ".json.gz"}]}, subscribed) == set()
}

# A trail's files arrive by PutObject, so an event list without
# s3:ObjectCreated:Put misses them all.
test_fail_copy_only if {
	fs := nt01.deny with input as snap({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:Copy"], "filter_suffix": ".json.gz"}]}, subscribed)
	{f.fact | some f in fs} == {concat(" ", [topic, "events"])}
	some f in fs
	contains(f.message, "covers s3:ObjectCreated:Copy but not s3:ObjectCreated:CompleteMultipartUpload, s3:ObjectCreated:Post, s3:ObjectCreated:Put")
	contains(f.remediation, `"Events":["s3:ObjectCreated:*"]`)
	contains(f.remediation, `{"Name":"Suffix","Value":".json.gz"}`)
}

# GuardDuty's export API is not documented: a Put-only configuration that
# also announces its findings is still reported.
with_guardduty(doc) := json.patch(doc, [{"op": "add", "path": "/snapshot/accounts/-", "value": {"id": "333333333333", "detectors": [{
	"id": "d1", "region": "us-east-1", "status": "ENABLED", "finding_publishing_frequency": "FIFTEEN_MINUTES",
	"publishing_destinations": [{"destination_type": "S3", "destination_arn": "arn:aws:s3:::org-logs/guardduty", "kms_key_arn": "arn:aws:kms:us-east-1:333333333333:key/k"}],
}]}}])

test_fail_put_only_with_guardduty_files if {
	fs := nt01.deny with input as with_guardduty(snap({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:Put"]}]}, subscribed))
	{f.fact | some f in fs} == {concat(" ", [topic, "events"])}
	some f in fs
	contains(f.message, "not s3:ObjectCreated:CompleteMultipartUpload, s3:ObjectCreated:Copy, s3:ObjectCreated:Post")
}

# Near miss: a Put-only configuration whose suffix admits only the trail's
# .json.gz files, not GuardDuty's .jsonl.gz findings, is complete.
test_near_miss_put_only_filtering_out_guardduty if {
	fs := nt01.deny with input as with_guardduty(snap({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:Put"], "filter_suffix": ".json.gz"}]}, subscribed))
	{f.fact | some f in fs; endswith(f.fact, " events")} == set()
}

test_fail_removed_events_only if {
	fs := nt01.deny with input as snap({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectRemoved:*"]}]}, subscribed)
	some f in fs
	contains(f.message, "covers no object-created event")
}

# Near miss: the four object-created types listed one by one are complete.
test_near_miss_all_four_types_listed if {
	facts(
		{"topic_configurations": [{"arn": topic, "events": [
			"s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
			"s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
		]}]},
		subscribed,
	) == set()
}

# Near miss: without a connector queue, a bucket without notifications is
# not a finding (the reader may poll the bucket).
test_near_miss_no_connector_no_expectation if {
	fs := nt01.deny with input as object.remove(snap({}, subscribed), ["connector"])
	count(fs) == 0
}

# A notification finding points at the notification configuration (the
# entry that lacks events, else the configuration), never at the bucket
# policy.
located(notification) := object.union(
	{"location": {"file": "t.yaml", "line": 46}},
	notification,
)

bucket_with_policy(doc) := json.patch(doc, [
	{"op": "add", "path": "/snapshot/accounts/1/buckets/0/location", "value": {"file": "t.yaml", "line": 37}},
	{"op": "add", "path": "/snapshot/accounts/1/buckets/0/policy", "value": {"document": {"Version": "2012-10-17", "Statement": []}, "location": {"file": "t.yaml", "line": 59}}},
])

test_unreached_points_at_notification_configuration if {
	other := located({"topic_configurations": [{"arn": "arn:aws:sns:us-east-1:222222222222:other", "events": ["s3:ObjectCreated:*"]}]})
	fs := nt01.deny with input as bucket_with_policy(snap(other, subscribed))
	count(fs) == 1
	some f in fs
	f.location == {"file": "t.yaml", "line": 46}
}

test_events_point_at_configuration_entry if {
	post_only := located({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:Post"], "location": {"file": "t.yaml", "line": 48}}]})
	fs := nt01.deny with input as bucket_with_policy(snap(post_only, subscribed))
	count(fs) == 1
	some f in fs
	f.location == {"file": "t.yaml", "line": 48}
}

test_unreached_without_notification_location_points_at_bucket if {
	fs := nt01.deny with input as bucket_with_policy(snap({}, subscribed))
	count(fs) == 1
	some f in fs
	f.location == {"file": "t.yaml", "line": 37}
}

# Expel step E8 asks for all object create events: a Put-only
# configuration misses no CloudTrail file, so NT01's own check passes it,
# but the guide's step stands, alone and at medium.
expel(doc) := json.patch(doc, [{"op": "replace", "path": "/connector/profile", "value": "expel"}])

test_expel_e8_put_only_is_the_step_at_medium if {
	fs := nt01.deny with input as expel(snap({"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:Put"], "filter_suffix": ".json.gz"}]}, subscribed))
	count(fs) == 1
	some f in fs
	f.severity == "medium"
	startswith(f.message, "expel step E8 not met")
}

test_expel_e8_all_four_types_listed_meet_it if {
	fs := nt01.deny with input as expel(snap({"topic_configurations": [{"arn": topic, "events": [
		"s3:ObjectCreated:Put", "s3:ObjectCreated:Post",
		"s3:ObjectCreated:Copy", "s3:ObjectCreated:CompleteMultipartUpload",
	]}]}, subscribed))
	count(fs) == 0
}

# A vendor that subscribes its own queue (Radiant R5): analyzer/datapath
# marks the notification hop of a source whose bucket notifies no topic,
# and NT01 reports it naming the step. A trail without its SNS
# notification is R3's (CT05), not reported again here.
radiant_paths(kind, problems) := {
	"connector": {"profile": "radiant", "role": "arn:aws:iam::222222222222:role/radiant-aws-access-role", "sources": ["cloudtrail", "guardduty"]},
	"snapshot": {"accounts": [{"id": "222222222222", "buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1"}]}]},
	"paths": [{"id": "p", "source": {"kind": kind, "arn": "arn:aws:guardduty:us-east-1:222222222222:detector/d", "bucket": "org-logs"}, "hops": [
		{"kind": "writer"},
		{"kind": "notification", "problems": problems},
	]}],
}

test_fail_radiant_guardduty_bucket_without_topic if {
	fs := nt01.deny with input as radiant_paths("guardduty", ["no notification of bucket org-logs sends its object-created events to an SNS topic: …"])
	{f.fact | some f in fs} == {"guardduty no topic"}
	some f in fs
	startswith(f.message, "radiant step R5 not met")
}

test_near_miss_radiant_trail_without_topic_is_r3 if {
	fs := nt01.deny with input as radiant_paths("cloudtrail", ["no notification of trail … reaches an SNS topic"])
	fs == set()
}

test_near_miss_radiant_notification_other_problem if {
	fs := nt01.deny with input as radiant_paths("guardduty", ["filter prefix \"x/\" matches none of the log keys"])
	fs == set()
}
