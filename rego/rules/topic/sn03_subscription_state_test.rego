package trailgate.rules.sn03_test

import data.trailgate.rules.sn03

topic_arn := "arn:aws:sns:us-east-1:222222222222:cloudtrail-events"

queue := "arn:aws:sqs:us-east-1:999999999999:vendor-cloudtrail"

sub := {"arn": concat("", [topic_arn, ":5e0c0a43-7d1b-4bd8-9a3e-5d1f3c5f0b3a"]), "protocol": "sqs", "endpoint": queue, "owner": "999999999999"}

snap(subs) := {
	"schema_version": "1", "source": "fixture",
	"accounts": [
		{"id": "111111111111", "trails": [{"name": "t", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", "home_region": "us-east-1", "s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false}]},
		{
			"id": "222222222222",
			"buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1", "notification": {"topic_configurations": [{"arn": topic_arn, "events": ["s3:ObjectCreated:*"]}]}}],
			"topics": [{"name": "cloudtrail-events", "arn": topic_arn, "region": "us-east-1", "subscriptions": subs}],
			"roles": [{
				"name": "radiant-aws-access-role", "arn": "arn:aws:iam::222222222222:role/radiant-aws-access-role",
				"inline_policies": [{"name": "radiant", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sns:Subscribe", "sns:ConfirmSubscription", "sns:Unsubscribe"], "Resource": topic_arn}]}}],
			}],
		},
	],
}

facts(subs, conn) := {f.fact | some f in fs} if {
	fs := sn03.deny with input as {"snapshot": snap(subs), "connector": conn}
		with data.trailgate.profiles as {"radiant": radiant_profile, "generic": {"steps": []}}
}

radiant_profile := {"steps": [{"id": "R7", "title": "role permissions", "rule": "S305", "require": {"actions": [
	{"action": "sns:Subscribe", "on": "topics", "rule": "SN03"},
	{"action": "sns:ConfirmSubscription", "on": "topics", "rule": "SN03"},
]}}]}

generic := {"profile": "generic", "role": "arn:aws:iam::999999999999:role/reader", "queue": queue}

test_pass_confirmed_subscription if {
	facts([sub], null) == set()
	facts([sub], generic) == set()
}

test_fail_pending_confirmation if {
	facts([object.union(sub, {"arn": "PendingConfirmation", "pending_confirmation": true})], null) == {"pending=arn:aws:sqs:us-east-1:999999999999:vendor-cloudtrail"}
}

test_fail_deleted if {
	facts([object.union(sub, {"arn": "Deleted"})], null) == {"deleted=arn:aws:sqs:us-east-1:999999999999:vendor-cloudtrail"}
}

test_fail_no_subscription if {
	facts([], null) == {"no-subscription"}
}

test_fail_connector_queue_not_subscribed if {
	other := object.union(sub, {"endpoint": "arn:aws:sqs:us-east-1:222222222222:datadog"})
	facts([other], generic) == {"no-subscription=arn:aws:sqs:us-east-1:999999999999:vendor-cloudtrail"}
	# A queue in another account subscribes from its own: no declaration
	# beside the topic; the fix says which stack declares it.
	fs := sn03.deny with input as {"snapshot": snap([other]), "connector": generic} with data.trailgate.profiles as {"radiant": radiant_profile, "generic": {"steps": []}}
	every f in fs {
		not f.fix.companion
		contains(f.fix.outside, "in a stack or configuration deployed in account 999999999999")
		contains(f.fix.outside, "declare it (TopicArn arn:aws:sns:")
	}
}

# The connector's queue in the topic's account: the subscription is
# declared beside the topic.
test_fail_same_account_queue_not_subscribed if {
	own := "arn:aws:sqs:us-east-1:222222222222:vendor-cloudtrail"
	fs := sn03.deny with input as {"snapshot": snap([]), "connector": object.union(generic, {"queue": own})}
		with data.trailgate.profiles as {"radiant": radiant_profile, "generic": {"steps": []}}
	some f in fs
	f.fact == concat("", ["no-subscription=", own])
	f.fix == {"companion": {"suffix": "ConnectorSubscription", "type": "AWS::SNS::Subscription", "properties": {"TopicArn": {"Ref": "$self"}, "Protocol": "sqs", "Endpoint": own}}}
}

test_fail_attribute_filter_drops_s3_events if {
	facts([object.union(sub, {"filter_policy": {"eventType": ["ObjectCreated"]}})], null) == {"filter=arn:aws:sqs:us-east-1:999999999999:vendor-cloudtrail"}
}

# Near miss: a body filter on the S3 event's Records passes S3 notifications.
test_near_miss_body_filter_on_records if {
	s := object.union(sub, {"filter_policy": {"Records": {"eventName": [{"prefix": "ObjectCreated:"}]}}, "filter_policy_scope": "MessageBody"})
	facts([s], null) == set()
}

radiant(region) := {"profile": "radiant", "role": "arn:aws:iam::222222222222:role/radiant-aws-access-role", "region": region, "sources": ["cloudtrail"]}

test_pass_radiant_can_subscribe if {
	facts([sub], radiant("us-east-1")) == set()
}

test_fail_radiant_topic_in_other_region if {
	facts([sub], radiant("eu-west-1")) == {"radiant-region=eu-west-1"}
}

test_fail_radiant_role_cannot_subscribe if {
	fs := sn03.deny with input as {"snapshot": json.patch(snap([sub]), [{"op": "remove", "path": "/accounts/1/roles/0/inline_policies"}]), "connector": radiant("us-east-1")}
		with data.trailgate.profiles as {"radiant": radiant_profile}
	# One step, one missing grant: one finding listing both actions.
	{f.fact | some f in fs} == {"radiant-R7:sns:ConfirmSubscription:arn:aws:sns:us-east-1:222222222222:cloudtrail-events,sns:Subscribe:arn:aws:sns:us-east-1:222222222222:cloudtrail-events"}
}

# Radiant subscribes its own queue: a path whose topic no queue subscribes
# to (analyzer/datapath's subscription hop without a resource) means it has
# not.
vendor_path(problems) := {"id": "p", "source": {"kind": "guardduty"}, "hops": [
	{"kind": "topic", "resources": [{"arn": topic_arn, "type": "AWS::SNS::Topic"}]},
	{"kind": "subscription", "resources": null, "problems": problems},
]}

radiant_input(problems) := {
	"snapshot": snap([]),
	"connector": {"profile": "radiant", "role": "arn:aws:iam::222222222222:role/radiant-aws-access-role", "region": "us-east-1", "sources": ["guardduty"]},
	"paths": [vendor_path(problems)],
}

test_fail_radiant_not_subscribed if {
	fs := sn03.deny with input as radiant_input([concat(" ", ["topic", topic_arn, "has no SQS subscription"])])
	{f.fact | some f in fs} == {"vendor-not-subscribed"}
}

test_near_miss_radiant_other_subscription_problem if {
	fs := sn03.deny with input as radiant_input(["subscription of x is pending confirmation"])
	not "vendor-not-subscribed" in {f.fact | some f in fs}
}

# A pending or deleted subscription is SNS's state, not the template's:
# the fix says where it is declared instead (outside this template).
test_fix_pending_and_deleted_are_outside if {
	pend := object.union(sub, {"arn": "PendingConfirmation", "endpoint": "arn:aws:sqs:us-east-1:999999999999:vendor-cloudtrail"})
	fs := sn03.deny with input as {"snapshot": snap([pend]), "connector": null} with data.trailgate.profiles as {"radiant": radiant_profile, "generic": {"steps": []}}
	some f in fs
	startswith(f.fact, "pending=")
	contains(f.fix.outside, "in a stack or configuration deployed in account 999999999999")
	gone := object.union(sub, {"arn": "Deleted"})
	gs := sn03.deny with input as {"snapshot": snap([gone]), "connector": null} with data.trailgate.profiles as {"radiant": radiant_profile, "generic": {"steps": []}}
	some g in gs
	startswith(g.fact, "deleted=")
	contains(g.fix.outside, "up to 72 hours")
}

# Without a connector, the subscription to declare names a queue to fill in.
test_fix_no_subscription_declares_one if {
	fs := sn03.deny with input as {"snapshot": snap([]), "connector": null} with data.trailgate.profiles as {"radiant": radiant_profile, "generic": {"steps": []}}
	some f in fs
	f.fact == "no-subscription"
	f.fix.companion.properties.Endpoint == "<queue ARN>"
}
