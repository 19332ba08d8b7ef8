package trailgate.rules.ek02_test

import data.trailgate.rules.ek02

cluster := "arn:aws:eks:us-east-1:111111111111:cluster/prod"

group := "arn:aws:logs:us-east-1:111111111111:log-group:/aws/eks/prod/cluster"

role := "arn:aws:iam::111111111111:role/CWLtoKinesisFirehoseRole"

stream := "arn:aws:firehose:us-east-1:111111111111:deliverystream/eks-audit-logs"

snap := {"accounts": [{
	"id": "111111111111",
	"eks_clusters": [{"name": "prod", "arn": cluster, "region": "us-east-1", "location": {"file": "t.yaml", "line": 3}}],
	"log_groups": [{"name": "/aws/eks/prod/cluster", "arn": group, "region": "us-east-1", "partial": true,
		"subscription_filters": [{"name": "audit", "destination_arn": stream, "role_arn": role, "location": {"file": "t.yaml", "line": 12}}]}],
	"roles": [{"name": "CWLtoKinesisFirehoseRole", "arn": role, "location": {"file": "t.yaml", "line": 20}}],
}]}

answer(decision) := {"decision": decision, "proof": "no statement allows it", "statements": [], "kinds": []}

hop(status, problems, put) := {"kind": "log-subscription", "status": status, "problems": problems,
	"resources": [{"arn": concat("", [group, ":subscription-filter:audit"]), "type": "AWS::Logs::SubscriptionFilter", "account": "111111111111", "region": "us-east-1"}],
	"questions": [
		{"id": "assume-role", "why": "CloudWatch Logs assumes the subscription filter's role", "principal": "logs.us-east-1.amazonaws.com", "action": "sts:AssumeRole", "resource": role,
			"context": {"aws:SourceArn": [concat("", [group, ":*"])], "aws:SourceAccount": ["111111111111"]}, "answer": answer("Allowed")},
		{"id": "put-record", "why": "CloudWatch Logs puts the log events into the Firehose stream", "principal": role, "action": "firehose:PutRecord", "resource": stream, "context": {}, "answer": answer(put)},
	],
}

input_of(h) := {"snapshot": snap, "connector": null, "paths": [{"id": "p", "source": {"kind": "eks", "arn": cluster, "account": "111111111111"}, "hops": [h]}]}

test_pass_subscription_works if {
	count(ek02.deny) == 0 with input as input_of(hop("ok", [], "Allowed"))
}

test_fail_put_record_denied if {
	fs := ek02.deny with input as input_of(hop("broken", [], "ImplicitlyDenied"))
	count(fs) == 1
	some f in fs
	f.location.line == 20
	contains(f.message, "may not firehose:PutRecord")
	contains(f.remediation, "firehose:PutRecord")
}

test_fail_no_filter if {
	h := {"kind": "log-subscription", "status": "broken", "problems": ["log group /aws/eks/prod/cluster has no subscription filter to a Firehose stream: the audit log never leaves CloudWatch Logs"],
		"resources": [{"arn": group, "type": "AWS::Logs::LogGroup", "account": "111111111111", "region": "us-east-1"}]}
	fs := ek02.deny with input as input_of(h)
	count(fs) == 1
	some f in fs
	f.resource.id == group
	f.location.line == 3
}

# A grant on a stream the template leaves unresolved: the evaluator cannot
# prove the answer, which is no break (the engine reports it unproven).
test_near_miss_unknown_answer if {
	unresolved := {"name": "put-records", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "firehose:PutRecord", "Resource": "<unknown:stream ARN of a parameter>"}]}}
	r := object.union(snap.accounts[0].roles[0], {"inline_policies": [unresolved]})
	s := {"accounts": [object.union(snap.accounts[0], {"roles": [r]})]}
	doc := object.union(input_of(hop("unknown", [], "Unknown")), {"snapshot": s})
	count(ek02.deny) == 0 with input as doc
}

# The missing grant is the fix, as data: the statement the role's identity
# policy lacks.
test_fail_put_record_fix if {
	fs := ek02.deny with input as input_of(hop("broken", [], "ImplicitlyDenied"))
	some f in fs
	f.fix == {"policy": "identity", "add_statement": {"Effect": "Allow", "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"], "Resource": stream}}
}

# A Deny is not lifted by an Allow: no statement fix.
test_fail_put_record_explicit_deny_no_fix if {
	fs := ek02.deny with input as input_of(hop("broken", [], "ExplicitlyDenied"))
	count(fs) == 1
	some f in fs
	not f.fix
}

no_filter_hop := {"kind": "log-subscription", "status": "broken", "problems": ["log group /aws/eks/prod/cluster has no subscription filter to a Firehose stream: the audit log never leaves CloudWatch Logs"],
	"resources": [{"arn": group, "type": "AWS::Logs::LogGroup", "account": "111111111111", "region": "us-east-1"}]}

# The missing filter is declared beside the cluster, to the account's one
# stream of the Region; the role is the user's to name.
test_fail_no_filter_declares_it if {
	s := json.patch(snap, [{"op": "add", "path": "/accounts/0/delivery_streams", "value": [{"name": "eks-audit-logs", "arn": stream, "region": "us-east-1"}]}])
	fs := ek02.deny with input as object.union(input_of(no_filter_hop), {"snapshot": s})
	some f in fs
	f.fix.companion.type == "AWS::Logs::SubscriptionFilter"
	f.fix.companion.properties.LogGroupName == "/aws/eks/prod/cluster"
	f.fix.companion.properties.DestinationArn == stream
	f.fix.companion.properties.FilterPattern == ""
	startswith(f.fix.companion.properties.RoleArn, "<a role that logs.us-east-1.amazonaws.com may assume")
}

# Near miss: no stream (or several) in the cluster's Region: which one is
# a value to fill in.
test_fail_no_filter_stream_unknown if {
	fs := ek02.deny with input as input_of(no_filter_hop)
	some f in fs
	f.fix.companion.properties.DestinationArn == "<the Firehose stream's ARN>"
}
