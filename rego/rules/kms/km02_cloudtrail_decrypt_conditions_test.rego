package trailgate.rules.km02_test

import data.trailgate.rules.km01
import data.trailgate.rules.km02

role := "arn:aws:iam::222222222222:role/ExpelRole"

key_arn := "arn:aws:kms:us-east-1:111111111111:key/0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01"

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail"

decrypt(conditions) := {"Sid": "CrossAccountDecrypt", "Effect": "Allow", "Principal": {"AWS": role}, "Action": "kms:Decrypt", "Resource": "*", "Condition": conditions}

snap(statement) := {
	"connector": {"profile": "expel", "role": role, "sources": ["cloudtrail"]},
	"snapshot": {"accounts": [
		{
			"id": "111111111111",
			"trails": [{"name": "aws-controltower-BaselineCloudTrail", "arn": trail_arn, "home_region": "us-east-1", "s3_bucket_name": "logs", "kms_key_id": key_arn, "is_multi_region_trail": true, "include_global_service_events": true}],
			"keys": [{
				"key_id": "0b8e7f0c-5d1a-4d4e-9a36-2f4d7c1e9a01", "arn": key_arn, "region": "us-east-1", "key_state": "Enabled", "key_manager": "CUSTOMER",
				"policy": {"document": {"Version": "2012-10-17", "Statement": [statement]}},
			}],
		},
		{
			"id": "222222222222",
			"roles": [{"name": "ExpelRole", "arn": role, "inline_policies": [{"name": "d", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key_arn}]}}]}],
			"buckets": [{"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1"}],
		},
	]},
}

good := decrypt({"StringEquals": {"kms:CallerAccount": "222222222222"}, "StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"}})

test_pass if {
	count(km02.deny) == 0 with input as snap(good)
}

test_fail_caller_account_is_key_owner if {
	fs := km02.deny with input as snap(json.patch(good, [{"op": "replace", "path": "/Condition/StringEquals/kms:CallerAccount", "value": "111111111111"}]))
	count(fs) == 1
	some f in fs
	contains(f.message, "kms:CallerAccount is 111111111111, but arn:aws:iam::222222222222:role/ExpelRole calls from 222222222222")
	contains(f.remediation, `"kms:CallerAccount":"222222222222"`)

	# KM01 leaves this denial to KM02.
	count(km01.deny) == 0 with input as snap(json.patch(good, [{"op": "replace", "path": "/Condition/StringEquals/kms:CallerAccount", "value": "111111111111"}]))
}

test_fail_context_names_reader_trails if {
	fs := km02.deny with input as snap(json.patch(good, [{"op": "replace", "path": "/Condition/StringLike/kms:EncryptionContext:aws:cloudtrail:arn", "value": "arn:aws:cloudtrail:*:222222222222:trail/*"}]))
	some f in fs
	contains(f.message, "must match arn:aws:cloudtrail:*:222222222222:trail/*")
}

# Near miss: a statement that names no reader cannot be the reason; KM01
# reports the missing grant instead.
test_near_miss_other_principal if {
	other := object.union(json.patch(good, [{"op": "replace", "path": "/Condition/StringEquals/kms:CallerAccount", "value": "111111111111"}]), {"Principal": {"AWS": "arn:aws:iam::333333333333:role/Other"}})
	count(km02.deny) == 0 with input as snap(other)
	count(km01.deny) == 1 with input as snap(other)
}

# The fix sets the condition keys that cannot hold, under the statement's
# own operators and in their shape, at the statement's line.
located(statement) := object.union(snap(statement), {"snapshot": {"accounts": [object.union(snap(statement).snapshot.accounts[0], {"keys": [object.union(snap(statement).snapshot.accounts[0].keys[0], {"policy": {
	"document": {"Version": "2012-10-17", "Statement": [statement]},
	"statement_locations": [{"file": "key.yaml", "line": 12}],
}})]}), snap(statement).snapshot.accounts[1]]}})

test_fix_sets_the_wrong_keys if {
	bad := json.patch(good, [
		{"op": "replace", "path": "/Condition/StringEquals/kms:CallerAccount", "value": ["111111111111"]},
		{"op": "replace", "path": "/Condition/StringLike/kms:EncryptionContext:aws:cloudtrail:arn", "value": "arn:aws:cloudtrail:*:222222222222:trail/*"},
	])
	fs := km02.deny with input as located(bad)
	some f in fs
	f.location == {"file": "key.yaml", "line": 12}
	f.fix == {"set_at": {"Condition": {
		"StringEquals": {"kms:CallerAccount": ["222222222222"]},
		"StringLike": {"kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:111111111111:trail/*"},
	}}}
}

test_fix_equals_context_is_the_trail if {
	bad := decrypt({"StringEquals": {"kms:CallerAccount": "222222222222", "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:us-east-1:222222222222:trail/t"}})
	fs := km02.deny with input as located(bad)
	some f in fs
	f.fix.set_at.Condition == {"StringEquals": {"kms:EncryptionContext:aws:cloudtrail:arn": trail_arn}}
}

# A statement the input does not place gets no fix (prose only).
test_no_fix_without_statement_location if {
	fs := km02.deny with input as snap(json.patch(good, [{"op": "replace", "path": "/Condition/StringEquals/kms:CallerAccount", "value": "111111111111"}]))
	some f in fs
	not f.fix
}
