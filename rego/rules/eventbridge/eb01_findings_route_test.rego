package trailgate.rules.eb01_test

import data.trailgate.rules.eb01

rule := "arn:aws:events:us-east-1:111111111111:rule/guardduty-findings"

topic := "arn:aws:sns:us-east-1:111111111111:guardduty-findings"

queue := "arn:aws:sqs:us-east-1:111111111111:siem-guardduty"

allowed := {"decision": "Allowed", "proof": "allowed"}

denied := {"decision": "ImplicitlyDenied", "proof": "no statement in the topic policy allows sns:Publish for events.amazonaws.com", "statements": [], "kinds": []}

publish(answer) := {"id": "publish", "principal": "events.amazonaws.com", "action": "sns:Publish", "resource": topic, "answer": answer}

# path is the GuardDuty → EventBridge → SNS → SQS path analyzer/datapath
# builds, with the given rule problems, publish answer and subscription
# problems.
path(rule_problems, answer, sub_problems) := {
	"id": "p",
	"source": {"kind": "guardduty", "arn": "arn:aws:guardduty:us-east-1:111111111111:detector/d1"},
	"hops": [
		{"kind": "writer", "resources": [{"arn": "arn:aws:guardduty:us-east-1:111111111111:detector/d1", "type": "AWS::GuardDuty::Detector"}]},
		{"kind": "event-rule", "resources": [{"arn": rule, "type": "AWS::Events::Rule", "account": "111111111111", "region": "us-east-1"}], "problems": rule_problems},
		{"kind": "topic", "resources": [{"arn": topic, "type": "AWS::SNS::Topic", "account": "111111111111", "region": "us-east-1"}], "questions": [publish(answer)]},
		{"kind": "subscription", "resources": [{"arn": concat("", [topic, ":1"]), "type": "AWS::SNS::Subscription"}], "problems": sub_problems},
		{"kind": "queue", "resources": [{"arn": queue, "type": "AWS::SQS::Queue"}]},
	],
}

facts(p) := {f.fact | some f in eb01.deny with input as {"snapshot": {"accounts": []}, "paths": [p]}}

test_pass if {
	facts(path([], allowed, [])) == set()
}

test_fail_pattern_matches_no_finding if {
	problem := "event pattern {\"detail-type\":[\"GuardDuty Findings\"],\"source\":[\"aws.guardduty\"]} matches no GuardDuty finding of account 111111111111 in us-east-1"
	facts(path([problem], allowed, [])) == {concat(" ", ["event-rule", problem])}
}

test_fail_topic_policy_denies_eventbridge if {
	fs := eb01.deny with input as {"snapshot": {"accounts": []}, "paths": [path([], denied, [])]}
	{f.fact | some f in fs} == {concat(" ", ["topic events.amazonaws.com sns:Publish", topic])}
	some f in fs
	f.resource.id == topic
	contains(f.remediation, "\"aws:SourceArn\":\"arn:aws:events:us-east-1:111111111111:rule/guardduty-findings\"")
}

test_fail_subscription_pending if {
	facts(path([], allowed, ["subscription of x is pending confirmation"])) == {"subscription subscription of x is pending confirmation"}
}

# Near miss: what the path cannot prove is not a finding here.
test_near_miss_unknown_pattern if {
	facts(path(["cannot prove: event pattern of x is not known"], allowed, [])) == set()
}

# Near miss: the subscriptions of a topic an S3 notification also uses are
# SN03's.
test_near_miss_pipeline_topic_subscription if {
	p := path([], allowed, ["subscription of x is pending confirmation"])
	fs := eb01.deny with input as {"snapshot": {"accounts": []}, "paths": [p], "publishers": [{"topic": topic, "principal": "s3.amazonaws.com", "source_arn": "arn:aws:s3:::b"}]}
	fs == set()
}

# Paths without an EventBridge hop are not this rule's.
test_near_miss_s3_path if {
	p := json.patch(path([], denied, []), [{"op": "remove", "path": "/hops/1"}])
	facts(p) == set()
}

# The Macie route (SkyFormation K4): Macie findings are events of source
# aws.macie, detail-type "Macie Finding"
# (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-macie.html),
# sent by a rule to the connector's Macie queue, whose policy lets
# events.amazonaws.com sqs:SendMessage with the rule as aws:SourceArn
# (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions).
macie_rule := "arn:aws:events:us-east-1:222222222222:rule/macie-findings"

macie_queue := "arn:aws:sqs:us-east-1:222222222222:skyformation-macie-alerts"

send(answer) := {"id": "send-message", "principal": "events.amazonaws.com", "action": "sqs:SendMessage", "resource": macie_queue, "answer": answer, "context": {"aws:SourceArn": [macie_rule]}}

macie_path(rule_problems, answer) := {
	"id": "m",
	"source": {"kind": "macie", "arn": macie_rule},
	"hops": [
		{"kind": "event-rule", "resources": [{"arn": macie_rule, "type": "AWS::Events::Rule", "account": "222222222222", "region": "us-east-1"}], "problems": rule_problems},
		{"kind": "queue", "resources": [{"arn": macie_queue, "type": "AWS::SQS::Queue", "account": "222222222222", "region": "us-east-1"}], "questions": [send(answer)]},
	],
}

missing_path := {
	"id": "macie -> none -> q",
	"source": {"kind": "macie"},
	"hops": [{"kind": "event-rule", "problems": ["no EventBridge rule routes Macie findings to queue q"]}],
}

skyformation_input(p) := {
	"snapshot": {"accounts": []}, "paths": [p],
	"connector": {"profile": "skyformation", "role": "arn:aws:iam::222222222222:user/skyformation-connector", "macie_queue": macie_queue, "sources": ["macie"]},
}

test_macie_pass if {
	fs := eb01.deny with input as skyformation_input(macie_path([], allowed))
	count(fs) == 0
}

test_fail_macie_rule_missing_names_k4 if {
	fs := eb01.deny with input as skyformation_input(missing_path)
	count(fs) == 1
	some f in fs
	f.resource.id == macie_queue
	startswith(f.step, "skyformation step K4")
	startswith(f.message, "skyformation step K4 not met")
	endswith(f.message, "Macie findings routed to queue arn:aws:sqs:us-east-1:222222222222:skyformation-macie-alerts: event-rule hop: no EventBridge rule routes Macie findings to queue q")
	contains(f.remediation, "{\"detail-type\":[\"Macie Finding\"],\"source\":[\"aws.macie\"]}")
}

test_fail_macie_queue_policy_names_k4 if {
	no := {"decision": "ImplicitlyDenied", "proof": "no statement in the queue policy allows sqs:SendMessage for events.amazonaws.com", "statements": [], "kinds": []}
	fs := eb01.deny with input as skyformation_input(macie_path([], no))

	{f.fact | some f in fs} == {concat(" ", ["queue events.amazonaws.com sqs:SendMessage", macie_queue])}
	some f in fs
	startswith(f.step, "skyformation step K4")
	contains(f.message, "Macie findings routed by EventBridge rule arn:aws:events:us-east-1:222222222222:rule/macie-findings to queue arn:aws:sqs:us-east-1:222222222222:skyformation-macie-alerts: queue hop: events.amazonaws.com cannot sqs:SendMessage")
	contains(f.remediation, "\"aws:SourceArn\":\"arn:aws:events:us-east-1:222222222222:rule/macie-findings\"")
}

test_fail_macie_pattern_one_finding if {
	problem := "event pattern {\"source\":[\"aws.macie2\"]} matches no Macie finding of account 222222222222 in us-east-1"
	facts(macie_path([problem], allowed)) == {concat(" ", ["event-rule", problem])}
}

# The topic policy's missing statement is the fix, as data: the template's
# topic policy gains it.
test_fail_topic_policy_fix_adds_statement if {
	fs := eb01.deny with input as {"snapshot": {"accounts": []}, "paths": [path([], denied, [])]}
	some f in fs
	f.fix == {"policy": "resource", "add_statement": {
		"Sid": "AllowEventBridgePublish", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
		"Action": "sns:Publish", "Resource": topic,
		"Condition": {"ArnEquals": {"aws:SourceArn": rule}},
	}}
}

# An explicit Deny is not lifted by an Allow: no statement fix.
test_fail_topic_policy_explicit_deny_no_fix if {
	explicit := object.union(denied, {"decision": "ExplicitlyDenied", "proof": "a Deny statement denies it"})
	fs := eb01.deny with input as {"snapshot": {"accounts": []}, "paths": [path([], explicit, [])]}
	count(fs) == 1
	some f in fs
	not f.fix
}
