package trailgate.rules.gd03_test

import data.trailgate.rules.gd03

key_arn(region) := sprintf("arn:aws:kms:%s:222222222222:key/9c8b7a6d-3333-4f5e-8d7c-333333333333", [region])

detector(region) := {
	"id": "12abc34d567e8fa901bc2d34e56789f0",
	"region": region,
	"status": "ENABLED",
	"finding_publishing_frequency": "FIFTEEN_MINUTES",
	"publishing_destinations": [{
		"destination_type": "S3",
		"destination_arn": "arn:aws:s3:::gd-findings-222222222222",
		"kms_key_arn": key_arn(region),
	}],
}

root_statement := {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "kms:*", "Resource": "*"}

gd_statement(principal, source_arns) := {
	"Sid": "AllowGuardDutyKey",
	"Effect": "Allow",
	"Principal": {"Service": principal},
	"Action": "kms:GenerateDataKey",
	"Resource": "*",
	"Condition": {"StringEquals": {"aws:SourceAccount": "333333333333"}, "ArnLike": {"aws:SourceArn": source_arns}},
}

facts(region, statements) := {f.fact | some f in fs} if {
	fs := gd03.deny with input as {
		"snapshot": {
			"schema_version": "1", "source": "fixture",
			"accounts": [
				{"id": "222222222222", "keys": [{
					"key_id": "9c8b7a6d-3333-4f5e-8d7c-333333333333", "arn": key_arn(region), "region": region,
					"key_state": "Enabled", "key_manager": "CUSTOMER",
					"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
				}]},
				{"id": "333333333333", "detectors": [detector(region)]},
			],
		},
		"connector": null,
	}
}

test_pass_guardduty_allowed_for_all_detectors if {
	facts("eu-west-1", [root_statement, gd_statement("guardduty.amazonaws.com", ["arn:aws:guardduty:*:333333333333:detector/*"])]) == set()
}

test_fail_no_guardduty_grant if {
	facts("eu-west-1", [root_statement]) == {"guardduty.amazonaws.com:arn:aws:guardduty:eu-west-1:333333333333:detector/12abc34d567e8fa901bc2d34e56789f0"}
}

test_fail_detector_missing_from_source_arn_list if {
	facts("eu-west-1", [root_statement, gd_statement("guardduty.amazonaws.com", ["arn:aws:guardduty:us-east-1:333333333333:detector/12abc34d567e8fa901bc2d34e56789f0"])]) != set()
}

test_fail_opt_in_region_needs_regional_principal if {
	facts("af-south-1", [root_statement, gd_statement("guardduty.amazonaws.com", ["arn:aws:guardduty:*:333333333333:detector/*"])]) == {"guardduty.af-south-1.amazonaws.com:arn:aws:guardduty:af-south-1:333333333333:detector/12abc34d567e8fa901bc2d34e56789f0"}
}

# Near miss: the regional principal in an opt-in Region is accepted.
test_near_miss_opt_in_region_with_regional_principal if {
	facts("af-south-1", [root_statement, gd_statement("guardduty.af-south-1.amazonaws.com", ["arn:aws:guardduty:*:333333333333:detector/*"])]) == set()
}
