package trailgate.rules.sq06_test

import data.trailgate.rules.sq06

role := "arn:aws:iam::222222222222:role/ExpelRole"

queue := "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail"

all_actions := ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]

snap(actions, queue_account, queue_statements) := {
	"connector": {"profile": "expel", "role": role, "queue": sprintf("arn:aws:sqs:us-east-1:%s:expel-cloudtrail", [queue_account])},
	"snapshot": {"accounts": [
		{"id": "222222222222", "roles": [{"name": "ExpelRole", "arn": role, "inline_policies": [{"name": "consume", "document": {
			"Version": "2012-10-17",
			"Statement": [{"Effect": "Allow", "Action": actions, "Resource": "arn:aws:sqs:us-east-1:*:expel-cloudtrail"}],
		}}]}]},
		{"id": queue_account, "queues": [{
			"name": "expel-cloudtrail", "arn": sprintf("arn:aws:sqs:us-east-1:%s:expel-cloudtrail", [queue_account]), "region": "us-east-1",
			"visibility_timeout": 30, "message_retention_period": 604800,
			"policy": {"document": {"Version": "2012-10-17", "Statement": queue_statements}},
		}]},
	]},
}

sender := {"Sid": "Topic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*"}

findings(actions, queue_account, queue_statements) := fs if {
	fs := sq06.deny with input as snap(actions, queue_account, queue_statements)
}

test_pass if {
	count(findings(all_actions, "222222222222", [sender])) == 0
}

test_pass_wildcard if {
	count(findings(["sqs:*"], "222222222222", [sender])) == 0
}

test_fail_no_delete if {
	fs := findings(["sqs:ReceiveMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ChangeMessageVisibility"], "222222222222", [sender])
	count(fs) == 1
	some f in fs
	f.fact == concat(" ", [role, "sqs:DeleteMessage"])
	contains(f.remediation, `"Action":["sqs:DeleteMessage"]`)
}

test_fail_nothing if {
	fs := findings(["s3:GetObject"], "222222222222", [sender])
	some f in fs
	f.fact == concat(" ", [role, "sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:ReceiveMessage"])
}

test_fail_cross_account_without_queue_policy if {
	fs := findings(all_actions, "333333333333", [sender])
	count(fs) == 1
	some f in fs
	contains(f.remediation, "Add to the queue policy of arn:aws:sqs:us-east-1:333333333333:expel-cloudtrail")
	not contains(f.remediation, "identity policy")
}

# Near miss: across accounts, a queue policy naming the role's account
# delegates to the identity policy, which allows.
test_near_miss_cross_account_account_principal if {
	grant := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sqs:*", "Resource": "arn:aws:sqs:us-east-1:333333333333:expel-cloudtrail"}
	count(findings(all_actions, "333333333333", [sender, grant])) == 0
}

test_pass_no_connector_queue if {
	fs := sq06.deny with input as json.patch(snap(["s3:GetObject"], "222222222222", [sender]), [{"op": "remove", "path": "/connector/queue"}])
	count(fs) == 0
}
