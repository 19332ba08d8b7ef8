package trailgate.rules.ct07_test

import data.trailgate.rules.ct07

trail := {
	"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
	"s3_bucket_name": "cloudtrail-222222222222", "is_multi_region_trail": true, "include_global_service_events": true, "is_organization_trail": false,
}

facts(t) := {f.fact | some f in fs} if {
	fs := ct07.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [t]}]}, "connector": null}
}

basic(values) := object.union(trail, {"event_selectors": [{"read_write_type": "All", "include_management_events": true, "data_resources": [{"type": "AWS::S3::Object", "values": values}]}]})

advanced(arn_field) := object.union(trail, {"advanced_event_selectors": [{"name": "s3", "field_selectors": array.concat(
	[{"field": "eventCategory", "equals": ["Data"]}, {"field": "resources.type", "equals": ["AWS::S3::Object"]}],
	arn_field,
)}]})

test_pass_management_only if {
	facts(trail) == set()
}

test_fail_basic_all_buckets if {
	facts(basic(["arn:aws:s3"])) == {"data-events-on-log-bucket"}
}

test_fail_basic_own_bucket if {
	facts(basic(["arn:aws:s3:::cloudtrail-222222222222/"])) == {"data-events-on-log-bucket"}
}

test_fail_advanced_all_buckets if {
	facts(advanced([])) == {"data-events-on-log-bucket"}
}

test_pass_advanced_excludes_log_bucket if {
	facts(advanced([{"field": "resources.ARN", "not_starts_with": ["arn:aws:s3:::cloudtrail-222222222222/"]}])) == set()
}

# Near miss: data events of one other bucket only.
test_near_miss_other_bucket if {
	facts(basic(["arn:aws:s3:::payroll-exports/"])) == set()
	facts(advanced([{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::payroll-exports/"]}])) == set()
}

# put-event-selectors replaces every selector
# (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_PutEventSelectors.html):
# the fix keeps the management events in a selector of its own.
test_fix_keeps_management_events if {
	fs := ct07.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [basic(["arn:aws:s3"])]}]}, "connector": null}
	some f in fs
	contains(f.remediation, `{"FieldSelectors":[{"Equals":["Management"],"Field":"eventCategory"}],"Name":"Management events"}`)
	contains(f.remediation, "replaces all of them")
}

fix(t) := {f.fix | some f in fs} if {
	fs := ct07.deny with input as {"snapshot": {"accounts": [{"id": "111111111111", "trails": [t]}]}, "connector": null}
}

# Advanced selectors are kept, the S3 data selector gaining the exclusion
# of the log bucket beside its other operators.
test_fix_advanced_adds_exclusion if {
	t := object.union(advanced([{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::"]}]), {"advanced_event_selectors": array.concat(
		[{"name": "mgmt", "field_selectors": [{"field": "eventCategory", "equals": ["Management"]}]}],
		advanced([{"field": "resources.ARN", "starts_with": ["arn:aws:s3:::"]}]).advanced_event_selectors,
	)})
	fix(t) == {{"set": {"AdvancedEventSelectors": [
		{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}]},
		{"Name": "s3", "FieldSelectors": [
			{"Field": "eventCategory", "Equals": ["Data"]},
			{"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
			{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::"], "NotStartsWith": ["arn:aws:s3:::cloudtrail-222222222222/"]},
		]},
	]}}}
}

test_fix_advanced_without_arn_field_gains_one if {
	some fx in fix(advanced([]))
	fx.set.AdvancedEventSelectors[0].FieldSelectors[2] == {"Field": "resources.ARN", "NotStartsWith": ["arn:aws:s3:::cloudtrail-222222222222/"]}
	not fx.also
}

# Basic selectors cannot exclude a bucket: the fix says to move to
# advanced ones and remove EventSelectors (text, not an exact edit).
test_fix_basic_moves_to_advanced if {
	some fx in fix(basic(["arn:aws:s3"]))
	count(fx.set.AdvancedEventSelectors) == 2
	contains(fx.also, "in a template its EventSelectors, in Terraform its event_selector blocks")
}
