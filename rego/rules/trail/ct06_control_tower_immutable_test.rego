package trailgate.rules.ct06_test

import data.trailgate.rules.ct06

trail := {
	"name": "aws-controltower-BaselineCloudTrail",
	"arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/aws-controltower-BaselineCloudTrail",
	"home_region": "us-east-1",
	"s3_bucket_name": "aws-controltower-logs-222222222222-us-east-1",
	"is_multi_region_trail": true,
	"include_global_service_events": true,
	"is_organization_trail": true,
}

profiles := {"radiant": {"steps": [{"id": "R3", "title": "trail SNS notification", "rule": "CT05", "require": {"trail_sns": true}}]}}

facts(t, conn) := {f.fact | some f in fs} if {
	fs := ct06.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [t]}]}, "connector": conn}
		with data.trailgate.profiles as profiles
}

test_pass_live_control_tower_trail if {
	facts(trail, null) == set()
}

test_fail_template_declares_control_tower_trail if {
	facts(object.union(trail, {"sns_topic_arn": "arn:aws:sns:us-east-1:111111111111:ct-events", "location": {"file": "logging.yaml", "line": 12, "address": "OrgTrail"}}), null) == {"iac-modifies-control-tower-trail"}
}

test_fail_radiant_needs_sns_on_control_tower_trail if {
	facts(trail, {"profile": "radiant", "role": "arn:aws:iam::111111111111:role/radiant-aws-access-role"}) == {"radiant-needs-trail-sns"}
}

# Near miss: a self-built trail can be given an SNS topic.
test_near_miss_own_trail if {
	t := object.union(trail, {"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "location": {"file": "logging.yaml", "line": 12}})
	facts(t, {"profile": "radiant", "role": "arn:aws:iam::111111111111:role/radiant-aws-access-role"}) == set()
}

at(change) := {"file": "plan.json", "address": "aws_cloudtrail.ct", "change": change}

# A plan that creates or updates the trail calls CreateTrail/UpdateTrail.
test_fail_plan_creates_control_tower_trail if {
	facts(object.union(trail, {"location": at("create")}), null) == {"iac-modifies-control-tower-trail"}
}

test_fail_plan_updates_control_tower_trail if {
	facts(object.union(trail, {"location": at("update")}), null) == {"iac-modifies-control-tower-trail"}
}

# DeleteTrail is denied by the same guardrail.
test_fail_plan_deletes_control_tower_trail if {
	fs := ct06.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [object.union(trail, {"location": at("delete")})]}]}, "connector": null}
		with data.trailgate.profiles as profiles
	some f in fs
	contains(f.message, "calls DeleteTrail,")
}

# Near miss: an imported trail the plan leaves as it is (no-op), or one a
# data source reads, calls nothing.
test_pass_plan_noop_control_tower_trail if {
	facts(object.union(trail, {"location": at("no-op")}), null) == set()
}

test_pass_data_source_control_tower_trail if {
	facts(object.union(trail, {"location": at("read")}), null) == set()
}

# A template declaring the trail: the fix is to delete the declaration,
# the bucket's notification said beside it.
test_fix_template_removes_declaration if {
	some f in ct06.deny with input as template_input
	f.fix.remove == true
	contains(f.fix.also, "subscribe the connector's queue")
}

template_input := {"snapshot": {"accounts": [{"id": "111111111111", "trails": [object.union(trail, {"location": {"file": "logging.yaml", "line": 12, "address": "OrgTrail"}})]}]}, "connector": null}

# A Terraform trail the plan updates is in the state: the fix is to take
# it out of the configuration (the renderer writes the removed block),
# without CloudFormation's DeletionPolicy.
test_remove_fix_for_a_plan_update if {
	some f in ct06.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [object.union(trail, {"location": object.union(at("update"), {"address": "aws_cloudtrail.ct"})})]}]}, "connector": null}
	f.fix.remove == true
	not contains(f.fix.also, "DeletionPolicy")
}

# Near miss: a trail the plan would create is not in the state: no
# removal as data.
test_no_remove_fix_for_a_plan_create if {
	some f in ct06.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [object.union(trail, {"location": object.union(at("create"), {"address": "aws_cloudtrail.ct"})})]}]}, "connector": null}
	not f.fix
}
