# METADATA
# title: Connector role cannot consume its queue
# description: >-
#   Whoever polls the connector's queue (the connector file's queue_role,
#   else the execution role of a Lambda event source mapping on the queue,
#   else its role; without a connector file, the roles of event source
#   mappings on pipeline queues) must be allowed sqs:ReceiveMessage and
#   sqs:DeleteMessage on it: without ReceiveMessage nothing is read, without
#   DeleteMessage every message comes back and the oldest message keeps
#   aging. A Lambda event source mapping also needs sqs:GetQueueAttributes.
#   ChangeMessageVisibility, GetQueueAttributes and GetQueueUrl are demanded
#   only when the connector's vendor guide demands them; otherwise their
#   absence is a low "recommended" finding saying what works differently.
#   Batch actions are never asked separately: sqs:DeleteMessage grants
#   DeleteMessageBatch. Each action is asked of the authorization evaluator
#   (identity policy and, across accounts, queue policy). Only implicit
#   denials are reported; explicit ones are OR01/OR02 or a Deny in the
#   queue policy.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
#     description: batch actions are granted by the single action (DeleteMessage grants DeleteMessageBatch)
#   - ref: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
#     description: an event source mapping needs ReceiveMessage, DeleteMessage and GetQueueAttributes
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
# custom:
#   id: SQ06
#   severity: critical
#   smoke: [queue-call-refused]
#   area: queue
#   hops: [reader]
#   reads:
#     - ec2:DescribeRegions
#     - iam:GetAccountAuthorizationDetails
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Allow the queue's reader sqs:ReceiveMessage and sqs:DeleteMessage on
#     the queue (a Lambda event source mapping's role also
#     sqs:GetQueueAttributes), and what its vendor guide lists, in its
#     identity policy and, across accounts, in the queue policy too.
package trailgate.rules.sq06

import data.trailgate.lib
import data.trailgate.lib.datapath
import data.trailgate.lib.needs

denied_actions(role, queue, actions) := [a |
	some a in actions
	answer := lib.authz(role, a, queue, {})
	answer.decision == "ImplicitlyDenied"
	not lib.org_policy_blocks(answer)
]

# recommended_missing are the recommended actions the reader lacks.
# GetQueueUrl is moot for a reader given the queue URL (queue_url); what a
# Lambda event source mapping never calls is not recommended to it
# (needs.recommended).
recommended_missing(r, q) := [a |
	some a in denied_actions(r.role, q.queue.arn, needs.recommended("SQ06", r.kind))
	not given_url(a, r)
]

given_url("sqs:GetQueueUrl", _) if object.get(input.connector, "queue_url", "") != ""

deny contains f if {
	some r in lib.queue_readers
	q := lib.queue_arn(r.queue)
	missing := denied_actions(r.role, q.queue.arn, needs.demanded("SQ06", r.kind))
	count(missing) > 0
	also := recommended_missing(r, q)
	first := lib.authz(r.role, missing[0], q.queue.arn, {})
	f := lib.with_fix(located(
		{
			"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
			"message": sprintf("%s cannot %s on queue %s%s%s: %s", [r.role, concat(", ", missing), q.queue.arn, kind_note(r), needs.guide_note(missing), first.proof]),
			"fact": sprintf("%s %s", [r.role, concat(",", sort(missing))]),
			"remediation": fix(r.role, q, array.concat(missing, also), first),
		},
		r.role, q, first, missing[0],
	), fix_data(r.role, q, array.concat(missing, also), first))
}

# located points at the reader's identity policy when that is what lacks
# the grant (same account, or the queue policy already allows), else at the
# queue policy.
located(f, role, q, answer, action) := lib.with_identity_location(f, role, action, q.queue.arn, [object.get(q.queue, "location", null)]) if {
	identity_side(role, q, answer)
} else := lib.with_grant_location(f, q.queue, object.get(q.queue, "policy", {}), answer, role, action)

# identity_side: the reader's identity policy lacks the grant (not a
# permissions boundary, which ID03 reports), and it is the side to fix.
identity_side(role, q, answer) if {
	lib.account_of_arn(role) == q.account
	not lib.identity_allows(answer)
}

identity_side(_, _, answer) if {
	lib.resource_allows(answer)
	not lib.identity_allows(answer)
}

kind_note(r) := " (it polls the queue for a Lambda event source mapping)" if r.kind == "lambda-esm"

else := ""

# A reader with every action it needs but not every recommended one works:
# one low finding says what works differently.
deny contains f if {
	some r in lib.queue_readers
	q := lib.queue_arn(r.queue)
	count(denied_actions(r.role, q.queue.arn, needs.demanded("SQ06", r.kind))) == 0
	rec := recommended_missing(r, q)
	count(rec) > 0
	first := lib.authz(r.role, rec[0], q.queue.arn, {})
	f := lib.with_fix(located(
		{
			"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
			"message": sprintf("%s may receive and delete on queue %s but not %s (recommended, not needed): %s", [r.role, q.queue.arn, concat(", ", rec), needs.recommended_text(rec)]),
			"fact": sprintf("%s recommended %s", [r.role, concat(",", sort(rec))]),
			"remediation": fix(r.role, q, rec, first),
			"severity": "low",
		},
		r.role, q, first, rec[0],
	), fix_data(r.role, q, rec, first))
}

identity_statement(q, missing) := {
	"Sid": "ConsumeLogNotifications",
	"Effect": "Allow",
	"Action": missing,
	"Resource": q.queue.arn,
}

queue_statement(role, q, missing) := {
	"Sid": "AllowConnectorConsume",
	"Effect": "Allow",
	"Principal": {"AWS": role},
	"Action": missing,
	"Resource": q.queue.arn,
}

identity_fix(role, q, missing) := sprintf("Add to an identity policy of %s: %s", [role, lib.statement_json(identity_statement(q, missing))])

queue_fix(role, q, missing) := sprintf("Add to the queue policy of %s: %s", [q.queue.arn, lib.statement_json(queue_statement(role, q, missing))])

# fix_data is fix as data where one side alone lacks the grant; both
# sides stay prose.
fix_data(role, q, missing, answer) := lib.grant_fix_in(answer, "identity", identity_statement(q, missing)) if {
	lib.account_of_arn(role) == q.account
} else := lib.grant_fix(answer, queue_statement(role, q, missing)) if {
	lib.identity_allows(answer)
} else := lib.grant_fix_in(answer, "identity", identity_statement(q, missing)) if {
	lib.resource_allows(answer)
} else := null

fix(role, q, missing, answer) := identity_fix(role, q, missing) if {
	lib.account_of_arn(role) == q.account
} else := queue_fix(role, q, missing) if {
	lib.identity_allows(answer)
} else := identity_fix(role, q, missing) if {
	lib.resource_allows(answer)
} else := concat(". ", [identity_fix(role, q, missing), queue_fix(role, q, missing)])

# The connector's vendor profile steps that name SQ06 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.SQ06
