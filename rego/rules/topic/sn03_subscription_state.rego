# METADATA
# title: The queue's subscription to the topic is not delivering
# description: >-
#   A subscription is pending confirmation when the topic owner subscribes a
#   queue of another account (subscriptions the queue owner makes are
#   confirmed automatically); a Deleted subscription cannot be recreated for
#   72 hours; a queue may have no subscription at all. A filter policy drops
#   log notifications too: S3 and CloudTrail publish without message
#   attributes, so a MessageAttributes-scoped filter matches nothing, and a
#   MessageBody-scoped filter must test keys the message has (Records for
#   S3, s3Bucket/s3ObjectKey for CloudTrail). For the radiant profile, the
#   vendor subscribes its own queue: its role needs sns:Subscribe and
#   sns:ConfirmSubscription on both topics (step R7), and the topics must be
#   in the Region given to the vendor ("InvalidParameter: TopicArn").
# related_resources:
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html
#   - ref: https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html
#   - ref: https://repost.aws/knowledge-center/sns-sqs-subscriptions-notifications
# custom:
#   id: SN03
#   severity: high
#   smoke: [subscription-unconfirmed]
#   area: topic
#   hops: [subscription]
#   reads:
#     - ec2:DescribeRegions
#     - sns:GetSubscriptionAttributes
#     - sns:ListSubscriptionsByTopic
#     - sns:ListTopics
#     - sts:AssumeRole
#   remediation: >-
#     Have the queue owner subscribe the queue (or confirm the pending
#     subscription), remove or fix filter policies that drop log
#     notifications, and grant vendor roles sns:Subscribe in the topic's
#     Region.
package trailgate.rules.sn03

import data.trailgate.lib
import data.trailgate.lib.datapath

pipeline contains [p, t] if {
	some p in datapath.publishers
	t := lib.topic_arn(p.topic)
}

topic_resource(t) := lib.resource(t.topic.arn, "AWS::SNS::Topic", t.account, t.topic.region)

deny contains f if {
	some [_, t] in pipeline
	some s in object.get(t.topic, "subscriptions", [])
	pending(s)
	f := lib.with_fix({
		"resource": topic_resource(t),
		"message": sprintf("the %s subscription of %s to topic %s is pending confirmation: nothing is delivered until it is confirmed", [s.protocol, s.endpoint, t.topic.arn]),
		"fact": sprintf("pending=%s", [s.endpoint]),
		"remediation": sprintf("Subscribe from the queue owner's account, which confirms automatically: aws sns subscribe --region %s --topic-arn %s --protocol %s --notification-endpoint %s (run with credentials of account %s)", [t.topic.region, t.topic.arn, s.protocol, s.endpoint, endpoint_account(s)]),
	}, lib.outside_fix(sprintf("a subscription made from the topic's account to an endpoint of account %s waits for a confirmation nobody sends; declare it (%s) in a stack or configuration deployed in account %s, where it is confirmed automatically, not in the topic's account", [endpoint_account(s), subscription_decl(t, s.protocol, s.endpoint), endpoint_account(s)])))
}

# subscription_decl spells the subscription to declare in another
# account, for an outside fix's text (CloudFormation's names, which the
# SNS API shares).
subscription_decl(t, protocol, endpoint) := sprintf("TopicArn %s, Protocol %s, Endpoint %s%s", [t.topic.arn, protocol, endpoint, raw_text])

raw_text := ", RawMessageDelivery true" if raw_delivery.RawMessageDelivery

else := ""

pending(s) if s.pending_confirmation == true

pending(s) if s.arn == "PendingConfirmation"

endpoint_account(s) := lib.account_of_arn(s.endpoint) if startswith(s.endpoint, "arn:")

else := "the endpoint owner"

deny contains f if {
	some [_, t] in pipeline
	some s in object.get(t.topic, "subscriptions", [])
	s.arn == "Deleted"
	f := lib.with_fix({
		"resource": topic_resource(t),
		"message": sprintf("the %s subscription of %s to topic %s is Deleted; SNS blocks resubscribing it for up to 72 hours", [s.protocol, s.endpoint, t.topic.arn]),
		"fact": sprintf("deleted=%s", [s.endpoint]),
		"remediation": sprintf("Subscribe the endpoint again once SNS allows it: aws sns subscribe --region %s --topic-arn %s --protocol %s --notification-endpoint %s", [t.topic.region, t.topic.arn, s.protocol, s.endpoint]),
	}, lib.outside_fix(sprintf("the subscription was deleted in SNS, which blocks subscribing %s again for up to 72 hours; after that, deploying the stack or configuration that declares it (or subscribing anew) recreates it", [s.endpoint])))
}

# A pipeline topic nobody subscribes to delivers nothing (no connector).
deny contains f if {
	not is_object(input.connector)
	some [_, t] in pipeline
	count(object.get(t.topic, "subscriptions", [])) == 0
	f := lib.with_fix({
		"resource": topic_resource(t),
		"message": sprintf("topic %s carries log notifications but has no subscription", [t.topic.arn]),
		"fact": "no-subscription",
		"remediation": sprintf("aws sns subscribe --region %s --topic-arn %s --protocol sqs --notification-endpoint <queue ARN> (from the queue owner's account)", [t.topic.region, t.topic.arn]),
	}, object.union(subscription_companion("<queue ARN>"), {"also": "declare it in the queue owner's stack instead when the queue is in another account (a subscription made from the topic's account waits for a confirmation)"}))
}

subscription_companion(q) := {"companion": {
	"suffix": "ConnectorSubscription",
	"type": "AWS::SNS::Subscription",
	"properties": object.union({"TopicArn": {"Ref": "$self"}, "Protocol": "sqs", "Endpoint": q}, raw_delivery),
}}

# With a connector queue: some pipeline topic of its sources must deliver
# to it, unless the bucket notifies the queue directly.
connector_topics contains [p, t] if {
	some [p, t] in pipeline
	some d in lib.sources
	d.kind in lib.connector_sources
	source_uses(p, d)
}

source_uses(p, d) if p.source_arn == d.arn

source_uses(p, d) if p.source_arn == sprintf("arn:%s:s3:::%s", [lib.partition, d.bucket])

deny contains f if {
	q := input.connector.queue
	q != ""
	count(connector_topics) > 0
	not q in {s.endpoint | some [_, t] in connector_topics; some s in object.get(t.topic, "subscriptions", [])}
	not direct(q)
	some [_, t] in connector_topics
	f := lib.with_fix(lib.with_location({
		"resource": topic_resource(t),
		"message": sprintf("the connector's queue %s has no subscription to topic %s, which carries its log notifications", [q, t.topic.arn]),
		"fact": sprintf("no-subscription=%s", [q]),
		"remediation": sprintf("aws sns subscribe --region %s --topic-arn %s --protocol sqs --notification-endpoint %s (from account %s, so that it is confirmed automatically)", [t.topic.region, t.topic.arn, q, lib.account_of_arn(q)]),
	}, t.topic), subscription_fix(t, q))
}

# subscription_fix declares the queue's subscription beside the topic when
# both are in one account: a subscription the queue's owner makes is
# confirmed automatically. (Across accounts it belongs in the queue
# owner's stack, or it stays pending: the prose says so.) Raw message
# delivery as the connector's profile asks (NT05).
subscription_fix(t, q) := subscription_companion(q) if {
	startswith(q, "arn:")
	lib.account_of_arn(q) == t.account
} else := lib.outside_fix(sprintf("queue %s is in account %s: a subscription declared in the topic's account waits for a confirmation nobody sends; declare it (%s) in a stack or configuration deployed in account %s, where it is confirmed automatically, once the topic's policy lets that account sns:Subscribe", [q, lib.account_of_arn(q), subscription_decl(t, "sqs", q), lib.account_of_arn(q)])) if {
	startswith(q, "arn:")
} else := null

raw_delivery := {"RawMessageDelivery": true} if {
	datapath.profile.delivery.raw_message_delivery == true
} else := {}

direct(q) if {
	some e in lib.buckets
	some t in lib.notification_targets(e.bucket)
	t.kind == "queue"
	t.cfg.arn == q
}

# Filter policies. S3 event notifications and CloudTrail notifications carry
# no message attributes.
message_keys := {"s3.amazonaws.com": {"Records"}, "cloudtrail.amazonaws.com": {"s3Bucket", "s3ObjectKey"}}

drops(s, _) if {
	s.filter_policy
	object.get(s, "filter_policy_scope", "MessageAttributes") != "MessageBody"
}

drops(s, p) if {
	s.filter_policy
	s.filter_policy_scope == "MessageBody"
	some k, _ in s.filter_policy
	not k in message_keys[p.principal]
}

deny contains f if {
	some [p, t] in pipeline
	some s in object.get(t.topic, "subscriptions", [])
	drops(s, p)
	f := {
		"resource": topic_resource(t),
		"message": sprintf("the subscription of %s to topic %s has a filter policy (%s scope) that drops %s notifications, which carry no such attributes or keys: %s", [s.endpoint, t.topic.arn, object.get(s, "filter_policy_scope", "MessageAttributes"), p.principal, json.marshal(s.filter_policy)]),
		"fact": sprintf("filter=%s", [s.endpoint]),
		"remediation": sprintf("aws sns set-subscription-attributes --region %s --subscription-arn %s --attribute-name FilterPolicy --attribute-value '{}' (or filter on the message body's Records keys with FilterPolicyScope MessageBody)", [t.topic.region, object.get(s, "arn", "<subscription-arn>")]),
	}
}

# radiant: the vendor subscribes its own endpoint with the connector role;
# step R7's sns:Subscribe/ConfirmSubscription actions are in
# rego/profiles/radiant.json and asked by the shared profile checks.
deny contains f if some f in datapath.profile_findings.SN03

deny contains f if {
	datapath.profile_name == "radiant"
	region := input.connector.region
	some [_, t] in connector_topics
	t.topic.region != region
	f := {
		"resource": topic_resource(t),
		"message": datapath.step_message("R7", sprintf("topic %s is in %s but the region given to Radiant is %s: subscribing fails with \"InvalidParameter: Invalid parameter: TopicArn\"", [t.topic.arn, t.topic.region, region])),
		"fact": sprintf("radiant-region=%s", [region]),
		"remediation": sprintf("Enter %s as the region in Radiant's console, or create the topics in %s", [t.topic.region, region]),
	}
}

# A vendor that subscribes its own queue (profile delivery
# subscribes_topics: Radiant) and no queue subscribed to the topic of its
# source's path: the vendor has not subscribed (a template never holds
# that subscription; analyzer/datapath ends such paths at the topic).
deny contains f if {
	is_object(input.connector)
	object.get(input.connector, "queue", "") == ""
	datapath.profile.delivery.subscribes_topics
	some p in object.get(input, "paths", [])
	some h in p.hops
	h.kind == "subscription"
	not h.resources[0]
	some problem in object.get(h, "problems", [])
	endswith(problem, "has no SQS subscription")
	some th in p.hops
	th.kind == "topic"
	t := lib.topic_arn(th.resources[0].arn)
	f := {
		"resource": topic_resource(t),
		"message": sprintf("no queue subscribes to topic %s, which carries the %s notifications: %s has not subscribed its queue to it", [t.topic.arn, p.source.kind, datapath.profile.vendor]),
		"fact": "vendor-not-subscribed",
		"remediation": sprintf("Give %s the topic ARN %s and region %s in its console so that it subscribes its queue (the connector role needs sns:Subscribe on the topic)", [datapath.profile.vendor, t.topic.arn, t.topic.region]),
	}
}
