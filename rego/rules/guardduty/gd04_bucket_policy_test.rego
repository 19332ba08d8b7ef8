package trailgate.rules.gd04_test

import data.trailgate.rules.gd04

key := "arn:aws:kms:eu-west-1:333333333333:key/9c8b7a6d-3333-4f5e-8d7c-333333333333"

detector_arn := "arn:aws:guardduty:eu-west-1:333333333333:detector/12abc34d567e8fa901bc2d34e56789f0"

cond := {"StringEquals": {"aws:SourceAccount": "333333333333", "aws:SourceArn": detector_arn}}

get_location(resource) := {"Sid": "AllowGetBucketLocation", "Effect": "Allow", "Principal": {"Service": "guardduty.amazonaws.com"}, "Action": "s3:GetBucketLocation", "Resource": resource, "Condition": cond}

put_object := {"Sid": "AllowPutObject", "Effect": "Allow", "Principal": {"Service": "guardduty.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::gd-findings-222222222222/guardduty/*", "Condition": cond}

deny_wrong_key(k) := {"Sid": "DenyIncorrectHeader", "Effect": "Deny", "Principal": {"Service": "guardduty.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::gd-findings-222222222222/*", "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": k}}}

facts(statements) := {f.fact | some f in findings(statements)}

findings(statements) := fs if {
	fs := gd04.deny with input as {
		"snapshot": {
			"schema_version": "1", "source": "fixture",
			"accounts": [
				{"id": "222222222222", "buckets": [{
					"name": "gd-findings-222222222222", "arn": "arn:aws:s3:::gd-findings-222222222222", "region": "eu-west-1",
					"policy": {"document": {"Version": "2012-10-17", "Statement": statements}},
				}]},
				{"id": "333333333333", "detectors": [{
					"id": "12abc34d567e8fa901bc2d34e56789f0", "region": "eu-west-1", "status": "ENABLED",
					"finding_publishing_frequency": "FIFTEEN_MINUTES",
					"publishing_destinations": [{"destination_type": "S3", "destination_arn": "arn:aws:s3:::gd-findings-222222222222/guardduty", "kms_key_arn": key}],
				}]},
			],
		},
		"connector": null,
	}
}

test_pass_documented_policy if {
	facts([get_location("arn:aws:s3:::gd-findings-222222222222"), put_object, deny_wrong_key(key)]) == set()
}

test_fail_get_bucket_location_on_objects if {
	facts([get_location("arn:aws:s3:::gd-findings-222222222222/*"), put_object]) == {concat("", ["GetBucketLocation:guardduty.amazonaws.com:", detector_arn])}
}

test_fail_no_put_object if {
	facts([get_location("arn:aws:s3:::gd-findings-222222222222")]) == {concat("", ["PutObject:guardduty.amazonaws.com:", detector_arn])}
	some f in findings([get_location("arn:aws:s3:::gd-findings-222222222222")])
	f.fix == {"policy": "resource", "add_statement": object.union(put_object, {"Sid": "AllowGuardDutyPutObject"})}
}

test_fail_deny_names_replaced_key if {
	old := "arn:aws:kms:eu-west-1:333333333333:key/00000000-0000-4000-8000-0000000000aa"
	facts([get_location("arn:aws:s3:::gd-findings-222222222222"), put_object, deny_wrong_key(old)]) == {concat("", ["PutObject:guardduty.amazonaws.com:", detector_arn])}
	# Whether the Deny or the detector's key is wrong is the user's call:
	# the exemption is written with that said (also), so it is never an
	# exact edit.
	every f in findings([get_location("arn:aws:s3:::gd-findings-222222222222"), put_object, deny_wrong_key(old)]) {
		f.fix.set_at == {"Condition": {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
		contains(f.fix.also, "your call")
		contains(f.fix.also, "guardduty.amazonaws.com s3:PutObject with SSE-KMS key")
	}
}

# A data perimeter that forgot AWS services denies GuardDuty for who it
# is: exempting AWS services is the exact fix.
test_fail_org_perimeter_exempts_services if {
	perimeter := {
		"Sid": "EnforceOrgIdentities",
		"Effect": "Deny",
		"Principal": "*",
		"Action": "s3:*",
		"Resource": ["arn:aws:s3:::gd-findings-222222222222", "arn:aws:s3:::gd-findings-222222222222/*"],
		"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}},
	}
	fs := findings([get_location("arn:aws:s3:::gd-findings-222222222222"), put_object, perimeter])
	count(fs) == 2
	every f in fs {
		f.fix == {"set_at": {"Condition": {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}}
	}
}

# Near miss: PutObject granted on the whole bucket also covers the prefix.
test_near_miss_put_on_whole_bucket if {
	wide := object.union(put_object, {"Resource": "arn:aws:s3:::gd-findings-222222222222/*"})
	facts([get_location("arn:aws:s3:::gd-findings-222222222222"), wide]) == set()
}
