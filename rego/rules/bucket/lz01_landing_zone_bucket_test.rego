package trailgate.rules.lz01_test

import data.trailgate.rules.lz01

bucket := {"name": "org-cloudtrail", "arn": "arn:aws:s3:::org-cloudtrail", "region": "eu-central-1", "versioning": "Enabled",
	"public_access_block": {"block_public_acls": true, "ignore_public_acls": true, "block_public_policy": true, "restrict_public_buckets": true},
	"lifecycle": [{"id": "archive", "status": "Enabled", "expiration_days": 2555}]}

snap(b, guide) := {"schema_version": "1", "source": "cloudformation",
	"organization": {"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2", "guide": guide},
	"accounts": [
		{"id": "111111111111", "trails": [{"name": "organization-trail", "arn": "arn:aws:cloudtrail:eu-central-1:111111111111:trail/organization-trail",
			"home_region": "eu-central-1", "s3_bucket_name": "org-cloudtrail", "is_organization_trail": true}]},
		{"id": "222222222222", "buckets": [b]},
	],
}

facts(b, guide) := {f.fact | some f in lz01.deny with input as {"snapshot": snap(b, guide), "connector": null}}

test_pass if {
	facts(bucket, "org-formation") == set()
}

test_fail_public_policy_allowed if {
	facts(json.patch(bucket, [{"op": "replace", "path": "/public_access_block/block_public_policy", "value": false}]), "org-formation") == {"org-formation-O4:public_access_block"}
}

# Undeclared, a new bucket blocks public access.
test_near_miss_no_configuration_declared if {
	facts(object.remove(bucket, ["public_access_block"]), "org-formation") == set()
}

test_fail_versioning_suspended if {
	facts(object.union(bucket, {"versioning": "Suspended"}), "org-formation") == {"org-formation-O5:versioning"}
}

test_fail_no_lifecycle if {
	facts(object.remove(bucket, ["lifecycle"]), "org-formation") == {"org-formation-O5:lifecycle"}
}

test_fail_lifecycle_disabled if {
	facts(object.union(bucket, {"lifecycle": [{"status": "Disabled"}]}), "org-formation") == {"org-formation-O5:lifecycle"}
}

# Outside an org-formation landing zone the guide does not apply.
test_near_miss_not_org_formation if {
	facts(object.remove(bucket, ["lifecycle", "versioning"]), "") == set()
}
