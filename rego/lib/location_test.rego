package trailgate.lib.location_test

import data.trailgate.lib

# Where findings point (issue 4): the resource for an attribute, the
# statement for a deny or a near-miss allow, the statement meant for the
# principal for a grant that does not match, the document for a missing
# grant, the resource when there is no policy. The answers come from the
# real authorization built-in.

topic := "arn:aws:sns:us-east-1:222222222222:events"

bucket_arn := "arn:aws:s3:::logs"

loc(line) := {"file": "template.yaml", "line": line}

topic_res(statements) := {
	"name": "events", "arn": topic, "region": "us-east-1",
	"location": loc(10),
	"policy": {
		"document": {"Version": "2012-10-17", "Statement": statements},
		"location": loc(20),
		"statement_locations": [loc(30 + i) | some i, _ in statements],
	},
}

snap(res) := {"snapshot": {"accounts": [{"id": "222222222222", "topics": [res]}]}}

publish(res) := a if {
	a := lib.authz("s3.amazonaws.com", "sns:Publish", topic, {"aws:SourceArn": bucket_arn, "aws:SourceAccount": "222222222222"}) with input as snap(res)
}

finding := {"message": "m"}

s3_publish(cond) := object.union(
	{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "SNS:Publish", "Resource": topic},
	cond,
)

owner := {"Sid": "Owner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sns:*", "Resource": topic}

grant_loc(res) := f.location if {
	f := lib.with_grant_location(finding, res, res.policy, publish(res), "s3.amazonaws.com", "sns:Publish") with input as snap(res)
}

stmt_loc(res) := f.location if {
	f := lib.with_statement_location(finding, res, res.policy, publish(res), "resourcePolicy") with input as snap(res)
}

test_attribute_points_at_resource_not_policy if {
	res := topic_res([owner])
	lib.with_location(finding, res).location == loc(10)
}

test_missing_grant_points_at_document if {
	res := topic_res([owner])
	lib.with_policy_location(finding, res).location == loc(20)
	grant_loc(res) == loc(20)
}

test_no_policy_points_at_resource if {
	res := object.remove(topic_res([owner]), ["policy"])
	lib.with_policy_location(finding, res).location == loc(10)
	f := lib.with_grant_location(finding, res, object.get(res, "policy", {}), {"decision": "ImplicitlyDenied", "proof": "", "explanation": [], "statements": []}, "s3.amazonaws.com", "sns:Publish")
	f.location == loc(10)
}

test_no_location_adds_none if {
	res := {"name": "events", "arn": topic, "region": "us-east-1"}
	not lib.with_location(finding, res).location
	not lib.with_policy_location(finding, res).location
}

# A near miss named by Sid: the explanation line carries 'Sid'.
test_near_miss_by_sid_points_at_statement if {
	near := object.union(s3_publish({"Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}}}), {"Sid": "AllowS3Publish"})
	res := topic_res([owner, near])
	publish(res).decision == "ImplicitlyDenied"
	stmt_loc(res) == loc(31)
	grant_loc(res) == loc(31)
}

# A near miss without a Sid: the proof names it as "#<index>", the answer's
# statements by index.
test_near_miss_without_sid_points_at_statement if {
	near := s3_publish({"Condition": {"StringEquals": {"aws:SourceAccount": "999999999999"}}})
	res := topic_res([owner, owner, near])
	contains(publish(res).proof, "statement #2 would allow it")
	{"kind": "resource", "policy": topic, "target": "", "index": 2, "sid": "", "effect": "Allow", "role": "near_miss"} in publish(res).statements
	stmt_loc(res) == loc(32)
}

# An explicit deny points at the denying statement, not at the allow.
test_deny_points_at_deny_statement if {
	deny := {"Sid": "OnlyOurAccount", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "222222222222"}}}
	res := topic_res([s3_publish({}), deny])
	publish(res).decision == "ExplicitlyDenied"
	stmt_loc(res) == loc(31)
	grant_loc(res) == loc(31)
}

test_deny_without_sid_points_at_deny_statement if {
	deny := {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic, "Condition": {"StringNotEquals": {"aws:PrincipalAccount": "222222222222"}}}
	res := topic_res([owner, s3_publish({}), deny])
	stmt_loc(res) == loc(32)
}

# A statement for the principal and action whose resource does not match
# is no near miss for the evaluator, but it is the statement to edit.
test_grant_for_other_resource_points_at_that_statement if {
	other := s3_publish({"Resource": "arn:aws:sns:us-east-1:222222222222:other"})
	res := topic_res([owner, other])
	stmt_loc(res) == loc(20)
	grant_loc(res) == loc(31)
}

# A trust policy AWS rejects: the malformed note names the statement.
test_malformed_trust_statement if {
	role := {
		"name": "Reader", "arn": "arn:aws:iam::222222222222:role/Reader", "location": loc(40),
		"trust_policy": {
			"document": {"Version": "2012-10-17", "Statement": [{"Sid": "TrustVendor", "Effect": "Allow", "Principal": "arn:aws:iam::012345678901:root", "Action": "sts:AssumeRole"}]},
			"location": loc(44),
			"statement_locations": [loc(47)],
		},
	}
	doc := {"snapshot": {"accounts": [{"id": "222222222222", "roles": [role]}]}}
	answer := lib.authz("arn:aws:iam::012345678901:root", "sts:AssumeRole", role.arn, {}) with input as doc
	lib.denied(answer)
	lib.statement_location(role.trust_policy, answer, "resourcePolicy") == loc(47)
}

test_locate_skips_null_and_fileless if {
	f := lib.locate(finding, [null, {"address": "aws_sns_topic.events"}, loc(5)])
	f.location == loc(5)
}

test_statement_index_out_of_range_is_ignored if {
	answer := {
		"decision": "ExplicitlyDenied", "proof": "",
		"explanation": ["resourcePolicy deny: statement #7 in the topic policy denies sns:Publish"],
		"statements": [{"kind": "resource", "policy": topic, "target": "", "index": 7, "sid": "", "effect": "Deny", "role": "deny"}],
	}
	policy := topic_res([owner]).policy
	lib.statement_location(policy, answer, "resourcePolicy") == null
}

# An SCP statement that denies a read: found by Sid among the SCPs attached
# to the level the explanation names; a plan that places only the policy
# resource points at it.
org_snap(locs) := {"snapshot": {
	"organization": {
		"id": "o-abc", "management_account_id": "111111111111", "root_id": "r-ab12",
		"enabled_policy_types": ["SERVICE_CONTROL_POLICY"],
		"members": [{"id": "222222222222", "parent_id": "ou-ab12-data"}],
		"organizational_units": [{"id": "ou-ab12-data", "parent_id": "r-ab12"}],
		"policies": [
			{"id": "p-full", "type": "SERVICE_CONTROL_POLICY", "targets": ["r-ab12", "ou-ab12-data", "222222222222"], "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}},
			{"id": "p-deny", "type": "SERVICE_CONTROL_POLICY", "targets": ["ou-ab12-data"], "document": object.union(
				{"document": {"Version": "2012-10-17", "Statement": [
					{"Sid": "Other", "Effect": "Deny", "Action": "ec2:*", "Resource": "*"},
					{"Sid": "DenyReads", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"},
				]}},
				locs,
			)},
		],
	},
	"accounts": [{"id": "222222222222", "buckets": [{"name": "logs", "arn": "arn:aws:s3:::logs", "region": "us-east-1"}], "roles": [{"name": "Reader", "arn": "arn:aws:iam::222222222222:role/Reader", "inline_policies": [{"name": "r", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}}]}]}],
}}

org_finding(locs) := f if {
	doc := org_snap(locs)
	answer := lib.authz("arn:aws:iam::222222222222:role/Reader", "s3:GetObject", "arn:aws:s3:::logs/k", {}) with input as doc
	answer.decision == "ExplicitlyDenied"
	f := lib.with_org_statement_location(finding, answer, "scp") with input as doc
}

test_scp_deny_points_at_statement if {
	f := org_finding({"location": loc(60), "statement_locations": [loc(62), loc(66)]})
	f.location == loc(66)
}

test_scp_deny_without_statement_lines_points_at_policy if {
	f := org_finding({"location": {"file": "plan.json", "address": "aws_organizations_policy.deny"}})
	f.location == {"file": "plan.json", "address": "aws_organizations_policy.deny"}
}

test_scp_deny_unplaced_keeps_no_location if {
	not org_finding({}).location
}
