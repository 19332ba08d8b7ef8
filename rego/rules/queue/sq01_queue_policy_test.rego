package trailgate.rules.sq01_test

import data.trailgate.rules.sq01

topic_east := "arn:aws:sns:us-east-1:222222222222:org-logs-events"

queue_arn := "arn:aws:sqs:us-east-1:222222222222:vendor-cloudtrail"

send_stmt := {
	"Sid": "AllowTopic",
	"Effect": "Allow",
	"Principal": {"Service": "sns.amazonaws.com"},
	"Action": "sqs:SendMessage",
	"Resource": queue_arn,
	"Condition": {"ArnEquals": {"aws:SourceArn": topic_east}},
}

trail := {
	"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
	"home_region": "us-east-1", "s3_bucket_name": "org-logs",
	"is_multi_region_trail": true, "include_global_service_events": true,
}

snap(statements, notification) := {"snapshot": {"accounts": [
	{"id": "111111111111", "trails": [trail]},
	{
		"id": "222222222222",
		"buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1", "notification": notification}],
		"topics": [{"name": "org-logs-events", "arn": topic_east, "region": "us-east-1", "subscriptions": [
			{"protocol": "sqs", "endpoint": queue_arn, "raw_message_delivery": true},
		]}],
		"queues": [{
			"name": "vendor-cloudtrail", "arn": queue_arn, "region": "us-east-1",
			"visibility_timeout": 30, "message_retention_period": 604800,
			"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
		}],
	},
]}}

via_topic := {"topic_configurations": [{"arn": topic_east, "events": ["s3:ObjectCreated:*"]}]}

direct := {"queue_configurations": [{"arn": queue_arn, "events": ["s3:ObjectCreated:*"]}]}

findings(statements, notification) := fs if {
	fs := sq01.deny with input as snap(statements, notification)
}

test_pass_topic_feed if {
	count(findings([send_stmt], via_topic)) == 0
}

test_fail_no_statement if {
	fs := findings([], via_topic)
	count(fs) == 1
	some f in fs
	f.fact == topic_east
	f.resource.id == queue_arn
	contains(f.remediation, `"Principal":{"Service":"sns.amazonaws.com"}`)
}

test_fail_other_region_topic_only if {
	west := object.union(send_stmt, {"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-west-2:222222222222:org-logs-events"}}})
	fs := findings([west], via_topic)
	count(fs) == 1
	some f in fs
	contains(f.message, "aws:SourceArn condition names arn:aws:sns:us-west-2:222222222222:org-logs-events")
}

test_fail_direct_s3_without_grant if {
	fs := findings([send_stmt], direct)
	count(fs) == 1
	some f in fs
	f.fact == "arn:aws:s3:::org-logs"
	contains(f.message, "s3.amazonaws.com cannot send")
}

test_pass_direct_s3 if {
	s3 := object.union(object.remove(send_stmt, ["Condition", "Principal"]), {"Principal": {"Service": "s3.amazonaws.com"}, "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::org-logs"}}})
	count(findings([s3], direct)) == 0
}

# Near miss: a wildcard SourceArn over the account's topics still matches.
test_near_miss_wildcard_source_arn if {
	wild := object.union(object.remove(send_stmt, ["Condition"]), {"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:*:222222222222:org-logs-*"}}})
	count(findings([wild], via_topic)) == 0
}

test_fail_deny_overrides if {
	deny := {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": queue_arn, "Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}}
	count(findings([send_stmt, deny], via_topic)) == 1
}

# Bucket names hold dots. glob.match with [] as delimiters treats "." as a
# separator, so "arn:aws:s3:::logs.*" would not match
# "arn:aws:s3:::logs.example.com" and the message would wrongly blame the
# SourceArn condition; with null delimiters (as the rules call it), "*"
# crosses dots as ArnLike does.
test_dotted_bucket_name_matches_wildcard_source_arn if {
	not glob.match("arn:aws:s3:::logs.*", [], "arn:aws:s3:::logs.example.com")
	s3 := object.union(object.remove(send_stmt, ["Condition", "Principal"]), {"Principal": {"Service": "s3.amazonaws.com"}, "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::logs.*"}}})
	deny := {"Sid": "OtherAccountsOnly", "Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": queue_arn, "Condition": {"StringNotEquals": {"aws:SourceAccount": "999999999999"}}}
	doc := json.patch(snap([s3, deny], direct), [
		{"op": "replace", "path": "/snapshot/accounts/0/trails/0/s3_bucket_name", "value": "logs.example.com"},
		{"op": "replace", "path": "/snapshot/accounts/1/buckets/0/name", "value": "logs.example.com"},
		{"op": "replace", "path": "/snapshot/accounts/1/buckets/0/arn", "value": "arn:aws:s3:::logs.example.com"},
	])
	fs := sq01.deny with input as doc
	count(fs) == 1
	some f in fs
	contains(f.message, "OtherAccountsOnly")
	not contains(f.message, "condition names")
}
