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
	contains(f.message, "expel step E9 demands it")
}

# One finding for one cause: the needed actions, with the recommended ones
# in the same remediation.
test_fail_nothing if {
	fs := findings(["s3:GetObject"], "222222222222", [sender])
	count(fs) == 1
	some f in fs
	f.fact == concat(" ", [role, "sqs:DeleteMessage,sqs:ReceiveMessage"])
	not f.severity
	contains(f.remediation, "sqs:GetQueueUrl")
}

# Receive and Delete are all a reader needs: the rest is a low
# recommendation that says what works differently.
test_recommended_only_is_low if {
	fs := findings(["sqs:ReceiveMessage", "sqs:DeleteMessage"], "222222222222", [sender])
	count(fs) == 1
	some f in fs
	f.severity == "low"
	f.fact == concat(" ", [role, "recommended sqs:ChangeMessageVisibility,sqs:GetQueueAttributes,sqs:GetQueueUrl"])
	contains(f.message, "must be given its URL")
}

# A reader given its queue URL never calls GetQueueUrl.
test_given_queue_url if {
	inp := json.patch(snap(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], "222222222222", [sender]), [{"op": "add", "path": "/connector/queue_url", "value": "https://sqs.us-east-1.amazonaws.com/222222222222/expel-cloudtrail"}])
	fs0 := sq06.deny with input as inp
	count(fs0) == 0
}

# skyformation step K4 lists DeleteMessageBatch, which DeleteMessage grants
# (batch actions cannot be granted on their own, SQS developer guide): not
# demanded separately.
test_skyformation_batch_not_demanded if {
	inp := json.patch(snap(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"], "222222222222", [sender]), [{"op": "replace", "path": "/connector/profile", "value": "skyformation"}])
	fs0 := sq06.deny with input as inp
	count(fs0) == 0
}

esm_role := "arn:aws:iam::222222222222:role/forwarder"

esm_input(actions) := json.patch(snap(["s3:GetObject"], "222222222222", [sender]), [
	{"op": "add", "path": "/snapshot/accounts/0/roles/-", "value": {"name": "forwarder", "arn": esm_role, "inline_policies": [{"name": "poll", "document": {
		"Version": "2012-10-17",
		"Statement": [{"Effect": "Allow", "Action": actions, "Resource": queue}],
	}}]}},
	{"op": "add", "path": "/snapshot/accounts/0/event_source_mappings", "value": [{"event_source_arn": queue, "function_arn": "arn:aws:lambda:us-east-1:222222222222:function:forwarder", "role_arn": esm_role, "enabled": true}]},
	{"op": "replace", "path": "/connector/profile", "value": "generic"},
])

# A Lambda event source mapping polls with the function's role, which needs
# GetQueueAttributes besides Receive and Delete; the connector's role is
# then not the queue's reader.
test_event_source_mapping_reader if {
	fs0 := sq06.deny with input as esm_input(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
	# Lambda never calls ChangeMessageVisibility or GetQueueUrl for it.
	count(fs0) == 0
	fs := sq06.deny with input as esm_input(["sqs:ReceiveMessage", "sqs:DeleteMessage"])
	count(fs) == 1
	some f in fs
	f.fact == concat(" ", [esm_role, "sqs:GetQueueAttributes"])
	contains(f.message, "event source mapping")
}

# queue_role names the queue's reader explicitly.
test_queue_role if {
	inp := json.patch(esm_input(["sqs:ReceiveMessage"]), [
		{"op": "add", "path": "/connector/queue_role", "value": role},
		{"op": "replace", "path": "/snapshot/accounts/0/roles/0/inline_policies/0/document/Statement/0/Action", "value": ["sqs:ReceiveMessage", "sqs:DeleteMessage"]},
	])
	fs := sq06.deny with input as inp
	count(fs) == 1
	some f in fs
	f.severity == "low"
	startswith(f.fact, role)
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
