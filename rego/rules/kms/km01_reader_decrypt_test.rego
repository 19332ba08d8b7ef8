package trailgate.rules.km01_test

import data.trailgate.rules.km01

role := "arn:aws:iam::222222222222:role/ExpelRole"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01"

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"

root_admin := {"Sid": "EnableIAM", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "kms:*", "Resource": "*"}

decrypt_for_role := {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*"}

identity_decrypt := {"Sid": "Decrypt", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn}

snap(key_statements, identity_statements) := {
	"connector": {"profile": "expel", "role": role, "sources": ["cloudtrail"]},
	"snapshot": {"accounts": [
		{
			"id": "111111111111",
			"trails": [{
				"name": "org-trail", "arn": trail_arn, "home_region": "us-east-1", "s3_bucket_name": "org-logs",
				"kms_key_id": key_arn, "is_multi_region_trail": true, "include_global_service_events": true,
			}],
			"keys": [{
				"key_id": "0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01", "arn": key_arn, "region": "us-east-1",
				"key_state": "Enabled", "key_manager": "CUSTOMER",
				"policy": {"document": {"Version": "2012-10-17", "Statement": key_statements}},
			}],
		},
		{
			"id": "222222222222",
			"roles": [{"name": "ExpelRole", "arn": role, "inline_policies": [{"name": "read", "document": {"Version": "2012-10-17", "Statement": identity_statements}}]}],
			"buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1"}],
		},
	]},
}

facts(key_statements, identity_statements) := {f.fact | some f in fs} if {
	fs := km01.deny with input as snap(key_statements, identity_statements)
}

test_pass_both_sides if {
	facts([root_admin, decrypt_for_role], [identity_decrypt]) == set()
}

test_fail_key_policy_silent if {
	fs := km01.deny with input as snap([root_admin], [identity_decrypt])
	count(fs) == 1
	some f in fs
	f.fact == concat(" ", [role, "kms:Decrypt"])
	f.resource.id == key_arn
	contains(f.message, "the cloudtrail log-file key of arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail")
	contains(f.remediation, `"Principal":{"AWS":"arn:aws:iam::222222222222:role/ExpelRole"}`)
}

test_fail_identity_silent_cross_account if {
	facts([root_admin, decrypt_for_role], []) == {concat(" ", [role, "kms:Decrypt"])}
}

# The key policy allows, the reader's identity policy does not: the fix
# as data is the identity statement, for the reader's policy.
test_fail_identity_silent_fix_is_identity_statement if {
	fs := km01.deny with input as snap([root_admin, decrypt_for_role], [])
	count(fs) == 1
	some f in fs
	f.fix == {"policy": "identity", "add_statement": {"Sid": "DecryptSecurityLogs", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn}}
}

# The key policy is silent: the fix is the key policy's statement.
test_fail_key_policy_silent_fix_is_key_statement if {
	fs := km01.deny with input as snap([root_admin], [identity_decrypt])
	some f in fs
	f.fix.policy == "resource"
	f.fix.add_statement.Principal == {"AWS": role}
}

test_pass_key_policy_delegates_to_reader_account if {
	delegate := {"Sid": "Acct", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:Decrypt", "Resource": "*"}
	facts([root_admin, delegate], [identity_decrypt]) == set()
}

# The Radiant "cross account" sample repeats its own account: the decrypt
# arrives with kms:CallerAccount = the reader's account. KM02 names that
# condition; KM01 stays silent so the denial is reported once.
test_near_miss_caller_account_pinned_is_km02 if {
	pinned := object.union(decrypt_for_role, {"Condition": {"StringEquals": {"kms:CallerAccount": "111111111111"}}})
	facts([root_admin, pinned], [identity_decrypt]) == set()
}

# Near miss: an encryption-context condition on the organization's trails
# matches the trail that wrote the file.
test_near_miss_encryption_context_matches_trail if {
	ctx := object.union(decrypt_for_role, {"Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}}})
	facts([root_admin, ctx], [identity_decrypt]) == set()
}

test_near_miss_encryption_context_of_other_account_is_km02 if {
	ctx := object.union(decrypt_for_role, {"Condition": {"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:222222222222:trail/*"}}})
	facts([root_admin, ctx], [identity_decrypt]) == set()
}

# A condition KM02 does not diagnose (kms:ViaService of another service)
# leaves the denial to KM01.
test_fail_other_condition if {
	via := object.union(decrypt_for_role, {"Condition": {"StringEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}}})
	facts([root_admin, via], [identity_decrypt]) == {concat(" ", [role, "kms:Decrypt"])}
}

test_pass_unencrypted_trail if {
	fs := km01.deny with input as json.patch(snap([], []), [{"op": "remove", "path": "/snapshot/accounts/0/trails/0/kms_key_id"}])
	count(fs) == 0
}

test_fail_queue_key if {
	qkey := "arn:aws:kms:us-east-1:222222222222:key/5f0e1c2d-0000-4000-8000-000000000002"
	queue := "arn:aws:sqs:us-east-1:222222222222:vendor-cloudtrail"
	base := snap([root_admin, decrypt_for_role], [identity_decrypt])
	doc := json.patch(base, [
		{"op": "add", "path": "/connector/queue", "value": queue},
		{"op": "add", "path": "/snapshot/accounts/1/queues", "value": [{"name": "vendor-cloudtrail", "arn": queue, "region": "us-east-1", "kms_master_key_id": qkey, "visibility_timeout": 30, "message_retention_period": 604800}]},
		{"op": "add", "path": "/snapshot/accounts/1/keys", "value": [{"key_id": "5f0e1c2d-0000-4000-8000-000000000002", "arn": qkey, "region": "us-east-1", "key_state": "Enabled", "key_manager": "CUSTOMER", "policy": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*", "Resource": "*"}]}}}]},
	])
	fs := km01.deny with input as doc
	count(fs) == 1
	some f in fs
	f.resource.id == qkey
}
