# METADATA
# title: EventBridge route of GuardDuty findings to SNS does not deliver
# description: >-
#   GuardDuty sends each finding as an event (source aws.guardduty,
#   detail-type "GuardDuty Finding") to the default event bus of the
#   detector's account and Region. A rule whose pattern matches it sends it
#   to an SNS topic target, which the reader's queue subscribes to.
#   analyzer/datapath builds that path hop by hop; this rule reports its
#   broken hops: a rule that is disabled, on another bus, or whose pattern
#   matches no finding; a target in another Region than the rule; a topic
#   policy that does not let events.amazonaws.com sns:Publish (with the
#   rule as aws:SourceArn when the policy conditions on it); a topic key
#   whose policy does not let events.amazonaws.com kms:GenerateDataKey and
#   kms:Decrypt (an AWS managed key never does); and, for topics no S3 or
#   CloudTrail notification uses (SN03 and SQ01 judge those), a subscription
#   that is pending or missing, and a queue that does not accept the
#   topic's messages. When the connector lists source macie and names a
#   macie_queue (SkyFormation step K4), Macie's findings (source aws.macie,
#   detail-type "Macie Finding") must reach that queue the same way: a rule
#   enabled on the default bus whose pattern matches them, targeting the
#   queue, whose policy lets events.amazonaws.com sqs:SendMessage (the rule
#   as aws:SourceArn) and whose customer managed key, if any, lets
#   events.amazonaws.com kms:GenerateDataKey and kms:Decrypt; no such rule
#   is one finding.
# related_resources:
#   - ref: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-guardduty.html
#     description: GuardDuty Finding events and the pattern that matches them
#   - ref: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html
#   - ref: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
#     description: the topic policy must allow events.amazonaws.com sns:Publish
#   - ref: https://repost.aws/knowledge-center/sns-not-getting-eventbridge-notification
#     description: targets in the rule's Region; a customer managed key whose policy lets EventBridge use it
#   - ref: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
#   - ref: https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-macie.html
#     description: Macie Finding events (source aws.macie) and the pattern that matches them
#   - ref: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sqs-permissions
#     description: the queue policy must allow events.amazonaws.com sqs:SendMessage
# custom:
#   id: EB01
#   severity: critical
#   area: eventbridge
#   hops: [event-rule, topic, topic-key, subscription, queue, queue-key]
#   reads:
#     - events:ListRules
#     - events:ListTargetsByRule
#     - guardduty:GetDetector
#     - guardduty:ListDetectors
#     - kms:DescribeKey
#     - kms:GetKeyPolicy
#     - sns:GetSubscriptionAttributes
#     - sns:GetTopicAttributes
#     - sns:ListSubscriptionsByTopic
#     - sqs:GetQueueAttributes
#     - sts:AssumeRole
#   remediation: >-
#     Enable the rule on the default bus with the pattern
#     {"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]}, target
#     a topic in the rule's Region whose policy lets events.amazonaws.com
#     sns:Publish (aws:SourceArn = the rule) and, if encrypted, whose customer
#     managed key lets events.amazonaws.com kms:GenerateDataKey* and
#     kms:Decrypt; subscribe the queue and let the topic send to it.
package trailgate.rules.eb01

import data.trailgate.lib
import data.trailgate.lib.datapath

# event_paths are the GuardDuty → EventBridge paths analyzer/datapath built
# (input.paths; already limited to the connector's sources and queue).
event_paths contains p if {
	some p in object.get(input, "paths", [])
	some h in p.hops
	h.kind == "event-rule"
}

rule_arn(p) := h.resources[0].arn if {
	some h in p.hops
	h.kind == "event-rule"
}

topic_of(p) := h.resources[0].arn if {
	some h in p.hops
	h.kind == "topic"
}

judged := {"event-rule", "topic", "topic-key", "subscription", "queue", "queue-key"}

# After the topic, a topic an S3 or CloudTrail notification also uses is
# SN03's and SQ01's to judge.
judged_here(_, h) if h.kind in {"event-rule", "topic", "topic-key"}

judged_here(p, h) if {
	h.kind in {"subscription", "queue", "queue-key"}
	not topic_of(p) in datapath.pipeline_topics
}

# The Macie route has no topic: its queue and queue key are this rule's.
judged_here(p, h) if {
	p.source.kind == "macie"
	h.kind in {"queue", "queue-key"}
}

broken_hops contains [p, h] if {
	some p in event_paths
	some h in p.hops
	h.kind in judged
	judged_here(p, h)
}

deny contains f if {
	some [p, h] in broken_hops
	some problem in object.get(h, "problems", [])
	not startswith(problem, "cannot prove: ")
	f := lib.with_fix(lib.locate(finding(p, h, problem, problem), [mismatched_rule_location(p, h, problem)]), problem_fix(p, h, problem))
}

# mismatched_rule is the rule an input declares that targets the Macie
# queue with a pattern matching other events: its pattern is the fix, and
# the finding points at it.
mismatched_rule(p, h, problem) := rs[0] if {
	h.kind == "event-rule"
	p.source.kind == "macie"
	not rule_arn(p)
	contains(problem, "the rules targeting it match other events: ")
	rs := [r |
		some a in input.snapshot.accounts
		some r in object.get(a, "event_rules", [])
		some t in object.get(r, "targets", [])
		t.arn == macie_queue
		contains(problem, r.arn)
		object.get(r, ["location", "file"], "") != ""
	]
	count(rs) == 1
}

mismatched_rule_location(p, h, problem) := mismatched_rule(p, h, problem).location if {
	mismatched_rule(p, h, problem)
} else := null

# problem_fix is the rule's setting a problem of its hop names
# (AWS::Events::Rule State, EventBusName, EventPattern; the pattern's
# source and detail-type replaced, its other fields kept); for the Macie
# route without a rule, the rule to declare beside the queue, targeting
# it (the queue policy's grant said: a further change).
problem_fix(p, h, problem) := lib.set_fix({"State": "ENABLED"}) if {
	h.kind == "event-rule"
	rule_arn(p)
	startswith(problem, "rule is ")
	not contains(problem, "event bus")
} else := lib.set_fix({"EventBusName": "default"}) if {
	h.kind == "event-rule"
	rule_arn(p)
	startswith(problem, "rule is on event bus ")
} else := lib.set_fix({"EventPattern": route_pattern(p)}) if {
	h.kind == "event-rule"
	rule_arn(p)
	startswith(problem, "event pattern ")
} else := lib.set_fix({"EventPattern": macie_pattern}) if {
	mismatched_rule(p, h, problem)
} else := {"companion": {
	"suffix": "MacieFindingsRule",
	"type": "AWS::Events::Rule",
	"properties": {
		"EventPattern": macie_pattern,
		"State": "ENABLED",
		"Targets": [{"Arn": {"Fn::GetAtt": ["$self", "Arn"]}, "Id": "MacieFindingsQueue"}],
	},
}, "also": sprintf("let events.amazonaws.com sqs:SendMessage to queue %s in its queue policy, with aws:SourceArn the new rule's ARN", [macie_queue])} if {
	h.kind == "event-rule"
	p.source.kind == "macie"
	not rule_arn(p)
} else := null

route_pattern(p) := macie_pattern if {
	p.source.kind == "macie"
} else := {"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]}

deny contains f if {
	some [p, h] in broken_hops
	some q in object.get(h, "questions", [])
	# The paths carry each answer's decision; the whole answer (its proof,
	# which policy decided) comes from lib.path_answer, which also logs an
	# answer the input cannot prove for this rule.
	answer := lib.path_answer(q)
	lib.denied(answer)
	not lib.org_policy_blocks(answer)
	f := lib.with_fix(finding(p, h, sprintf("%s cannot %s on %s: %s", [q.principal, q.action, q.resource, answer.proof]), sprintf("%s %s %s", [q.principal, q.action, q.resource])), question_fix(p, h, q, answer))
}

# question_fix is the statement the topic policy lacks, when EventBridge's
# publish is implicitly denied: events.amazonaws.com may sns:Publish with
# aws:SourceArn the rule (the remediation's statement, as data).
# https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-sns-permissions
question_fix(p, h, q, answer) := lib.grant_fix(answer, topic_statement(p)) if {
	h.kind == "topic"
	q.principal == "events.amazonaws.com"
	q.action == "sns:Publish"
} else := lib.grant_fix(answer, queue_statement(p)) if {
	h.kind == "queue"
	q.principal == "events.amazonaws.com"
	q.action == "sqs:SendMessage"
	rule_arn(p)
} else := null

queue_statement(p) := {
	"Sid": "AllowEventBridgeSendMessage", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
	"Action": "sqs:SendMessage", "Resource": macie_queue,
	"Condition": {"ArnEquals": {"aws:SourceArn": rule_arn(p)}},
}

topic_statement(p) := {
	"Sid": "AllowEventBridgePublish", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
	"Action": "sns:Publish", "Resource": topic_of(p),
	"Condition": {"ArnEquals": {"aws:SourceArn": rule_arn(p)}},
}

# finding is about the hop's resource; a rule or topic shared by several
# paths (one per subscription) is one finding.
finding(p, h, what, fact) := object.union(lib.locate(
	{
		"resource": hop_resource(p, h),
		"message": step_message(p, sprintf("%s %s hop: %s", [route_name(p), h.kind, what])),
		"fact": sprintf("%s %s", [h.kind, fact]),
		"remediation": remediation(p, h),
	},
	[location(h)],
), step_field(p))

route_name(p) := sprintf("GuardDuty findings routed by EventBridge rule %s:", [rule_arn(p)]) if {
	p.source.kind != "macie"
} else := sprintf("Macie findings routed by EventBridge rule %s to queue %s:", [rule_arn(p), macie_queue]) if {
	rule_arn(p)
} else := sprintf("Macie findings routed to queue %s:", [macie_queue])

# The Macie route (connector key macie_queue, source macie) is
# SkyFormation's step K4 when the connector's profile has a step with
# require.macie_route: the finding names it.
macie_step := s if {
	some s in datapath.profile.steps
	object.get(s.require, "macie_route", false) == true
}

macie_queue := object.get(object.get(input, "connector", {}), "macie_queue", "")

step_message(p, msg) := datapath.step_message(macie_step.id, msg) if {
	p.source.kind == "macie"
} else := msg

step_field(p) := {"step": datapath.step_name(macie_step)} if {
	p.source.kind == "macie"
} else := {}

hop_resource(p, h) := lib.resource(r.arn, r.type, object.get(r, "account", ""), object.get(r, "region", "")) if {
	r := h.resources[0]
} else := lib.resource(topic_of(p), "AWS::SNS::Topic", lib.account_of_arn(topic_of(p)), lib.region_of_arn(topic_of(p))) if {
	topic_of(p)
} else := lib.resource(macie_queue, "AWS::SQS::Queue", lib.account_of_arn(macie_queue), lib.region_of_arn(macie_queue)) if {
	p.source.kind == "macie"
}

location(h) := l if {
	h.kind == "event-rule"
	some a in input.snapshot.accounts
	some r in object.get(a, "event_rules", [])
	r.arn == h.resources[0].arn
	l := r.location
} else := l if {
	h.kind == "topic"
	l := lib.topic_arn(h.resources[0].arn).topic.policy.location
} else := l if {
	h.kind == "topic"
	l := lib.topic_arn(h.resources[0].arn).topic.location
} else := l if {
	# The Macie route's queue: its policy, where a grant goes.
	h.kind == "queue"
	l := lib.queue_arn(h.resources[0].arn).queue.policy.location
} else := null

remediation(p, h) := macie_remediation(p, h) if {
	p.source.kind == "macie"
} else := sprintf("Enable rule %s on the default event bus, in the Region of its topic target, with the event pattern %s", [rule_arn(p), lib.statement_json({"source": ["aws.guardduty"], "detail-type": ["GuardDuty Finding"]})]) if {
	h.kind == "event-rule"
} else := sprintf("Add to the policy of topic %s: %s", [topic_of(p), lib.statement_json(topic_statement(p))]) if {
	h.kind == "topic"
} else := sprintf("Encrypt topic %s with a customer managed key whose policy has: %s", [topic_of(p), lib.statement_json({
	"Sid": "AllowEventBridgeUseOfTheKey", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
	"Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*",
})]) if {
	h.kind == "topic-key"
} else := sprintf("Subscribe the queue to topic %s (from the queue's account, so the subscription confirms itself) and let sns.amazonaws.com sqs:SendMessage with aws:SourceArn %s in the queue policy (and use its key, if encrypted)", [topic_of(p), topic_of(p)])

macie_pattern := {"source": ["aws.macie"], "detail-type": ["Macie Finding"]}

macie_remediation(p, h) := sprintf("Create a rule on the default event bus of the queue's account and Region (%s) with the event pattern %s and target %s, and let it send to the queue", [lib.region_of_arn(macie_queue), lib.statement_json(macie_pattern), macie_queue]) if {
	h.kind == "event-rule"
	not rule_arn(p)
} else := sprintf("Enable rule %s on the default event bus, in the Region of queue %s, with the event pattern %s", [rule_arn(p), macie_queue, lib.statement_json(macie_pattern)]) if {
	h.kind == "event-rule"
} else := sprintf("Add to the policy of queue %s: %s", [macie_queue, lib.statement_json({
	"Sid": "AllowEventBridgeSendMessage", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
	"Action": "sqs:SendMessage", "Resource": macie_queue,
	"Condition": {"ArnEquals": {"aws:SourceArn": rule_arn(p)}},
})]) if {
	h.kind == "queue"
} else := sprintf("Encrypt queue %s with a customer managed key whose policy has: %s", [macie_queue, lib.statement_json({
	"Sid": "AllowEventBridgeUseOfTheKey", "Effect": "Allow", "Principal": {"Service": "events.amazonaws.com"},
	"Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*",
})])
