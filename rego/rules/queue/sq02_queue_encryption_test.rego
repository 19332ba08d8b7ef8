package trailgate.rules.sq02_test

import data.trailgate.rules.sq02

topic := "arn:aws:sns:us-east-1:222222222222:events"

queue := "arn:aws:sqs:us-east-1:222222222222:reader"

key := "arn:aws:kms:us-east-1:222222222222:key/5f0e1c2d-0000-4000-8000-000000000002"

snap(kms, key_statements) := {"snapshot": {"accounts": [
	{"id": "111111111111", "trails": [{
		"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "home_region": "us-east-1",
		"s3_bucket_name": "logs", "is_multi_region_trail": true, "include_global_service_events": true,
	}]},
	{
		"id": "222222222222",
		"buckets": [{"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1", "notification": {"topic_configurations": [{"arn": topic, "events": ["s3:ObjectCreated:*"]}]}}],
		"topics": [{"name": "events", "arn": topic, "region": "us-east-1", "subscriptions": [{"protocol": "sqs", "endpoint": queue}]}],
		"queues": [object.union({"name": "reader", "arn": queue, "region": "us-east-1", "visibility_timeout": 30, "message_retention_period": 604800}, kms)],
		"keys": [{
			"key_id": "5f0e1c2d-0000-4000-8000-000000000002", "arn": key, "region": "us-east-1", "key_state": "Enabled", "key_manager": "CUSTOMER",
			"policy": {"document": {"Version": "2012-10-17", "Statement": key_statements}},
		}],
	},
]}}

root := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*", "Resource": "*"}

sns_use := {"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*"}

facts(kms, key_statements) := {f.fact | some f in fs} if {
	fs := sq02.deny with input as snap(kms, key_statements)
}

test_pass_sse_sqs if {
	facts({"sqs_managed_sse_enabled": true}, [root]) == set()
}

test_pass_cmk_admits_sns if {
	facts({"kms_master_key_id": key}, [root, sns_use]) == set()
}

test_fail_aws_managed if {
	facts({"kms_master_key_id": "alias/aws/sqs"}, [root]) == {"sns.amazonaws.com alias/aws/sqs"}
	some f in sq02.deny with input as snap({"kms_master_key_id": "alias/aws/sqs"}, [root])
	f.fix.set == {"KmsMasterKeyId": "<a customer managed key whose policy admits sns.amazonaws.com>"}
	contains(f.fix.also, "SqsManagedSseEnabled: true")
}

test_fail_cmk_without_sns if {
	fs := sq02.deny with input as snap({"kms_master_key_id": key}, [root])
	{f.fact | some f in fs} == {concat("", ["sns.amazonaws.com ", key, " kms:GenerateDataKey,kms:Decrypt"])}
	some f in fs
	contains(f.remediation, `"Principal":{"Service":"sns.amazonaws.com"}`)
	f.fix == {"policy": "resource", "add_statement": {
		"Sid": "AllowPipelineProducer", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
		"Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
		"Condition": {"ArnEquals": {"aws:SourceArn": topic}},
	}}
}

# Near miss: a key referenced by its alias name still resolves to the CMK
# whose policy admits SNS.
test_near_miss_cmk_by_alias if {
	doc := json.patch(snap({"kms_master_key_id": "alias/reader-queue"}, [root, sns_use]), [{"op": "add", "path": "/snapshot/accounts/1/keys/0/aliases", "value": ["alias/reader-queue"]}])
	count(sq02.deny) == 0 with input as doc
}
