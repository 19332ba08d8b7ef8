package trailgate.rules.ct01_test

import data.trailgate.rules.ct01

snap(services, org_trail) := {"snapshot": {
	"organization": {"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2", "enabled_service_principals": services},
	"accounts": [{"id": "111111111111", "trails": [{
		"name": "org-trail", "arn": "arn:aws:cloudtrail:us-east-1:111111111111:trail/org-trail", "home_region": "us-east-1",
		"s3_bucket_name": "org-logs", "is_organization_trail": org_trail, "is_multi_region_trail": true, "include_global_service_events": true,
	}]}],
}}

test_pass if {
	count(ct01.deny) == 0 with input as snap(["cloudtrail.amazonaws.com", "config.amazonaws.com"], true)
}

test_fail_missing if {
	fs := ct01.deny with input as snap(["config.amazonaws.com"], true)
	count(fs) == 1
	some f in fs
	contains(f.remediation, "enable-aws-service-access --service-principal cloudtrail.amazonaws.com")
}

# Near miss: an account trail does not need trusted access.
test_near_miss_account_trail if {
	count(ct01.deny) == 0 with input as snap([], false)
}

# Without the organization in the snapshot, trusted access cannot be judged.
test_pass_no_organization if {
	count(ct01.deny) == 0 with input as json.patch(snap([], true), [{"op": "remove", "path": "/snapshot/organization"}])
}

# An organization file that does not declare the trusted services (an
# org-formation organization) proves nothing missing.
test_pass_trusted_services_unknown if {
	count(ct01.deny) == 0 with input as snap(["<unknown:services with trusted access>"], true)
}
