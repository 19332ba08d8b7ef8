package trailgate.rules.or02_test

import data.trailgate.rules.or02

role := "arn:aws:iam::222222222222:role/ExpelRole"

vendor := "arn:aws:iam::012345678901:root"

rcp_full := {"id": "p-RCPFullAWSAccess", "type": "RESOURCE_CONTROL_POLICY", "targets": ["r-a1b2", "222222222222"], "document": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}}}

perimeter(exempt) := {"id": "p-perimeter", "type": "RESOURCE_CONTROL_POLICY", "targets": ["r-a1b2"], "document": {"document": {"Version": "2012-10-17", "Statement": [{
	"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": ["sts:AssumeRole", "s3:*", "kms:*", "sqs:*"], "Resource": "*",
	"Condition": {
		"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5", "aws:PrincipalAccount": exempt},
		"BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
	},
}]}}}

snap(policies) := {
	"connector": {"profile": "expel", "role": role, "trusted_principal": vendor, "external_id": "ext-1"},
	"snapshot": {
		"organization": {
			"id": "o-a1b2c3d4e5", "management_account_id": "111111111111", "root_id": "r-a1b2",
			"members": [{"id": "111111111111", "parent_id": "r-a1b2"}, {"id": "222222222222", "parent_id": "r-a1b2"}],
			"enabled_policy_types": ["RESOURCE_CONTROL_POLICY"],
			"policies": policies,
		},
		"accounts": [{"id": "222222222222", "roles": [{"name": "ExpelRole", "arn": role, "trust_policy": {"document": {"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Principal": {"AWS": vendor}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "ext-1"}}},
		]}}}]}],
	},
}

facts(policies) := {f.fact | some f in fs} if {
	fs := or02.deny with input as snap(policies)
}

test_pass if {
	facts([rcp_full]) == set()
}

test_fail_perimeter_blocks_vendor if {
	fs := or02.deny with input as snap([rcp_full, perimeter(["999999999999"])])
	{f.fact | some f in fs} == {concat(" ", [vendor, "sts:AssumeRole"])}
	some f in fs
	contains(f.remediation, `"aws:PrincipalAccount":"012345678901"`)
}

# Near miss: the same perimeter exempting the vendor's account.
test_near_miss_vendor_exempted if {
	facts([rcp_full, perimeter(["012345678901"])]) == set()
}
