package trailgate.rules.id02_test

import data.trailgate.rules.id02

role(names) := {
	"name": "OIDC_MicrosoftSentinelRole",
	"arn": "arn:aws:iam::222222222222:role/OIDC_MicrosoftSentinelRole",
	"trust_policy": {"document": {"Version": "2012-10-17", "Statement": [{
		"Effect": "Allow",
		"Principal": {"Federated": "arn:aws:iam::222222222222:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/"},
		"Action": "sts:AssumeRoleWithWebIdentity",
		"Condition": {
			"StringEquals": {"sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud": "api://1462b192-27f7-4cb9-8523-0f4ecb54b47e"},
			"StringLike": {"sts:RoleSessionName": names},
		},
	}]}},
}

facts(r) := {f.fact | some f in fs} if {
	fs := id02.deny with input as {"snapshot": {"accounts": [{"id": "222222222222", "roles": [r]}]}, "connector": null}
}

test_pass_both_session_names if {
	facts(role(["MicrosoftSentinel_*", "MicrosoftDefenderForClouds_*"])) == set()
}

test_fail_sentinel_only if {
	facts(role("MicrosoftSentinel_*")) == {"session-names=MicrosoftSentinel_*"}
}

# Near miss: no session-name condition at all admits every session name.
test_near_miss_no_session_condition if {
	r := json.patch(role("x"), [{"op": "remove", "path": "/trust_policy/document/Statement/0/Condition/StringLike"}])
	facts(r) == set()
}

# Near miss: a broad wildcard admits the new name.
test_near_miss_microsoft_wildcard if {
	facts(role("Microsoft*")) == set()
}
