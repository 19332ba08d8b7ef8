package trailgate.lib.guide_steps_test

import data.trailgate.lib.datapath

user_arn := "arn:aws:iam::222222222222:user/skyformation-connector"

role_arn := "arn:aws:iam::222222222222:role/skyformation-connector"

trail := {
	"name": "management-events", "arn": "arn:aws:cloudtrail:us-east-1:222222222222:trail/management-events", "home_region": "us-east-1",
	"s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true,
}

user := {"name": "skyformation-connector", "arn": user_arn, "access_keys": [{"id": "AKIAEXAMPLE000000001", "status": "Active"}],
	"inline_policies": [{"name": "assume", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}]}}]}

role := {"name": "skyformation-connector", "arn": role_arn, "trust_policy": {"document": {"Version": "2012-10-17", "Statement": [
	{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"},
	{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
]}}}

snap := {"schema_version": "1", "source": "fixture", "accounts": [{
	"id": "222222222222", "trails": [trail], "users": [user], "roles": [role],
	"instance_profiles": [{"name": "host", "arn": "arn:aws:iam::222222222222:instance-profile/host", "role_arns": [role_arn]}],
	"buckets": [{"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1"}],
}]}

sky := {"profile": "skyformation", "delivery": {"notification_format": "any", "api_sources": ["cloudtrail"]}, "steps": [
	{"id": "K1", "title": "region", "rule": "SQ03", "require": {"connector_region": "bucket"}},
	{"id": "K2", "title": "authentication", "rule": "ID01", "require": {"authentication": true}},
]}

results(s, c) := {[rule, f.fact, object.get(f, "severity", "")] |
	pf := datapath.profile_findings with input as {"snapshot": s, "connector": c} with data.trailgate.profiles as {"skyformation": sky}
	some rule, fs in pf
	some f in fs
}

basic := {"profile": "skyformation", "role": user_arn, "region": "us-east-1", "sources": ["cloudtrail"]}

test_basic_met if {
	results(snap, basic) == set()
}

test_basic_inferred_from_a_user_arn if {
	datapath.auth_method == "Basic" with input as {"snapshot": snap, "connector": basic}
	datapath.auth_method == "STSAssumeRole" with input as {"snapshot": snap, "connector": object.union(basic, {"role": role_arn})}
}

test_basic_inactive_key if {
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/0/users/0/access_keys/0/status", "value": "Inactive"}])
	results(s, basic) == {["ID01", "skyformation-K2:active_access_key", ""]}
}

# IaC lists only the keys it declares: a user without one is no proof.
test_iac_user_without_declared_key_is_not_judged if {
	s := json.patch(snap, [
		{"op": "replace", "path": "/source", "value": "cloudformation"},
		{"op": "remove", "path": "/accounts/0/users/0/access_keys"},
	])
	results(s, basic) == set()
}

test_k1_bucket_in_another_region_without_queue if {
	results(snap, object.union(basic, {"region": "eu-west-1"})) == {["SQ03", "skyformation-K1:connector_region=eu-west-1", "high"]}
}

# With a queue, NT04 and SQ03 judge the Regions; K1 says nothing more.
test_k1_with_a_queue_is_sq03s if {
	results(snap, object.union(basic, {"region": "eu-west-1", "queue": "arn:aws:sqs:eu-west-1:222222222222:q"})) == set()
}

assume := {"profile": "skyformation", "role": role_arn, "authentication": "STSAssumeRole", "trusted_principal": user_arn, "region": "us-east-1", "sources": ["cloudtrail"]}

test_assume_met if {
	results(snap, assume) == set()
}

test_assume_user_lacks_grant if {
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/0/users/0/inline_policies/0/document/Statement/0/Resource", "value": "arn:aws:iam::222222222222:role/other"}])
	results(s, assume) == {["ID01", concat("", ["skyformation-K2:", user_arn, " sts:AssumeRole"]), ""]}
}

# Expel E5 (256 KB) and E7 (customer managed key).
queue_arn := "arn:aws:sqs:us-east-1:222222222222:expel"

expel_steps := {"profile": "expel", "delivery": {"notification_format": "s3-records"}, "steps": [
	{"id": "E5", "title": "queue", "rule": "SQ04", "require": {"queue_maximum_message_size": 262144}},
	{"id": "E7", "title": "key", "rule": "SQ02", "require": {"cmk_encrypted": true}},
]}

expel_snap(queue) := {"schema_version": "1", "source": "fixture", "accounts": [{
	"id": "222222222222",
	"keys": [{"arn": "arn:aws:kms:us-east-1:222222222222:key/k", "key_id": "k", "region": "us-east-1", "key_manager": "CUSTOMER", "key_state": "Enabled"}],
	"queues": [object.union({"name": "expel", "arn": queue_arn, "region": "us-east-1"}, queue)],
}]}

expel_results(queue) := {[rule, f.fact, object.get(f, "severity", "")] |
	pf := datapath.profile_findings with input as {"snapshot": expel_snap(queue), "connector": {"profile": "expel", "role": "arn:aws:iam::222222222222:role/ExpelRole", "queue": queue_arn}}
		with data.trailgate.profiles as {"expel": expel_steps}
	some rule, fs in pf
	some f in fs
}

test_expel_queue_met if {
	expel_results({"maximum_message_size": 262144, "kms_master_key_id": "arn:aws:kms:us-east-1:222222222222:key/k"}) == set()
}

# Unset, the size is SQS's default, which is at least 256 KB.
test_expel_size_unset_is_default if {
	expel_results({"kms_master_key_id": "arn:aws:kms:us-east-1:222222222222:key/k"}) == set()
}

test_expel_size_too_small if {
	expel_results({"maximum_message_size": 65536, "kms_master_key_id": "arn:aws:kms:us-east-1:222222222222:key/k"}) == {["SQ04", "expel-E5:maximum_message_size=65536", "medium"]}
}

test_expel_queue_sse_sqs_is_not_a_cmk if {
	expel_results({"sqs_managed_sse_enabled": true}) == {["SQ02", "expel-E7:queue_cmk", "medium"]}
}

test_expel_queue_aws_managed_key_is_not_a_cmk if {
	expel_results({"kms_master_key_id": "alias/aws/sqs"}) == {["SQ02", "expel-E7:queue_cmk", "medium"]}
}

# E7's fix names the key to fill in (never an exact edit with a made-up
# key) and turns SSE-SQS off beside it: a queue holds one server-side
# encryption option (AWS::SQS::Queue SqsManagedSseEnabled).
expel_fixes(queue) := {f.fix |
	pf := datapath.profile_findings with input as {"snapshot": expel_snap(queue), "connector": {"profile": "expel", "role": "arn:aws:iam::222222222222:role/ExpelRole", "queue": queue_arn}}
		with data.trailgate.profiles as {"expel": expel_steps}
	some f in pf.SQ02
}

test_expel_cmk_fix_turns_sse_sqs_off if {
	some fx in expel_fixes({"sqs_managed_sse_enabled": true})
	fx.set.SqsManagedSseEnabled == false
	startswith(fx.set.KmsMasterKeyId, "<")
	contains(fx.also, "sns.amazonaws.com")
}

test_expel_cmk_fix_keeps_other_properties if {
	some fx in expel_fixes({"kms_master_key_id": "alias/aws/sqs"})
	object.keys(fx.set) == {"KmsMasterKeyId"}
}
