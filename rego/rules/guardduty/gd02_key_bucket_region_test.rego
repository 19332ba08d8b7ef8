package trailgate.rules.gd02_test

import data.trailgate.rules.gd02

detector(key) := {
	"id": "12abc34d567e8fa901bc2d34e56789f0",
	"region": "eu-west-1",
	"status": "ENABLED",
	"finding_publishing_frequency": "FIFTEEN_MINUTES",
	"publishing_destinations": [{
		"destination_type": "S3",
		"destination_arn": "arn:aws:s3:::gd-findings-222222222222/guardduty",
		"kms_key_arn": key,
	}],
}

facts(key) := {f.fact | some f in fs} if {
	fs := gd02.deny with input as {
		"snapshot": {"accounts": [
			{"id": "222222222222", "buckets": [{"name": "gd-findings-222222222222", "arn": "arn:aws:s3:::gd-findings-222222222222", "region": "eu-west-1"}]},
			{"id": "333333333333", "detectors": [detector(key)]},
		]},
		"connector": null,
	}
}

test_pass_key_in_bucket_region if {
	facts("arn:aws:kms:eu-west-1:333333333333:key/9c8b7a6d-3333-4f5e-8d7c-333333333333") == set()
}

test_fail_key_in_admin_home_region if {
	facts("arn:aws:kms:us-east-1:333333333333:key/9c8b7a6d-3333-4f5e-8d7c-333333333333") == {"key-region=us-east-1,bucket-region=eu-west-1"}
}

test_fail_alias_arn if {
	facts("arn:aws:kms:eu-west-1:333333333333:alias/guardduty") == {"key-not-arn=arn:aws:kms:eu-west-1:333333333333:alias/guardduty"}
}

test_fail_alias_name if {
	facts("alias/guardduty") == {"key-not-arn=alias/guardduty"}
}

# Near miss: the key's account differs from the bucket's (cross-account is
# allowed); only the Region must match.
test_near_miss_cross_account_same_region if {
	facts("arn:aws:kms:eu-west-1:999999999999:key/9c8b7a6d-3333-4f5e-8d7c-333333333333") == set()
}

# Near miss: a key ARN Terraform knows only after apply is not an alias.
test_near_miss_key_known_after_apply if {
	facts("<unknown:known after apply: aws_kms_key.gd.arn>") == set()
}

# Where the input declares the destination, the finding points at it and
# its KmsKeyArn is the change (a key to name: text, not an exact edit).
test_fix_at_the_destination if {
	d := json.patch(detector("alias/guardduty"), [{"op": "add", "path": "/publishing_destinations/0/location", "value": {"file": "gd.yaml", "line": 20, "address": "Destination"}}])
	fs := gd02.deny with input as {
		"snapshot": {"accounts": [
			{"id": "222222222222", "buckets": [{"name": "gd-findings-222222222222", "arn": "arn:aws:s3:::gd-findings-222222222222", "region": "eu-west-1"}]},
			{"id": "333333333333", "detectors": [d]},
		]},
		"connector": null,
	}
	some f in fs
	f.location.line == 20
	startswith(f.fix.set.DestinationProperties.KmsKeyArn, "<the ARN (arn:aws:kms:eu-west-1:ACCOUNT:key/KEY-ID)")
}
