package trailgate.rules.ct03_test

import data.trailgate.rules.ct03

trail_arn := "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail"

trail := {
	"name": "org-trail",
	"arn": trail_arn,
	"home_region": "us-east-1",
	"s3_bucket_name": "org-logs",
	"is_multi_region_trail": true,
	"include_global_service_events": true,
	"is_organization_trail": true,
	"status": {"is_logging": true},
}

acl_stmt := {
	"Sid": "AWSCloudTrailAclCheck",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:GetBucketAcl",
	"Resource": "arn:aws:s3:::org-logs",
	"Condition": {"StringEquals": {"aws:SourceArn": trail_arn}},
}

write_stmt := {
	"Sid": "AWSCloudTrailWrite",
	"Effect": "Allow",
	"Principal": {"Service": "cloudtrail.amazonaws.com"},
	"Action": "s3:PutObject",
	"Resource": ["arn:aws:s3:::org-logs/AWSLogs/111111111111/*", "arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/*"],
	"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail_arn}},
}

snap(statements, t) := {"snapshot": {
	"organization": {
		"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2",
		"members": [
			{"id": "111111111111", "parent_id": "r-a1b2"},
			{"id": "222222222222", "parent_id": "r-a1b2"},
		],
	},
	"accounts": [
		{"id": "111111111111", "trails": [t]},
		{"id": "222222222222", "buckets": [{
			"name": "org-logs", "arn": "arn:aws:s3:::org-logs", "region": "us-east-1",
			"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
		}]},
	],
}}

facts(statements, t) := {f.fact | some f in fs} if {
	fs := ct03.deny with input as snap(statements, t)
}

test_pass if {
	facts([acl_stmt, write_stmt], trail) == set()
}

test_fail_no_acl_check if {
	facts([write_stmt], trail) == {concat(" ", [trail_arn, "s3:GetBucketAcl"])}
}

test_fail_management_path_missing if {
	only_org := object.union(write_stmt, {"Resource": "arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/*"})
	facts([acl_stmt, only_org], trail) == {concat(" ", [trail_arn, "s3:PutObject AWSLogs/111111111111/"])}
}

test_fail_org_path_missing if {
	only_mgmt := object.union(write_stmt, {"Resource": "arn:aws:s3:::org-logs/AWSLogs/111111111111/*"})
	facts([acl_stmt, only_mgmt], trail) == {concat(" ", [trail_arn, "s3:PutObject AWSLogs/o-a1b2c3d4e5/"])}
}

test_fail_acl_condition_other_value if {
	wrong := object.union(write_stmt, {"Condition": {"StringEquals": {"s3:x-amz-acl": "private", "aws:SourceArn": trail_arn}}})
	facts([acl_stmt, wrong], trail) == {concat(" ", [trail_arn, "s3:PutObject AWSLogs/111111111111/"])}
}

test_fail_source_arn_other_trail if {
	other := "arn:aws:cloudtrail:us-east-1:111111111111:trail/old-trail"
	wrong := object.union(write_stmt, {"Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": other}}})
	fs := ct03.deny with input as snap([acl_stmt, wrong], trail)
	count(fs) == 1
	some f in fs
	contains(f.message, "aws:SourceArn condition names arn:aws:cloudtrail:us-east-1:111111111111:trail/old-trail")
	contains(f.remediation, trail_arn)
}

test_fail_explicit_deny if {
	deny_all := {"Sid": "DenyAll", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::org-logs/*"}
	facts([acl_stmt, write_stmt, deny_all], trail) == {concat(" ", [trail_arn, "s3:PutObject AWSLogs/111111111111/"])}
}

# One finding per cause: a policy whose only write grant names another
# prefix denies the trail owner's path and the organization path alike,
# reported once, naming both.
test_fail_both_paths_one_cause if {
	wrong := object.union(write_stmt, {"Resource": "arn:aws:s3:::org-logs/logs/*"})
	fs := ct03.deny with input as snap([acl_stmt, wrong], trail)
	{f.fact | some f in fs} == {concat(" ", [trail_arn, "s3:PutObject AWSLogs/111111111111/"])}
	some f in fs
	contains(f.message, "arn:aws:s3:::org-logs/AWSLogs/111111111111/*")
	contains(f.message, "arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/")
	contains(f.message, "2 of 2 member accounts")
}

# Distinct causes stay distinct findings: a Deny naming only the trail
# owner's path, and no grant for the organization path.
test_fail_both_paths_distinct_causes if {
	only_mgmt := object.union(write_stmt, {"Resource": "arn:aws:s3:::org-logs/AWSLogs/111111111111/*"})
	deny_mgmt := {"Sid": "DenyMgmt", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::org-logs/AWSLogs/111111111111/*"}
	facts([acl_stmt, only_mgmt, deny_mgmt], trail) == {
		concat(" ", [trail_arn, "s3:PutObject AWSLogs/111111111111/"]),
		concat(" ", [trail_arn, "s3:PutObject AWSLogs/o-a1b2c3d4e5/"]),
	}
}

test_fail_latest_delivery_error if {
	t := object.union(trail, {"status": {"is_logging": true, "latest_delivery_error": "AccessDenied"}})
	facts([acl_stmt, write_stmt], t) == {"latest_delivery_error"}
}

# Near miss: a PutObject grant without the x-amz-acl condition still lets
# CloudTrail write.
test_near_miss_no_acl_condition_still_writes if {
	loose := object.union(object.remove(write_stmt, ["Condition"]), {"Condition": {"StringEquals": {"aws:SourceArn": trail_arn}}})
	facts([acl_stmt, loose], trail) == set()
}

# Near miss: a deny for non-TLS requests does not apply to CloudTrail,
# which writes over TLS.
test_near_miss_deny_insecure_transport if {
	tls := {
		"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
		"Resource": ["arn:aws:s3:::org-logs", "arn:aws:s3:::org-logs/*"],
		"Condition": {"Bool": {"aws:SecureTransport": "false"}},
	}
	facts([acl_stmt, write_stmt, tls], trail) == set()
}

test_pass_single_account_trail_with_prefix if {
	t := object.union(trail, {"is_organization_trail": false, "s3_key_prefix": "ct"})
	w := object.union(write_stmt, {"Resource": "arn:aws:s3:::org-logs/ct/AWSLogs/111111111111/*"})
	facts([acl_stmt, w], t) == set()
}

test_fail_prefix_ignored if {
	t := object.union(trail, {"is_organization_trail": false, "s3_key_prefix": "ct"})
	facts([acl_stmt, write_stmt], t) == {concat(" ", [trail_arn, "s3:PutObject ct/AWSLogs/111111111111/"])}
}

# Where CT03 points: the statement that grants CloudTrail s3:PutObject under
# the wrong path (the statement to edit), else the bucket policy document
# when no statement is meant for the write.
placed(statements) := json.patch(snap(statements, trail), [
	{"op": "add", "path": "/snapshot/accounts/1/buckets/0/location", "value": {"file": "t.yaml", "line": 37}},
	{"op": "add", "path": "/snapshot/accounts/1/buckets/0/policy/location", "value": {"file": "t.yaml", "line": 59}},
	{"op": "add", "path": "/snapshot/accounts/1/buckets/0/policy/statement_locations", "value": [{"file": "t.yaml", "line": 62 + (8 * i)} | some i, _ in statements]},
])

write_locations(statements) := {f.location |
	some f in ct03.deny with input as placed(statements)
	contains(f.fact, "s3:PutObject")
}

test_write_to_wrong_path_points_at_write_statement if {
	wrong := object.union(write_stmt, {"Resource": "arn:aws:s3:::org-logs/o-a1b2c3d4e5/AWSLogs/o-a1b2c3d4e5/*"})
	write_locations([acl_stmt, wrong]) == {{"file": "t.yaml", "line": 70}}
}

test_missing_write_statement_points_at_policy if {
	write_locations([acl_stmt]) == {{"file": "t.yaml", "line": 59}}
}

# Members are asked in Go and grouped by cause: a Deny naming one member's
# folder fails that member alone, reported with the organization path,
# counting the members it stops and naming the first.
test_fail_one_member_denied if {
	deny_member := {"Sid": "DenyMember", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::org-logs/AWSLogs/o-a1b2c3d4e5/333333333333/*"}
	inp := {"snapshot": object.union(snap([acl_stmt, write_stmt, deny_member], trail).snapshot, {"organization": {
		"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2",
		"members": [
			{"id": "111111111111", "parent_id": "r-a1b2"},
			{"id": "222222222222", "parent_id": "r-a1b2"},
			{"id": "333333333333", "parent_id": "r-a1b2"},
			{"id": "444444444444", "parent_id": "r-a1b2"},
		],
	}})}
	fs := ct03.deny with input as inp
	{f.fact | some f in fs} == {concat(" ", [trail_arn, "s3:PutObject AWSLogs/o-a1b2c3d4e5/"])}
	some f in fs
	contains(f.message, "1 of 4 member accounts, first path AWSLogs/o-a1b2c3d4e5/333333333333/")
	contains(f.message, "DenyMember")
}

# DescribeTrails in a member account lists the organization trail too (a
# shadow trail): it is the management account's trail, writing where that
# account's writes, judged once; the member's listing asks nothing of
# AWSLogs/<member>/, where an organization trail never writes.
test_pass_org_trail_listed_in_member_account if {
	base := snap([acl_stmt, write_stmt], trail)
	inp := json.patch(base, [{"op": "add", "path": "/snapshot/accounts/1/trails", "value": [trail]}])
	fs := ct03.deny with input as inp
	fs == set()
}
