package trailgate.rules.or01_test

import data.trailgate.rules.or01

role := "arn:aws:iam::222222222222:role/ExpelRole"

full := {"id": "p-FullAWSAccess", "type": "SERVICE_CONTROL_POLICY", "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}, "targets": ["r-a1b2", "ou-a1b2-sec", "111111111111", "222222222222"]}

snap(policies, reader_account) := {
	"connector": {"profile": "expel", "role": sprintf("arn:aws:iam::%s:role/ExpelRole", [reader_account]), "sources": ["cloudtrail"]},
	"snapshot": {
		"organization": {
			"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2",
			"organizational_units": [{"id": "ou-a1b2-sec", "parent_id": "r-a1b2"}],
			"members": [{"id": "111111111111", "parent_id": "r-a1b2"}, {"id": "222222222222", "parent_id": "ou-a1b2-sec"}],
			"enabled_policy_types": ["SERVICE_CONTROL_POLICY"],
			"policies": policies,
		},
		"accounts": [
			{"id": "111111111111", "trails": [{
				"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
				"s3_bucket_name": "org-logs", "is_organization_trail": true, "is_multi_region_trail": true, "include_global_service_events": true,
			}]},
			{
				"id": reader_account,
				"roles": [{"name": "ExpelRole", "arn": sprintf("arn:aws:iam::%s:role/ExpelRole", [reader_account]), "inline_policies": [{"name": "read", "document": {"Version": "2012-10-17", "Statement": [
					{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"]},
				]}}]}],
				"buckets": [{"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1"}],
			},
		],
	},
}

deny_get := {"id": "p-deny", "type": "SERVICE_CONTROL_POLICY", "targets": ["ou-a1b2-sec"], "document": {"document": {"Version": "2012-10-17", "Statement": [
	{"Sid": "DenyLogReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::org-logs/*"},
]}}}

facts(policies, reader_account) := {f.fact | some f in fs} if {
	fs := or01.deny with input as snap(policies, reader_account)
}

test_pass if {
	facts([full], "222222222222") == set()
}

test_fail_scp_deny if {
	facts([full, deny_get], "222222222222") == {"s3:GetObject arn:aws:s3:::org-logs"}
}

# s3:ListBucket is only recommended for expel's reader: an SCP without it
# breaks nothing (data.trailgate.reader_actions).
test_fail_level_without_allow if {
	partial := object.union(full, {"targets": ["r-a1b2", "111111111111", "222222222222"]})
	facts([partial], "222222222222") == {"s3:GetObject arn:aws:s3:::org-logs"}
}

# Near miss: SCPs do not apply to the management account.
test_near_miss_management_account if {
	deny_root := object.union(deny_get, {"targets": ["r-a1b2"]})
	facts([full, deny_root], "111111111111") == set()
}

# Near miss: a guardrail that exempts only AWSControlTowerExecution and
# protects trails, not objects.
test_near_miss_guardrail_on_other_actions if {
	guardrail := {"id": "p-ct", "type": "SERVICE_CONTROL_POLICY", "targets": ["ou-a1b2-sec"], "document": {"document": {"Version": "2012-10-17", "Statement": [{
		"Sid": "GRCLOUDTRAILENABLED", "Effect": "Deny",
		"Action": ["cloudtrail:DeleteTrail", "cloudtrail:StopLogging", "cloudtrail:UpdateTrail"],
		"Resource": "arn:aws:cloudtrail:*:*:trail/aws-controltower-*",
		"Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/AWSControlTowerExecution"}},
	}]}}}
	facts([full, guardrail], "222222222222") == set()
}

# Control Tower's GRAUDITBUCKETPOLICYCHANGESPROHIBITED on aws-controltower*
# buckets, exempting only AWSControlTowerExecution.
ct_lock := {"id": "p-ct-lock", "type": "SERVICE_CONTROL_POLICY", "targets": ["ou-a1b2-sec"], "document": {"document": {"Version": "2012-10-17", "Statement": [{
	"Sid": "GRAUDITBUCKETPOLICYCHANGESPROHIBITED", "Effect": "Deny", "Action": ["s3:PutBucketPolicy", "s3:DeleteBucketPolicy"], "Resource": ["arn:aws:s3:::aws-controltower*"],
	"Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::*:role/AWSControlTowerExecution"}},
}]}}}

# The reader in account 333333333333 needs the Log Archive bucket's policy
# to admit it; the bucket is aws-controltower-logs-… in 222222222222.
ct_snap(policies) := json.patch(snap(policies, "222222222222"), [
	{"op": "replace", "path": "/connector/role", "value": "arn:aws:iam::333333333333:role/Rapid7"},
	{"op": "replace", "path": "/connector/profile", "value": "rapid7"},
	{"op": "replace", "path": "/snapshot/accounts/0/trails/0/s3_bucket_name", "value": "aws-controltower-logs-222222222222"},
	{"op": "replace", "path": "/snapshot/accounts/1/buckets/0", "value": {"name": "aws-controltower-logs-222222222222", "arn": "arn:aws:s3:::aws-controltower-logs-222222222222", "region": "us-east-1"}},
	{"op": "add", "path": "/snapshot/organization/members/-", "value": {"id": "333333333333", "parent_id": "r-a1b2"}},
	{"op": "add", "path": "/snapshot/accounts/-", "value": {"id": "333333333333", "roles": [{"name": "Rapid7", "arn": "arn:aws:iam::333333333333:role/Rapid7", "inline_policies": [{"name": "read", "document": {"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
	]}}]}]}},
])

test_fail_controltower_bucket_policy_locked if {
	fs := or01.deny with input as ct_snap([object.union(full, {"targets": ["r-a1b2", "ou-a1b2-sec", "111111111111", "222222222222", "333333333333"]}), ct_lock])
	{f.fact | some f in fs} == {"bucket-policy-locked arn:aws:iam::333333333333:role/Rapid7 s3:GetObject", "bucket-policy-locked arn:aws:iam::333333333333:role/Rapid7 s3:ListBucket"}
	some f in fs
	contains(f.message, "GRAUDITBUCKETPOLICYCHANGESPROHIBITED")
	contains(f.remediation, "create a role in account 222222222222")
	not contains(f.remediation, "Add to the bucket policy")
}

# Near miss: without the guardrail the bucket policy can admit the reader;
# S305 reports the missing grant, OR01 nothing.
test_near_miss_bucket_policy_not_locked if {
	fs := or01.deny with input as ct_snap([object.union(full, {"targets": ["r-a1b2", "ou-a1b2-sec", "111111111111", "222222222222", "333333333333"]})])
	count(fs) == 0
}
