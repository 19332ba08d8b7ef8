package trailgate.rules.gd05_test

import data.trailgate.rules.gd05

detector(dest_arn) := {
	"id": "12abc34d567e8fa901bc2d34e56789f0", "region": "eu-west-1", "status": "ENABLED",
	"finding_publishing_frequency": "FIFTEEN_MINUTES",
	"publishing_destinations": [{"destination_type": "S3", "destination_arn": dest_arn, "kms_key_arn": "arn:aws:kms:eu-west-1:333333333333:key/9c8b7a6d-3333-4f5e-8d7c-333333333333"}],
}

bucket := {"name": "gd-findings-222222222222", "arn": "arn:aws:s3:::gd-findings-222222222222", "region": "eu-west-1"}

facts(dest_arn, b) := {f.fact | some f in fs} if {
	fs := gd05.deny with input as {
		"snapshot": {"accounts": [
			{"id": "222222222222", "buckets": [b]},
			{"id": "333333333333", "detectors": [detector(dest_arn)]},
		]},
		"connector": null,
	}
}

test_pass_marker_exists if {
	facts("arn:aws:s3:::gd-findings-222222222222/guardduty", object.union(bucket, {"probed_keys": [{"key": "guardduty/", "exists": true}]})) == set()
}

test_fail_marker_missing if {
	facts("arn:aws:s3:::gd-findings-222222222222/guardduty", object.union(bucket, {"probed_keys": [{"key": "guardduty/", "exists": false}]})) == {"marker-missing=guardduty/"}
}

test_fail_lifecycle_expires_marker if {
	b := object.union(bucket, {
		"probed_keys": [{"key": "guardduty/", "exists": true}],
		"lifecycle": [{"id": "expire-all", "status": "Enabled", "expiration_days": 365}],
	})
	facts("arn:aws:s3:::gd-findings-222222222222/guardduty", b) == {"marker-expires=expire-all"}
}

# Near miss: a lifecycle rule scoped below the marker does not touch it.
test_near_miss_lifecycle_under_awslogs if {
	b := object.union(bucket, {
		"probed_keys": [{"key": "guardduty/", "exists": true}],
		"lifecycle": [{"id": "expire-findings", "status": "Enabled", "prefix": "guardduty/AWSLogs/", "expiration_days": 365}],
	})
	facts("arn:aws:s3:::gd-findings-222222222222/guardduty", b) == set()
}

# Near miss: no prefix, no marker needed.
test_near_miss_no_prefix if {
	b := object.union(bucket, {"lifecycle": [{"id": "expire-all", "status": "Enabled", "expiration_days": 365}]})
	facts("arn:aws:s3:::gd-findings-222222222222", b) == set()
}

# No template creates the marker (CloudFormation has no resource type for
# an object): an outside fix for a template, none for other inputs.
test_fix_marker_outside_a_template if {
	inp := {
		"snapshot": {"source": "cloudformation", "accounts": [
			{"id": "222222222222", "buckets": [object.union(bucket, {"probed_keys": [{"key": "guardduty/", "exists": false}]})]},
			{"id": "333333333333", "detectors": [detector("arn:aws:s3:::gd-findings-222222222222/guardduty")]},
		]},
		"connector": null,
	}
	some f in gd05.deny with input as inp
	contains(f.fix.outside, "CloudFormation has no resource type")
	some g in gd05.deny with input as json.patch(inp, [{"op": "replace", "path": "/snapshot/source", "value": "terraform"}])
	not g.fix
}

# A rule an input writes is scoped to the findings under the marker's
# folder, at the rule's own line; a rule without a place (a live bucket)
# keeps the prose.
test_fix_lifecycle_scoped_where_written if {
	loc := {"file": "template.yaml", "line": 40}
	b := object.union(bucket, {"lifecycle": [{"id": "expire-all", "status": "Enabled", "expiration_days": 365, "location": loc}]})
	fs := gd05.deny with input as {
		"snapshot": {"accounts": [
			{"id": "222222222222", "buckets": [b]},
			{"id": "333333333333", "detectors": [detector("arn:aws:s3:::gd-findings-222222222222/guardduty")]},
		]},
		"connector": null,
	}
	some f in fs
	f.fix == {"set_at": {"Prefix": "guardduty/AWSLogs/"}}
	f.location == loc
	live := gd05.deny with input as {
		"snapshot": {"accounts": [
			{"id": "222222222222", "buckets": [object.union(bucket, {"lifecycle": [{"id": "expire-all", "status": "Enabled", "expiration_days": 365}]})]},
			{"id": "333333333333", "detectors": [detector("arn:aws:s3:::gd-findings-222222222222/guardduty")]},
		]},
		"connector": null,
	}
	every g in live {
		not g.fix
	}
}
