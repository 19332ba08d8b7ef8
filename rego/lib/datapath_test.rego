package trailgate.lib.datapath_test

import data.trailgate.lib
import data.trailgate.lib.datapath

role_arn := "arn:aws:iam::222222222222:role/ExpelRole"

queue_arn := "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail"

topic_arn := "arn:aws:sns:us-east-1:222222222222:expel-cloudtrail"

trail := {
	"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
	"s3_bucket_name": "cloudtrail-222222222222", "s3_key_prefix": "o-abc123def4",
	"is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": true,
}

role := {
	"name": "ExpelRole", "arn": role_arn,
	"trust_policy": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::012345678901:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "8d3c0c6e-example"}}}]}},
	"inline_policies": [{"name": "expel", "document": {"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"], "Resource": queue_arn},
		{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::cloudtrail-222222222222", "arn:aws:s3:::cloudtrail-222222222222/*"]},
	]}}],
}

snap := {
	"schema_version": "1", "source": "fixture",
	"organization": {"id": "o-abc123def4", "management_account_id": "111111111111", "root_id": "r-ab12", "members": [{"id": "111111111111", "parent_id": "r-ab12"}, {"id": "222222222222", "parent_id": "r-ab12"}]},
	"accounts": [
		{"id": "111111111111", "trails": [trail]},
		{
			"id": "222222222222",
			"roles": [role],
			"buckets": [{
				"name": "cloudtrail-222222222222", "arn": "arn:aws:s3:::cloudtrail-222222222222", "region": "us-east-1",
				"object_ownership": "BucketOwnerEnforced",
				"notification": {"topic_configurations": [{"arn": topic_arn, "events": ["s3:ObjectCreated:*"]}]},
			}],
			"topics": [{"name": "expel-cloudtrail", "arn": topic_arn, "region": "us-east-1", "subscriptions": [{"arn": concat("", [topic_arn, ":5e0c"]), "protocol": "sqs", "endpoint": queue_arn, "raw_message_delivery": true}]}],
			"queues": [{"name": "expel-cloudtrail", "arn": queue_arn, "region": "us-east-1", "visibility_timeout": 30, "message_retention_period": 604800}],
		},
	],
}

expel := {"profile": "expel", "delivery": {"notification_format": "s3-records"}, "steps": [
	{"id": "E1", "title": "role in Log Archive", "rule": "ID01", "require": {"role_account": "bucket", "external_id": true}},
	{"id": "E3", "title": "ownership", "rule": "S301", "require": {"object_ownership": ["BucketOwnerPreferred", "BucketOwnerEnforced"]}},
	{"id": "E5", "title": "queue", "rule": "SQ04", "require": {"queue_region": "bucket", "queue_type": "standard", "queue_attributes": {"visibility_timeout": 30, "message_retention_period": 604800, "delay_seconds": 0}}},
	{"id": "E7", "title": "optional key", "rule": "SQ02", "optional": true, "require": {"actions": [{"action": "kms:Decrypt", "on": "queue"}]}},
	{"id": "E8", "title": "events", "rule": "NT01", "require": {"notification_events": ["s3:ObjectCreated:*"]}},
	{"id": "E9", "title": "receive and read", "rule": "SQ06", "require": {"actions": [
		{"action": "sqs:ReceiveMessage", "on": "queue", "rule": "SQ06"},
		{"action": "s3:GetObject", "on": "objects", "rule": "S305"},
		{"action": "s3:ListBucket", "on": "bucket", "rule": "S305"},
	]}},
]}

conn := {"profile": "expel", "role": role_arn, "trusted_principal": "arn:aws:iam::012345678901:root", "external_id": "8d3c0c6e-example", "queue": queue_arn, "region": "us-east-1", "sources": ["cloudtrail"]}

results(s, c, profiles) := r if {
	pf := datapath.profile_findings with input as {"snapshot": s, "connector": c} with data.trailgate.profiles as profiles
	r := {[rule, f.fact] | some rule, fs in pf; some f in fs}
}

# Rules read the sources analyzer/datapath builds (here through the
# trailgate.sources built-in, as a test brings only a snapshot).
test_sources_control_tower_prefix if {
	srcs := lib.sources with input as {"snapshot": snap, "connector": null}
	some s in srcs
	s.key_prefix == "o-abc123def4/AWSLogs/o-abc123def4/"
	s.key_suffix == ".json.gz"
}

test_filter_admits if {
	src := {"key_prefix": "o-abc123def4/AWSLogs/o-abc123def4/", "key_suffix": ".json.gz"}
	datapath.filter_admits({"filter_prefix": "o-abc123def4/", "filter_suffix": ".gz"}, src)
	not datapath.filter_admits({"filter_prefix": "AWSLogs/"}, src)
	not datapath.filter_admits({"filter_suffix": ".jsonl.gz"}, src)
}

test_expel_profile_met if {
	results(snap, conn, {"expel": expel}) == set()
}

test_expel_role_outside_log_archive if {
	c := object.union(conn, {"role": "arn:aws:iam::333333333333:role/ExpelRole"})
	r := results(snap, c, {"expel": expel})
	["ID01", "expel-E1:role_account=222222222222"] in r
}

test_expel_no_external_id if {
	s := json.patch(snap, [{"op": "remove", "path": "/accounts/1/roles/0/trust_policy/document/Statement/0/Condition"}])
	results(s, conn, {"expel": expel}) == {["ID01", "expel-E1:external_id"]}
}

test_expel_object_writer if {
	s := json.patch(snap, [{"op": "remove", "path": "/accounts/1/buckets/0/object_ownership"}])
	results(s, conn, {"expel": expel}) == {["S301", "expel-E3:object_ownership"]}
}

test_expel_queue_retention_and_delay if {
	s := json.patch(snap, [
		{"op": "replace", "path": "/accounts/1/queues/0/message_retention_period", "value": 345600},
		{"op": "add", "path": "/accounts/1/queues/0/delay_seconds", "value": 5},
	])
	results(s, conn, {"expel": expel}) == {["SQ04", "expel-E5:message_retention_period=345600"], ["SQ04", "expel-E5:delay_seconds=5"]}
}

# Near miss: a longer visibility timeout than the guide's 30 s is fine.
test_expel_longer_visibility_is_fine if {
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/1/queues/0/visibility_timeout", "value": 300}])
	results(s, conn, {"expel": expel}) == set()
}

test_expel_put_only_events if {
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/1/buckets/0/notification/topic_configurations/0/events", "value": ["s3:ObjectCreated:Put"]}])
	results(s, conn, {"expel": expel}) == {["NT01", concat("", ["expel-E8:events:", topic_arn])]}
}

test_expel_cannot_receive if {
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/1/roles/0/inline_policies/0/document/Statement/0/Action", "value": ["sqs:DeleteMessage"]}])
	# SQ06 asks sqs:ReceiveMessage of the connector role whatever the
	# profile; the step does not repeat that finding.
	results(s, conn, {"expel": expel}) == set()
}

test_step_reports_actions_the_generic_rules_do_not_ask if {
	batch := {"profile": "expel", "delivery": {"notification_format": "s3-records"}, "steps": [{"id": "E9", "title": "receive", "rule": "SQ06", "require": {"actions": [{"action": "sqs:DeleteMessageBatch", "on": "queue", "rule": "SQ06"}]}}]}
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/1/roles/0/inline_policies/0/document/Statement/0/Action", "value": ["sqs:DeleteMessage"]}])
	results(s, conn, {"expel": batch}) == {["SQ06", concat("", ["expel-E9:sqs:DeleteMessageBatch:", queue_arn])]}
}

radiant := {"profile": "radiant", "delivery": {"notification_format": "cloudtrail-sns"}, "steps": [
	{"id": "R1", "title": "organization trail", "rule": "CT02", "require": {"organization_trail": true}},
	{"id": "R3", "title": "trail SNS", "rule": "CT05", "require": {"trail_sns": true}},
	{"id": "R6", "title": "role name", "rule": "ID01", "require": {"role_name": "radiant-aws-access-role", "trusted_principal": "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"}},
]}

test_radiant_role_name_principal_and_trail if {
	c := {"profile": "radiant", "role": role_arn, "trusted_principal": "arn:aws:iam::649384204969:root", "sources": ["cloudtrail"]}
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/0/trails/0/is_organization_trail", "value": false}])
	results(s, c, {"radiant": radiant}) == {
		["ID01", "radiant-R6:role_name"],
		["ID01", "radiant-R6:trusted_principal"],
		["CT02", "radiant-R1:organization_trail"],
		["CT05", "radiant-R3:trail_sns"],
	}
}

# Near miss: Radiant's assumed-role principal is what the guide asks for;
# it is not reported (the console's warning about it is wrong).
test_radiant_assumed_role_principal_accepted if {
	c := {"profile": "radiant", "role": "arn:aws:iam::222222222222:role/radiant-aws-access-role", "trusted_principal": "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security", "sources": ["cloudtrail"]}
	s := json.patch(snap, [{"op": "add", "path": "/accounts/0/trails/0/sns_topic_arn", "value": "arn:aws:sns:us-east-1:111111111111:org-trail"}])
	results(s, c, {"radiant": radiant}) == set()
}

skyformation := {"profile": "skyformation", "delivery": {"notification_format": "any"}, "steps": [
	{"id": "K3", "title": "read-only access per source", "rule": "S305", "require": {"actions": [
		{"action": "cloudtrail:LookupEvents", "on": "api", "source": "cloudtrail"},
		{"action": "guardduty:GetFindings", "on": "api", "source": "guardduty"},
	]}},
]}

# K3 judges the permissions, not the policy's name: the deprecated
# AWSCloudTrailReadOnlyAccess, its replacement AWSCloudTrail_ReadOnlyAccess
# and an inline grant of the same actions all satisfy it; GuardDuty is not
# judged for a connector that does not read it.
test_skyformation_read_only_by_permissions if {
	c := {"profile": "skyformation", "role": role_arn, "sources": ["cloudtrail"]}
	results(snap, c, {"skyformation": skyformation}) == {["S305", "skyformation-K3:cloudtrail:LookupEvents:*"]}
	every arn in ["arn:aws:iam::aws:policy/AWSCloudTrailReadOnlyAccess", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"] {
		s := json.patch(snap, [{"op": "add", "path": "/accounts/1/roles/0/attached_policy_arns", "value": [arn]}])
		results(s, c, {"skyformation": skyformation}) == set()
	}
	inline := json.patch(snap, [{"op": "add", "path": "/accounts/1/roles/0/inline_policies/0/document/Statement/-", "value": {"Effect": "Allow", "Action": "cloudtrail:LookupEvents", "Resource": "*"}}])
	results(inline, c, {"skyformation": skyformation}) == set()
}

rapid7 := {"profile": "rapid7", "delivery": {"notification_format": "none"}, "steps": [
	{"id": "P3", "title": "no deny", "rule": "S304", "require": {"no_deny": ["s3:GetObject"]}},
]}

test_rapid7_bucket_policy_deny if {
	deny := {"Version": "2012-10-17", "Statement": [{"Sid": "DenyOutsideVpce", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["arn:aws:s3:::cloudtrail-222222222222", "arn:aws:s3:::cloudtrail-222222222222/*"], "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}}]}
	s := json.patch(snap, [{"op": "add", "path": "/accounts/1/buckets/0/policy", "value": {"document": deny}}])
	c := {"profile": "rapid7", "role": role_arn, "sources": ["cloudtrail"]}
	# S304 reports the bucket policy's own deny; the step adds only denies
	# from elsewhere (an SCP here).
	results(s, c, {"rapid7": rapid7}) == set()
	results(snap, c, {"rapid7": rapid7}) == set()
	scp := {
		"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-1",
		"members": [{"id": "111111111111", "parent_id": "r-1"}, {"id": "222222222222", "parent_id": "r-1"}],
		"enabled_policy_types": ["SERVICE_CONTROL_POLICY"],
		"policies": [
			{"id": "p-full", "type": "SERVICE_CONTROL_POLICY", "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}, "targets": ["r-1"]},
			{"id": "p-deny", "type": "SERVICE_CONTROL_POLICY", "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}}, "targets": ["222222222222"]},
		],
	}
	results(json.patch(snap, [{"op": "add", "path": "/organization", "value": scp}]), c, {"rapid7": rapid7}) == {["S304", "rapid7-P3:deny:s3:GetObject"]}
}

rapid7_p1 := {"profile": "rapid7", "delivery": {"notification_format": "none"}, "steps": [
	{"id": "P1", "title": "bucket policy grant", "rule": "S305", "require": {"bucket_policy_grant": true}},
]}

test_rapid7_bucket_policy_must_name_role if {
	c := {"profile": "rapid7", "role": role_arn, "sources": ["cloudtrail"]}
	results(snap, c, {"rapid7": rapid7_p1}) == {["S305", "rapid7-P1:bucket_policy_grant"]}
	grant := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": role_arn}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::cloudtrail-222222222222", "arn:aws:s3:::cloudtrail-222222222222/*"]}]}
	s := json.patch(snap, [{"op": "add", "path": "/accounts/1/buckets/0/policy", "value": {"document": grant}}])
	results(s, c, {"rapid7": rapid7_p1}) == set()
}

# Near miss: a standalone account (no organization in the snapshot) cannot
# have an organization trail; R1 asks nothing of it.
test_radiant_standalone_account_needs_no_org_trail if {
	c := {"profile": "radiant", "role": "arn:aws:iam::222222222222:role/radiant-aws-access-role", "trusted_principal": "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security", "sources": ["cloudtrail"]}
	s := json.patch(snap, [
		{"op": "replace", "path": "/accounts/0/trails/0/is_organization_trail", "value": false},
		{"op": "add", "path": "/accounts/0/trails/0/sns_topic_arn", "value": "arn:aws:sns:us-east-1:111111111111:org-trail"},
		{"op": "remove", "path": "/organization"},
	])
	results(s, c, {"radiant": radiant}) == set()
}

# A path can start at the bucket: a vendor stack whose trail lives
# elsewhere is judged from its bucket's notification to the connector's
# queue onward (an implied source of the paths, with an unknown writer).
test_path_from_bucket_without_trail if {
	s := json.patch(snap, [{"op": "replace", "path": "/accounts/0/trails", "value": []}])
	ps := data.trailgate.lib.paths with input as {"snapshot": s, "connector": conn}
	{[p.source.bucket, p.source.writer, p.source.kind] | some p in ps; p.source.implied} == {["cloudtrail-222222222222", "", "cloudtrail"]}
	bs := data.trailgate.lib.log_buckets with input as {"snapshot": s, "connector": conn}
	bs == {"cloudtrail-222222222222"}
	# No writer is judged for it.
	ws := data.trailgate.lib.sources with input as {"snapshot": s, "connector": conn}
	count(ws) == 0
	rs := data.trailgate.lib.readers with input as {"snapshot": s, "connector": conn}
	{r.buckets | some r in rs} == {["cloudtrail-222222222222"]}
	# Without a reader of the queue there is no path to judge.
	none := data.trailgate.lib.log_buckets with input as {"snapshot": s, "connector": null}
	count(none) == 0
}

# An API action (Radiant's organizations: reads) is asked only of a
# connector role the input holds.
test_api_action_needs_role_in_input if {
	orgs := {"profile": "radiant", "delivery": {"notification_format": "cloudtrail-sns"}, "steps": [{"id": "R7", "title": "reads", "rule": "S305", "require": {"actions": [{"action": "organizations:ListPolicies", "on": "api", "severity": "medium"}]}}]}
	c := {"profile": "radiant", "role": role_arn, "sources": ["cloudtrail"]}
	results(snap, c, {"radiant": orgs}) == {["S305", "radiant-R7:organizations:ListPolicies:*"]}
	absent := object.union(c, {"role": "arn:aws:iam::222222222222:role/not-in-the-input"})
	results(snap, absent, {"radiant": orgs}) == set()
}

# rapid7 P1: an SSE-KMS bucket is read in the same-account setup only; the
# cross-account setup (the primary harvesting role, trusted_principal, in
# another account) is refused. P4: the storage region is the bucket's.
rapid7_p1_p4 := {"profile": "rapid7", "delivery": {"notification_format": "none"}, "steps": [
	{"id": "P1", "title": "read", "rule": "S305", "require": {"same_account_if_encrypted": true}},
	{"id": "P4", "title": "storage", "rule": "NT02", "require": {"storage_region": "bucket"}},
]}

kms_snap := json.patch(snap, [{"op": "add", "path": "/accounts/1/buckets/0/encryption", "value": {"sse_algorithm": "aws:kms", "kms_master_key_id": "arn:aws:kms:us-east-1:222222222222:key/k1"}}])

r7_p1_conn := {"profile": "rapid7", "role": role_arn, "region": "us-east-1", "sources": ["cloudtrail"]}

test_pass_rapid7_same_account_encrypted if {
	results(kms_snap, r7_p1_conn, {"rapid7": rapid7_p1_p4}) == set()
}

test_fail_rapid7_encrypted_cross_account if {
	c := object.union(r7_p1_conn, {"trusted_principal": "arn:aws:iam::012345678901:role/InsightCloudSecHarvester"})
	results(kms_snap, c, {"rapid7": rapid7_p1_p4}) == {["S305", "rapid7-P1:encrypted_cross_account"]}
}

test_near_miss_rapid7_unencrypted_cross_account if {
	c := object.union(r7_p1_conn, {"trusted_principal": "arn:aws:iam::012345678901:role/InsightCloudSecHarvester"})
	results(snap, c, {"rapid7": rapid7_p1_p4}) == set()
}

test_fail_rapid7_storage_region if {
	results(snap, object.union(r7_p1_conn, {"region": "eu-west-1"}), {"rapid7": rapid7_p1_p4}) == {["SQ03", "rapid7-P4:storage_region"]}
}

# managed_policy finds a managed policy by ARN in any account, from the
# index built once; an ARN no account holds is undefined.
test_managed_policy_by_arn if {
	snap := {"accounts": [
		{"id": "111111111111", "managed_policies": [{"arn": "arn:aws:iam::111111111111:policy/A", "document": {"Version": "2012-10-17", "Statement": []}}]},
		{"id": "222222222222"},
		{"id": "333333333333", "managed_policies": [{"arn": "arn:aws:iam::333333333333:policy/B", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]},
	]}
	mp := datapath.managed_policy("arn:aws:iam::333333333333:policy/B") with input.snapshot as snap
	mp.document.Statement[0].Action == "s3:GetObject"
	datapath.managed_policy("arn:aws:iam::111111111111:policy/A") with input.snapshot as snap
	not datapath.managed_policy("arn:aws:iam::222222222222:policy/C") with input.snapshot as snap
}

# A step's denied API actions on "*" are one statement for the role's
# identity policy, as data (findings.Fix), and their prose names no
# resource policy of "*" (there is none).
test_step_actions_fix_is_one_identity_statement if {
	c := {"profile": "skyformation", "role": role_arn, "sources": ["cloudtrail"]}
	pf := datapath.profile_findings with input as {"snapshot": snap, "connector": c} with data.trailgate.profiles as {"skyformation": skyformation}
	some f in pf.S305
	f.fix == {"policy": "identity", "add_statement": {"Sid": "SkyformationK3", "Effect": "Allow", "Action": ["cloudtrail:LookupEvents"], "Resource": "*"}}
	not contains(f.remediation, "resource policy")
}

# An explicitly denied action is no missing grant: no statement fixes it.
test_step_actions_fix_not_for_an_explicit_deny if {
	c := {"profile": "skyformation", "role": role_arn, "sources": ["cloudtrail"]}
	s := json.patch(snap, [{"op": "add", "path": "/accounts/1/roles/0/inline_policies/0/document/Statement/-", "value": {"Effect": "Deny", "Action": "cloudtrail:LookupEvents", "Resource": "*"}}])
	pf := datapath.profile_findings with input as {"snapshot": s, "connector": c} with data.trailgate.profiles as {"skyformation": skyformation}
	some f in pf.S305
	not f.fix
}

# A step's actions denied on several targets (radiant R7: both topics) are
# one identity statement for every action on every target; a target a
# resource policy must admit too (a bucket, whose ARN names no account)
# is said as a further change.
test_step_actions_fix_several_targets if {
	step := {"id": "X1", "title": "queue and bucket", "rule": "SQ06", "require": {"actions": [
		{"action": "sqs:SendMessage", "on": "queue"},
		{"action": "s3:GetBucketLocation", "on": "bucket"},
	]}}
	c := object.union(conn, {"profile": "custom"})
	pf := datapath.profile_findings with input as {"snapshot": snap, "connector": c} with data.trailgate.profiles as {"custom": {"profile": "custom", "steps": [step]}}
	some f in pf.SQ06
	f.fix.policy == "identity"
	f.fix.add_statement == {"Sid": "CustomX1", "Effect": "Allow", "Action": ["s3:GetBucketLocation", "sqs:SendMessage"], "Resource": ["arn:aws:s3:::cloudtrail-222222222222", queue_arn]}
	startswith(f.fix.also, "add to the resource policy of arn:aws:s3:::cloudtrail-222222222222: ")
	not contains(f.fix.also, queue_arn)
}

# Steps whose cause no edit of the declared resource fixes: the role in
# another account than the bucket, and an encrypted bucket read from
# another account, are outside fixes.
test_expel_role_outside_log_archive_outside_fix if {
	c := object.union(conn, {"role": "arn:aws:iam::333333333333:role/ExpelRole"})
	pf := datapath.profile_findings with input as {"snapshot": snap, "connector": c} with data.trailgate.profiles as {"expel": expel}
	some f in pf.ID01
	f.fact == "expel-E1:role_account=222222222222"
	contains(f.fix.outside, "a role cannot move to another account")
}

test_rapid7_encrypted_cross_account_outside_fix if {
	c := object.union(r7_p1_conn, {"trusted_principal": "arn:aws:iam::012345678901:role/InsightCloudSecHarvester"})
	pf := datapath.profile_findings with input as {"snapshot": kms_snap, "connector": c} with data.trailgate.profiles as {"rapid7": rapid7_p1_p4}
	some f in pf.S305
	contains(f.fix.outside, "chosen in the vendor's console")
}

# A FIFO queue where the guide wants a Standard one: the queue's name
# without .fifo, the removals and the replacement as a further change.
test_expel_fifo_queue_fix if {
	s := json.patch(snap, [
		{"op": "replace", "path": "/accounts/1/queues/0/name", "value": "expel-cloudtrail.fifo"},
		{"op": "add", "path": "/accounts/1/queues/0/fifo_queue", "value": true},
	])
	pf := datapath.profile_findings with input as {"snapshot": s, "connector": conn} with data.trailgate.profiles as {"expel": expel}
	some f in pf.SQ04
	f.fact == "expel-E5:queue_type"
	f.fix.set == {"QueueName": "expel-cloudtrail"}
	contains(f.fix.also, "remove the queue's FifoQueue")
}

# An API read carries the Region it is sent to (aws:RequestedRegion): a
# global service's (organizations: us-east-1), else the connector's. Under
# the common region-restriction SCP (Deny NotAction when the Region is not
# listed) a read in an allowed Region is not denied; a read in a Region
# the SCP leaves out is.
region_scp(regions) := {
	"id": "o-abc123def4", "management_account_id": "111111111111", "root_id": "r-ab12",
	"members": [{"id": "111111111111", "parent_id": "r-ab12"}, {"id": "222222222222", "parent_id": "r-ab12"}],
	"enabled_policy_types": ["SERVICE_CONTROL_POLICY"],
	"policies": [
		{"id": "p-full", "type": "SERVICE_CONTROL_POLICY", "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}, "targets": ["r-ab12", "111111111111", "222222222222"]},
		{"id": "p-region", "type": "SERVICE_CONTROL_POLICY", "document": {"document": {"Version": "2012-10-17", "Statement": [{
			"Sid": "DenyOutsideRegions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "support:*"], "Resource": "*",
			"Condition": {"StringNotEquals": {"aws:RequestedRegion": regions}},
		}]}}, "targets": ["r-ab12"]},
	],
}

test_api_reads_carry_the_requested_region if {
	reads := {"profile": "radiant", "delivery": {"notification_format": "cloudtrail-sns"}, "steps": [{"id": "R7", "title": "reads", "rule": "S305", "require": {"actions": [
		{"action": "organizations:ListPolicies", "on": "api"},
		{"action": "cloudtrail:LookupEvents", "on": "api", "source": "cloudtrail"},
	]}}]}
	grant := {"Effect": "Allow", "Action": ["organizations:ListPolicies", "cloudtrail:LookupEvents"], "Resource": "*"}
	c := {"profile": "radiant", "role": role_arn, "region": "eu-west-1", "sources": ["cloudtrail"]}
	s := json.patch(snap, [{"op": "add", "path": "/accounts/1/roles/0/inline_policies/0/document/Statement/-", "value": grant}])
	allowed := json.patch(s, [{"op": "replace", "path": "/organization", "value": region_scp(["us-east-1", "eu-west-1"])}])
	results(allowed, c, {"radiant": reads}) == set()
	# Near miss: the SCP lists only us-east-1; the connector reads
	# CloudTrail in eu-west-1, while Organizations is served from us-east-1.
	east := json.patch(s, [{"op": "replace", "path": "/organization", "value": region_scp(["us-east-1"])}])
	results(east, c, {"radiant": reads}) == {["S305", "radiant-R7:cloudtrail:LookupEvents:*"]}
}
