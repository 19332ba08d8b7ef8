# METADATA
# title: Connector role cannot consume its queue
# description: >-
#   A connector that reads an SQS queue needs sqs:ReceiveMessage,
#   sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes and
#   sqs:GetQueueUrl on it (SkyFormation, Sentinel and Splunk guides). Without
#   DeleteMessage the messages are received again and again and the oldest
#   message keeps aging; without ReceiveMessage nothing is read. Each action
#   is asked of the authorization evaluator for the connector's role on the
#   connector's queue (identity policy and, across accounts, queue policy).
#   Only implicit denials are reported; explicit ones are OR01/OR02 or a Deny
#   in the queue policy.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-api-permissions-reference.html
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
# custom:
#   id: SQ06
#   severity: critical
#   area: queue
#   hops: [reader]
#   reads:
#     - ec2:DescribeRegions
#     - iam:GetAccountAuthorizationDetails
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Allow the connector's role sqs:ReceiveMessage, sqs:DeleteMessage,
#     sqs:ChangeMessageVisibility, sqs:GetQueueAttributes and sqs:GetQueueUrl
#     on the queue (and, across accounts, in the queue policy too).
package trailgate.rules.sq06

import data.trailgate.lib
import data.trailgate.lib.datapath

consumer_actions := ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]

denied_actions(role, queue) := [a |
	some a in consumer_actions
	answer := lib.authz(role, a, queue, {})
	answer.decision == "ImplicitlyDenied"
	not lib.org_policy_blocks(answer)
]

deny contains f if {
	role := input.connector.role
	q := lib.queue_arn(input.connector.queue)
	missing := denied_actions(role, q.queue.arn)
	count(missing) > 0
	first := lib.authz(role, missing[0], q.queue.arn, {})
	f := lib.with_grant_location(
		{
			"resource": lib.resource(q.queue.arn, "AWS::SQS::Queue", q.account, q.queue.region),
			"message": sprintf("%s cannot %s on queue %s: %s", [role, concat(", ", missing), q.queue.arn, first.proof]),
			"fact": sprintf("%s %s", [role, concat(",", missing)]),
			"remediation": fix(role, q, missing, first),
		},
		q.queue, object.get(q.queue, "policy", {}), first, role, missing[0],
	)
}

identity_fix(role, q, missing) := sprintf("Add to an identity policy of %s: %s", [role, lib.statement_json({
	"Sid": "ConsumeLogNotifications",
	"Effect": "Allow",
	"Action": missing,
	"Resource": q.queue.arn,
})])

queue_fix(role, q, missing) := sprintf("Add to the queue policy of %s: %s", [q.queue.arn, lib.statement_json({
	"Sid": "AllowConnectorConsume",
	"Effect": "Allow",
	"Principal": {"AWS": role},
	"Action": missing,
	"Resource": q.queue.arn,
})])

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
