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

# K2, InstanceProfile: EC2 assumes the role for the host (asked in Go,
# analyzer/datapath NewSteps); a role EC2 may not assume is reported, the
# instance profile holding it being there.
instance_profile := object.union(assume, {"authentication": "InstanceProfile"})

test_instance_profile_met if {
	results(snap, instance_profile) == set()
}

test_instance_profile_role_does_not_trust_ec2 if {
	s := json.patch(snap, [{"op": "remove", "path": "/accounts/0/roles/0/trust_policy/document/Statement/1"}])
	results(s, instance_profile) == {["ID01", "skyformation-K2:ec2.amazonaws.com sts:AssumeRole", ""]}
}

# K4: the Macie alert queue's actions, asked of the connector's principal
# when it reads macie.
macie_arn := "arn:aws:sqs:us-east-1:222222222222:macie-alerts"

sky_k4 := {"profile": "skyformation", "delivery": {"notification_format": "any"}, "steps": [{"id": "K4", "title": "queues", "rule": "SQ06", "require": {"actions": [
	{"action": "sqs:ReceiveMessage", "on": "macie_queue", "rule": "SQ06", "source": "macie"},
	{"action": "sqs:DeleteMessage", "on": "macie_queue", "rule": "SQ06", "source": "macie"},
]}}]}

k4_results(s, c) := {[rule, f.fact] |
	pf := datapath.profile_findings with input as {"snapshot": s, "connector": c} with data.trailgate.profiles as {"skyformation": sky_k4}
	some rule, fs in pf
	some f in fs
}

macie_snap(grant) := json.patch(snap, [
	{"op": "add", "path": "/accounts/0/queues", "value": [{"name": "macie-alerts", "arn": macie_arn, "region": "us-east-1"}]},
	{"op": "add", "path": "/accounts/0/users/0/inline_policies/-", "value": {"name": "macie", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": grant, "Resource": macie_arn}]}}},
])

test_k4_macie_queue_denied if {
	c := object.union(basic, {"macie_queue": macie_arn, "sources": ["macie"]})
	k4_results(macie_snap(["sqs:ReceiveMessage", "sqs:DeleteMessage"]), c) == set()
	k4_results(macie_snap(["sqs:ReceiveMessage"]), c) == {["SQ06", "skyformation-K4:macie_queue:sqs:DeleteMessage"]}
	# Not reading macie, the queue is no step's.
	k4_results(macie_snap(["sqs:ReceiveMessage"]), object.union(c, {"sources": ["cloudtrail"]})) == set()
}

# E1: each replica of the role (same name in another account) must let
# the vendor assume it with the external ID.
vendor := "arn:aws:iam::999999999999:role/ExpelAssumeRole"

replica_trust(ext) := {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": vendor}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": ext}}}]}}

e1_snap(ext) := {"schema_version": "1", "source": "fixture",
	"organization": {"id": "o-e1", "management_account_id": "222222222222", "root_id": "r-1", "members": [{"id": "222222222222", "parent_id": "r-1"}, {"id": "333333333333", "parent_id": "r-1"}]},
	"accounts": [
		{"id": "222222222222", "roles": [{"name": "ExpelTrustRole", "arn": "arn:aws:iam::222222222222:role/ExpelTrustRole", "trust_policy": replica_trust("ext-1")}]},
		{"id": "333333333333", "roles": [{"name": "ExpelTrustRole", "arn": "arn:aws:iam::333333333333:role/ExpelTrustRole", "trust_policy": replica_trust(ext)}]},
	],
}

e1_results(s) := {[rule, f.fact, object.get(f, "severity", "")] |
	c := {"profile": "expel", "role": "arn:aws:iam::222222222222:role/ExpelTrustRole", "trusted_principal": vendor, "external_id": "ext-1"}
	pf := datapath.profile_findings with input as {"snapshot": s, "connector": c}
		with data.trailgate.profiles as {"expel": {"profile": "expel", "steps": [{"id": "E1", "title": "replicated", "rule": "ID01", "require": {"role_replicated": true}}]}}
	some rule, fs in pf
	some f in fs
}

test_e1_replica_trust if {
	e1_results(e1_snap("ext-1")) == set()
	# Near miss: the replica trusts the vendor with another external ID.
	e1_results(e1_snap("ext-2")) == {["ID01", "expel-E1:replica_trust:333333333333", "medium"]}
}

# The rules judge the answers Go gives them (input.step_requests, as the
# engine passes input.path_index.steps): a denial is reported, an answer
# that cannot be proven is not.
given(decision) := {"K4": [{
	"kind": "macie_queue", "rule": "SQ06", "reader": user_arn, "action": "sqs:DeleteMessage", "resource": macie_arn, "context": {},
	"on": {"id": macie_arn, "type": "AWS::SQS::Queue", "account": "222222222222", "region": "us-east-1"},
	"answer": {"decision": decision, "proof": "no statement allows it", "statements": [], "kinds": []},
}]}

test_k4_reads_given_answers if {
	c := object.union(basic, {"macie_queue": macie_arn, "sources": ["macie"]})
	fs := {[rule, f.fact] |
		pf := datapath.profile_findings with input as {"snapshot": snap, "connector": c, "step_requests": given("ImplicitlyDenied")} with data.trailgate.profiles as {"skyformation": sky_k4}
		some rule, xs in pf
		some f in xs
	}
	fs == {["SQ06", "skyformation-K4:macie_queue:sqs:DeleteMessage"]}
	none := {f |
		pf := datapath.profile_findings with input as {"snapshot": snap, "connector": c, "step_requests": given("Unknown")} with data.trailgate.profiles as {"skyformation": sky_k4}
		some f in pf.SQ06
	}
	count(none) == 0
}
