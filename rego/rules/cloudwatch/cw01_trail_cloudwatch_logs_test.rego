package trailgate.rules.cw01_test

import data.trailgate.rules.cw01

group_arn := "arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail:*"

role_arn := "arn:aws:iam::111111111111:role/cloudtrail-to-cloudwatch"

trust := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

# The role policy of the CloudTrail User Guide, on the group's streams
# (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
deliver := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
	"Resource": "arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail:log-stream:*"}]}

snap(trail, role, groups) := {"schema_version": "1", "source": "fixture",
	"organization": {"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2", "members": [{"id": "111111111111", "parent_id": "r-a1b2"}]},
	"accounts": [{"id": "111111111111", "trails": [object.union({
		"name": "organization-trail", "arn": "arn:aws:cloudtrail:eu-central-1:111111111111:trail/organization-trail", "home_region": "eu-central-1",
		"s3_bucket_name": "org-cloudtrail", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": true,
		"cloudwatch_logs_log_group_arn": group_arn, "cloudwatch_logs_role_arn": role_arn,
	}, trail)], "roles": [role], "log_groups": groups}],
}

role := {"name": "cloudtrail-to-cloudwatch", "arn": role_arn, "trust_policy": {"document": trust}, "inline_policies": [{"name": "deliver", "document": deliver}]}

groups := [{"name": "/org/cloudtrail", "arn": group_arn, "region": "eu-central-1"}]

facts(s) := {f.fact | some f in cw01.deny with input as {"snapshot": s, "connector": null}}

test_pass if {
	facts(snap({}, role, groups)) == set()
}

test_no_delivery_no_finding if {
	facts(snap({"cloudwatch_logs_log_group_arn": "", "cloudwatch_logs_role_arn": ""}, role, [])) == set()
}

test_fail_group_without_role if {
	facts(snap({"cloudwatch_logs_role_arn": ""}, role, groups)) == {"missing CloudWatchLogsRoleArn"}
}

test_fail_group_missing if {
	facts(snap({}, role, [])) == {"log group missing"}
}

test_fail_trust_not_cloudtrail if {
	r := json.patch(role, [{"op": "replace", "path": "/trust_policy/document/Statement/0/Principal/Service", "value": "logs.amazonaws.com"}])
	facts(snap({}, r, groups)) == {"arn:aws:cloudtrail:eu-central-1:111111111111:trail/organization-trail trust"}
}

test_fail_put_log_events_missing if {
	r := json.patch(role, [{"op": "replace", "path": "/inline_policies/0/document/Statement/0/Action", "value": ["logs:CreateLogStream"]}])
	fs := cw01.deny with input as {"snapshot": snap({}, r, groups), "connector": null}
	count(fs) == 1
	some f in fs
	contains(f.message, "logs:PutLogEvents on arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail:log-stream:111111111111_CloudTrail_eu-central-1")
	contains(f.message, "o-a1b2c3d4e5_111111111111_CloudTrail_eu-central-1")
}

# An organization trail writes its members' events under the organization
# ID: a policy naming only the account's own stream misses them.
test_fail_org_streams_not_granted if {
	r := json.patch(role, [{"op": "replace", "path": "/inline_policies/0/document/Statement/0/Resource", "value": "arn:aws:logs:eu-central-1:111111111111:log-group:/org/cloudtrail:log-stream:111111111111_CloudTrail_eu-central-1*"}])
	fs := cw01.deny with input as {"snapshot": snap({}, r, groups), "connector": null}
	count(fs) == 1
	some f in fs
	not contains(f.message, "log-stream:111111111111_CloudTrail")
	contains(f.message, "o-a1b2c3d4e5_111111111111_CloudTrail_eu-central-1")
}

test_fail_role_missing if {
	facts(snap({"cloudwatch_logs_role_arn": "arn:aws:iam::111111111111:role/gone"}, role, groups)) == {"role missing"}
}

# IaC declares only its own groups: a group made elsewhere is no finding.
test_near_miss_iac_group_elsewhere if {
	s := json.patch(snap({}, role, []), [{"op": "replace", "path": "/source", "value": "cloudformation"}])
	facts(s) == set()
}

# A template declares some of an account's roles only (a platform team's
# stack may create the delivery role): a role it does not declare is no
# "role missing" finding, and its permissions cannot be proven either way.
test_near_miss_iac_role_elsewhere if {
	s := json.patch(snap({"cloudwatch_logs_role_arn": "arn:aws:iam::111111111111:role/platform-ct-logs"}, role, groups), [{"op": "replace", "path": "/source", "value": "cloudformation"}])
	fs := cw01.deny with input as {"snapshot": s, "connector": null, "principal_gaps": {"111111111111": ""}}
	fs == set()
}

# A live account whose IAM listing failed holds a gap, not an absence.
test_near_miss_role_listing_failed if {
	s := object.union(snap({"cloudwatch_logs_role_arn": "arn:aws:iam::111111111111:role/gone"}, role, groups), {"collection_errors": [{"account": "111111111111", "service": "iam", "operation": "GetAccountAuthorizationDetails", "code": "AccessDenied"}]})
	fs := cw01.deny with input as {"snapshot": s, "connector": null, "principal_gaps": {"111111111111": "listing the IAM principals of account 111111111111 failed (AccessDenied)"}}
	fs == set()
}

# CloudTrail sends no aws:SourceArn or aws:SourceAccount when it assumes
# the CloudWatch Logs role ("The role policy doesn't support the use of
# aws:SourceArn and aws:SourceAccount":
# https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html):
# a trust statement conditioned on them admits no delivery.
test_fail_trust_conditions_on_source_arn if {
	r := json.patch(role, [{"op": "add", "path": "/trust_policy/document/Statement/0/Condition", "value": {"StringEquals": {"aws:SourceArn": "arn:aws:cloudtrail:eu-central-1:111111111111:trail/organization-trail"}}}])
	facts(snap({}, r, groups)) == {"arn:aws:cloudtrail:eu-central-1:111111111111:trail/organization-trail trust"}
}

# The path the rule reads: trail → role → log group, each question with
# its answer.
test_path_questions if {
	ps := [p | some p in trailgate.paths(snap({}, role, groups), null).paths; p.source.kind == "cloudwatch-logs"]
	count(ps) == 1
	[h.kind | some h in ps[0].hops] == ["writer", "delivery-role", "log-group"]
	{[q.action, q.answer.decision] | some h in ps[0].hops; some q in h.questions} == {
		["sts:AssumeRole", "Allowed"], ["logs:CreateLogStream", "Allowed"], ["logs:PutLogEvents", "Allowed"],
	}
}

# An organization trail listed in a member account too (a shadow trail)
# is one trail: one finding.
test_fail_group_without_role_listed_twice if {
	s := snap({"cloudwatch_logs_role_arn": ""}, role, groups)
	shadow := json.patch(s, [{"op": "add", "path": "/accounts/-", "value": {"id": "222222222222", "trails": s.accounts[0].trails}}])
	fs := cw01.deny with input as {"snapshot": shadow, "connector": null}
	count(fs) == 1
}

# The role's policy as AWS documents it, one statement per action, each
# placed: a CreateLogStream statement naming another group's streams is
# the line to fix, not the PutLogEvents statement that already covers
# the trail's streams.
stream_statement(sid, action, grp) := {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": sprintf("arn:aws:logs:eu-central-1:111111111111:log-group:%s:log-stream:*", [grp])}

test_fail_create_stream_of_other_group_points_at_its_statement if {
	r := object.union(role, {"inline_policies": [{
		"name": "deliver", "location": {"file": "template.yaml", "line": 30},
		"document": {"Version": "2012-10-17", "Statement": [
			stream_statement("AWSCloudTrailCreateLogStream2014110", "logs:CreateLogStream", "/org/other"),
			stream_statement("AWSCloudTrailPutLogEvents20141101", "logs:PutLogEvents", "/org/cloudtrail"),
		]},
		"statement_locations": [{"file": "template.yaml", "line": 33}, {"file": "template.yaml", "line": 37}],
	}]})
	fs := cw01.deny with input as {"snapshot": snap({}, r, groups), "connector": null}
	count(fs) == 1
	some f in fs
	contains(f.message, "cannot logs:CreateLogStream on")
	f.location.line == 33
}
