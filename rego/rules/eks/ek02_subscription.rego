# METADATA
# title: EKS audit log does not reach its Firehose stream
# description: >-
#   CloudWatch Logs forwards a log group's events to a Firehose stream only
#   through a subscription filter on the group, and puts them as the
#   filter's role: the role must trust the CloudWatch Logs service
#   principal (logs.<region>.amazonaws.com, or logs.amazonaws.com; AWS's
#   example conditions aws:SourceArn on arn:aws:logs:<region>:<account>:*)
#   and be allowed firehose:PutRecord on the stream. Broken when the
#   cluster's group /aws/eks/<cluster>/cluster has no filter to a Firehose
#   stream, the filter names no role, CloudWatch Logs may not assume it, or
#   the role may not put records into the stream. Each question is asked of
#   the authorization evaluator with the context CloudWatch Logs sends.
#   PutRecordBatch is not demanded: AWS's example grants PutRecord only.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
#   - ref: https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CreateFirehoseStreamDestination-Account.html
#   - ref: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-logs-subscriptionfilter.html
# custom:
#   id: EK02
#   severity: critical
#   area: eks
#   hops: [log-subscription]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - logs:DescribeLogGroups
#     - logs:DescribeSubscriptionFilters
#     - sts:AssumeRole
#   remediation: >-
#     Subscribe the group /aws/eks/<cluster>/cluster to the Firehose stream
#     with a role that trusts logs.<region>.amazonaws.com and may
#     firehose:PutRecord on the stream.
package trailgate.rules.ek02

import data.trailgate.lib
import data.trailgate.lib.eks

deny contains f if {
	some [p, h] in eks.broken_hops({"log-subscription"})
	some pr in eks.problems(h)
	c := eks.cluster(p.source.arn)
	loc := eks.located([filter_location(h), object.get(c, "location", null)])
	f := lib.with_fix(eks.with_location({
		"resource": lib.resource(h.resources[0].arn, h.resources[0].type, h.resources[0].account, h.resources[0].region),
		"message": eks.message(pr),
		"fact": sprintf("%s %s", [p.source.arn, pr]),
		"remediation": sprintf("Add an AWS::Logs::SubscriptionFilter on /aws/eks/%s/cluster with DestinationArn the Firehose stream and RoleArn a role trusting logs.%s.amazonaws.com that may firehose:PutRecord on it", [c.name, c.region]),
	}, loc), filter_fix(c, pr))
}

# filter_fix declares the missing subscription filter beside the cluster
# (the finding points at the cluster where no filter exists), as AWS's
# example writes it (SubscriptionFilters.html#FirehoseExample): every
# event of the group (an empty pattern) to the stream, put as a role
# CloudWatch Logs assumes. The stream is the account's one stream in the
# cluster's Region when there is exactly one, else a value to fill in;
# the role is always one (which role, with which grants, is the user's).
filter_fix(c, pr) := {"companion": {
	"suffix": "AuditLogSubscription",
	"type": "AWS::Logs::SubscriptionFilter",
	"properties": {
		"FilterName": sprintf("%s-audit-to-firehose", [c.name]),
		"LogGroupName": sprintf("/aws/eks/%s/cluster", [c.name]),
		"FilterPattern": "",
		"DestinationArn": the_stream(c),
		"RoleArn": sprintf("<a role that logs.%s.amazonaws.com may assume, allowed firehose:PutRecord on the stream>", [c.region]),
	},
}} if {
	contains(pr, " has no subscription filter ")
} else := null

the_stream(c) := streams[0] if {
	streams := [s.arn |
		some a in input.snapshot.accounts
		some s in object.get(a, "delivery_streams", [])
		s.region == c.region
		lib.account_of_arn(s.arn) == lib.account_of_arn(c.arn)
	]
	count(streams) == 1
} else := "<the Firehose stream's ARN>"

deny contains f if {
	some [p, h] in eks.broken_hops({"log-subscription"})
	some q in eks.denials(h)
	f := lib.with_fix(eks.with_location({
		"resource": lib.resource(h.resources[0].arn, h.resources[0].type, h.resources[0].account, h.resources[0].region),
		"message": eks.message(sprintf("the audit log of %s cannot reach its Firehose stream: %s", [p.source.arn, eks.denial_text(q)])),
		"fact": sprintf("%s %s %s", [q.id, q.principal, q.resource]),
		"remediation": remediation(q),
	}, eks.question_location(q)), question_fix(q))
}

remediation(q) := sprintf("Let %s assume the role: add to the trust policy of %s %s", [q.principal, q.resource, lib.statement_json(trust_statement(q))]) if {
	q.action == "sts:AssumeRole"
} else := sprintf("Add to the policy of %s: %s", [q.principal, lib.statement_json(put_statement(q))])

trust_statement(q) := {
	"Effect": "Allow", "Principal": {"Service": q.principal}, "Action": "sts:AssumeRole",
	"Condition": {"StringLike": {"aws:SourceArn": sprintf("arn:%s:logs:%s:%s:*", [lib.partition, split(q.context["aws:SourceArn"][0], ":")[3], q.context["aws:SourceAccount"][0]])}},
}

put_statement(q) := {"Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"], "Resource": q.resource}

# question_fix is the remediation's statement as data: in the role's trust
# policy, or its identity policy; only for an implicit deny (an Allow does
# not lift a Deny).
question_fix(q) := lib.grant_fix_in(q.answer, "trust", trust_statement(q)) if {
	q.action == "sts:AssumeRole"
} else := lib.grant_fix_in(q.answer, "identity", put_statement(q))

filter_location(h) := l if {
	l := object.get(eks.filter(h), "location", null)
} else := null
