package trailgate.rules.nt03_test

import data.trailgate.rules.nt03

datadog := {"arn": "arn:aws:lambda:us-east-1:222222222222:function:datadog-forwarder", "events": ["s3:ObjectCreated:*"], "filter_prefix": "AWSLogs/"}

splunk(events, prefix, suffix) := {"arn": "arn:aws:sqs:us-east-1:222222222222:splunk-cloudtrail", "events": events, "filter_prefix": prefix, "filter_suffix": suffix}

bucket(notification) := {"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "notification": notification}

facts(notification) := {f.fact | some f in fs} if {
	fs := nt03.deny with input as {"snapshot": {"accounts": [{"id": "222222222222", "buckets": [bucket(notification)]}]}, "connector": null}
}

overlap_fact := "overlap=lambda arn:aws:lambda:us-east-1:222222222222:function:datadog-forwarder|queue arn:aws:sqs:us-east-1:222222222222:splunk-cloudtrail"

test_pass_single_consumer if {
	facts({"lambda_configurations": [datadog]}) == set()
}

test_fail_second_consumer_overlaps if {
	facts({"lambda_configurations": [datadog], "queue_configurations": [splunk(["s3:ObjectCreated:Put"], "AWSLogs/111111111111/", "")]}) == {overlap_fact}
}

test_fail_overlapping_suffixes if {
	facts({"lambda_configurations": [object.union(datadog, {"filter_suffix": ".gz"})], "queue_configurations": [splunk(["s3:ObjectCreated:*"], "", ".json.gz")]}) == {overlap_fact}
}

# Near miss: disjoint prefixes may share event types.
test_near_miss_disjoint_prefixes if {
	facts({"lambda_configurations": [datadog], "queue_configurations": [splunk(["s3:ObjectCreated:*"], "EKSLogs/", "")]}) == set()
}

# Near miss: different event types never overlap.
test_near_miss_different_events if {
	facts({"lambda_configurations": [datadog], "queue_configurations": [splunk(["s3:ObjectRemoved:*"], "AWSLogs/", "")]}) == set()
}

test_fail_terraform_overwrite if {
	n := {
		"lambda_configurations": [object.union(datadog, {"location": {"file": "datadog.tf", "line": 3, "address": "aws_s3_bucket_notification.datadog"}})],
		"queue_configurations": [object.union(splunk(["s3:ObjectRemoved:*"], "AWSLogs/", ""), {"location": {"file": "splunk.tf", "line": 9, "address": "aws_s3_bucket_notification.splunk"}})],
	}
	facts(n) == {"overwrite=aws_s3_bucket_notification.datadog,aws_s3_bucket_notification.splunk"}
}

test_near_miss_one_terraform_resource if {
	loc := {"file": "main.tf", "line": 3, "address": "aws_s3_bucket_notification.logs"}
	n := {
		"lambda_configurations": [object.union(datadog, {"location": loc})],
		"queue_configurations": [object.union(splunk(["s3:ObjectRemoved:*"], "AWSLogs/", ""), {"location": loc})],
	}
	facts(n) == set()
}

# The overlap's fix is the fan-out in template terms: one topic entry,
# the overlapping ones named for removal (text, not an exact edit).
test_fix_overlap_fans_out if {
	fs := nt03.deny with input as {"snapshot": {"accounts": [{"id": "222222222222", "buckets": [bucket({"lambda_configurations": [datadog], "queue_configurations": [splunk(["s3:ObjectCreated:*"], "", "")]})]}]}, "connector": null}
	some f in fs
	f.fix.set.NotificationConfiguration.TopicConfigurations == [{"Event": "s3:ObjectCreated:*", "Topic": "<one SNS topic for the bucket>"}]
	contains(f.fix.also, "remove the overlapping entries (lambda arn:aws:lambda:us-east-1:222222222222:function:datadog-forwarder and queue arn:aws:sqs:us-east-1:222222222222:splunk-cloudtrail)")
}
