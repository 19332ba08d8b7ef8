package trailgate.rules.s305_test

import data.trailgate.rules.or01_test
import data.trailgate.rules.s305

role := "arn:aws:iam::222222222222:role/ExpelRole"

read_policy := {"Version": "2012-10-17", "Statement": [
	{"Sid": "Get", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::org-logs/*"},
	{"Sid": "List", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::org-logs"},
]}

snap(identity, bucket_account, bucket_statements) := {
	"connector": {"profile": "expel", "role": role, "sources": ["cloudtrail"]},
	"snapshot": {"accounts": [
		{"id": "111111111111", "trails": [{
			"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
			"home_region": "us-east-1", "s3_bucket_name": "org-logs",
			"is_multi_region_trail": true, "include_global_service_events": true,
		}]},
		{"id": "222222222222", "roles": [{
			"name": "ExpelRole", "arn": role,
			"inline_policies": [{"name": "read", "document": identity}],
		}]},
		{"id": bucket_account, "buckets": [{
			"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1",
			"policy": {"document": {"Version": "2012-10-17", "Statement": bucket_statements}},
		}]},
	]},
}

facts(identity, bucket_account, bucket_statements) := {f.fact | some f in fs} if {
	fs := s305.deny with input as snap(identity, bucket_account, bucket_statements)
}

test_pass_same_account_identity_only if {
	facts(read_policy, "222222222222", []) == set()
}

# s3:ListBucket is only recommended (expel's guide does not demand it): a
# low finding saying a missing key answers 403 instead of 404.
test_recommended_no_list if {
	get_only := {"Version": "2012-10-17", "Statement": [read_policy.Statement[0]]}
	fs := s305.deny with input as snap(get_only, "222222222222", [])
	{[f.severity, f.fact] | some f in fs} == {["low", concat(" ", [role, "recommended s3:ListBucket"])]}
	some f in fs
	contains(f.message, "403 AccessDenied instead of 404 NoSuchKey")
}

# rapid7 step P1 demands s3:ListBucket: then it is critical, naming the step.
test_fail_no_list_when_guide_demands if {
	get_only := {"Version": "2012-10-17", "Statement": [read_policy.Statement[0]]}
	inp := json.patch(snap(get_only, "222222222222", []), [{"op": "replace", "path": "/connector/profile", "value": "rapid7"}])
	fs := s305.deny with input as inp
	some f in fs
	f.fact == concat(" ", [role, "s3:ListBucket"])
	not f.severity
	contains(f.message, "rapid7 step P1 demands it")
}

test_fail_no_get if {
	list_only := {"Version": "2012-10-17", "Statement": [read_policy.Statement[1]]}
	facts(list_only, "222222222222", []) == {concat(" ", [role, "s3:GetObject"])}
}

test_fail_resource_types_swapped if {
	swapped := {"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::org-logs"},
		{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::org-logs/*"},
	]}
	# One cause, one finding: the recommended ListBucket joins the remediation.
	facts(swapped, "222222222222", []) == {concat(" ", [role, "s3:GetObject"])}
}

writer := {
	"Sid": "AWSCloudTrailWrite", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:PutObject", "Resource": "arn:aws:s3:::org-logs/AWSLogs/*",
}

test_fail_cross_account_identity_only if {
	fs := s305.deny with input as snap(read_policy, "333333333333", [writer])
	count(fs) == 1
	some f in fs
	f.fact == concat(" ", [role, "s3:GetObject"])
	contains(f.message, "no statement in the bucket policy of org-logs allows s3:GetObject")
	contains(f.remediation, `"Principal":{"AWS":"arn:aws:iam::222222222222:role/ExpelRole"}`)
	contains(f.remediation, `"Action":["s3:GetObject","s3:ListBucket"]`)
}

test_pass_cross_account_both_sides if {
	grant := {
		"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": role},
		"Action": ["s3:GetObject", "s3:ListBucket"],
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
	}
	facts(read_policy, "333333333333", [grant]) == set()
}

test_fail_cross_account_bucket_only if {
	grant := {
		"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": role},
		"Action": ["s3:GetObject", "s3:ListBucket"],
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
	}
	facts({"Version": "2012-10-17", "Statement": []}, "333333333333", [grant]) == {concat(" ", [role, "s3:GetObject"])}
}

# Near miss: in the same account the bucket policy alone, naming the role,
# grants the read.
test_near_miss_same_account_bucket_policy_alone if {
	grant := {
		"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": role},
		"Action": ["s3:GetObject", "s3:ListBucket"],
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
	}
	facts({"Version": "2012-10-17", "Statement": []}, "222222222222", [grant]) == set()
}

# Explicit denies belong to S304/OR01, not here.
test_near_miss_explicit_deny_is_not_s305 if {
	deny := {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::org-logs/*"}
	facts(read_policy, "222222222222", [deny]) == set()
}

# Where Control Tower's guardrail forbids changing the bucket policy, the
# remediation must not advise the bucket-policy grant the SCP denies; it
# advises a role in the bucket's account (OR01 reports the SCP).
test_fail_locked_bucket_policy_advises_log_archive_role if {
	full := object.union(or01_test.full, {"targets": ["r-a1b2", "ou-a1b2-sec", "111111111111", "222222222222", "333333333333"]})
	doc := or01_test.ct_snap([full, or01_test.ct_lock])
	fs := s305.deny with input as doc
	# One finding: the rapid7 reader lacks GetObject and ListBucket (step P1).
	{f.fact | some f in fs} == {"arn:aws:iam::333333333333:role/Rapid7 s3:GetObject,s3:ListBucket"}
	every f in fs {
		contains(f.remediation, "create a role in account 222222222222")
		not contains(f.remediation, "Add to the bucket policy")
	}
}
