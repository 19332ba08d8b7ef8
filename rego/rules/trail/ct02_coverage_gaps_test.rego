package trailgate.rules.ct02_test

import data.trailgate.rules.ct02

good := {
	"name": "org-trail",
	"arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail",
	"home_region": "us-east-1",
	"s3_bucket_name": "logs",
	"is_multi_region_trail": true,
	"include_global_service_events": true,
	"is_organization_trail": true,
	"status": {"is_logging": true},
}

snap(trail) := {"snapshot": {"accounts": [{"id": "111111111111", "trails": [trail]}]}}

facts(trail) := {f.fact | some f in fs} if {
	fs := ct02.deny with input as snap(trail)
}

test_pass_default_selectors if {
	facts(good) == set()
}

test_pass_all_management_basic if {
	facts(object.union(good, {"event_selectors": [{"read_write_type": "All", "include_management_events": true}]})) == set()
}

test_pass_read_and_write_split_across_selectors if {
	facts(object.union(good, {"event_selectors": [
		{"read_write_type": "ReadOnly", "include_management_events": true},
		{"read_write_type": "WriteOnly", "include_management_events": true},
	]})) == set()
}

test_fail_single_region if {
	facts(object.union(good, {"is_multi_region_trail": false})) == {"is_multi_region_trail=false"}
}

test_fail_no_global_events if {
	facts(object.union(good, {"include_global_service_events": false})) == {"include_global_service_events=false"}
}

test_fail_not_logging if {
	facts(object.union(good, {"status": {"is_logging": false}})) == {"is_logging=false"}
}

# Near miss: an IaC trail has no status; absence is not "not logging".
test_near_miss_no_status_is_not_a_gap if {
	facts(object.remove(good, ["status"])) == set()
}

test_fail_read_only if {
	facts(object.union(good, {"event_selectors": [{"read_write_type": "ReadOnly", "include_management_events": true}]})) == {"read_write_type=ReadOnly"}
}

test_fail_no_management_events_basic if {
	facts(object.union(good, {"event_selectors": [{
		"read_write_type": "All", "include_management_events": false,
		"data_resources": [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}],
	}]})) == {"management_events=none"}
}

test_fail_excluded_sources if {
	facts(object.union(good, {"event_selectors": [{
		"read_write_type": "All", "include_management_events": true,
		"exclude_management_event_sources": ["kms.amazonaws.com"],
	}]})) == {"exclude_management_event_sources=kms.amazonaws.com"}
}

test_pass_advanced_management if {
	facts(object.union(good, {"advanced_event_selectors": [{"name": "m", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}]})) == set()
}

test_fail_advanced_no_management if {
	facts(object.union(good, {"advanced_event_selectors": [{"name": "d", "field_selectors": [
		{"field": "eventCategory", "equals": ["Data"]},
		{"field": "resources.type", "equals": ["AWS::S3::Object"]},
	]}]})) == {"management_events=none"}
}

test_fail_advanced_read_only if {
	facts(object.union(good, {"advanced_event_selectors": [{"name": "m", "field_selectors": [
		{"field": "eventCategory", "equals": ["Management"]},
		{"field": "readOnly", "equals": ["true"]},
	]}]})) == {"readOnly=true"}
}

test_fail_advanced_excluded_source if {
	facts(object.union(good, {"advanced_event_selectors": [{"name": "m", "field_selectors": [
		{"field": "eventCategory", "equals": ["Management"]},
		{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]},
	]}]})) == {"eventSource!=kms.amazonaws.com"}
}

# Near miss: one selector excludes KMS, another logs every source.
test_near_miss_other_selector_logs_all_sources if {
	facts(object.union(good, {"advanced_event_selectors": [
		{"name": "m1", "field_selectors": [
			{"field": "eventCategory", "equals": ["Management"]},
			{"field": "eventSource", "not_equals": ["kms.amazonaws.com"]},
		]},
		{"name": "m2", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]},
	]})) == set()
}

test_message_names_trail_and_fix if {
	some f in ct02.deny with input as snap(object.union(good, {"is_multi_region_trail": false}))
	contains(f.message, "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail")
	contains(f.remediation, "--is-multi-region-trail")
	f.resource.type == "AWS::CloudTrail::Trail"
}
