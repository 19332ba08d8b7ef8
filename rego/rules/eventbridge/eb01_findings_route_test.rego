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
