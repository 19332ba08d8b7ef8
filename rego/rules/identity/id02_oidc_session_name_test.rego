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

located(r) := json.patch(r, [{"op": "add", "path": "/trust_policy/statement_locations", "value": [{"file": "t.yaml", "line": 9}]}])

fixes(r) := {[f.location, object.get(f, "fix", null)] | some f in fs} if {
	fs := id02.deny with input as {"snapshot": {"accounts": [{"id": "222222222222", "roles": [r]}]}, "connector": null}
}

# The fix adds the new session name to the StringLike condition, at the
# trust statement's line, keeping the old name and the audience condition.
test_fix_adds_defender_session_name if {
	fixes(located(role("MicrosoftSentinel_*"))) == {[{"file": "t.yaml", "line": 9}, {"set_at": {"Condition": {"StringLike": {"sts:RoleSessionName": ["MicrosoftSentinel_*", "MicrosoftDefenderForClouds_*"]}}}}]}
}

# A session name under StringEquals cannot take a pattern: no fix as data.
test_no_fix_for_session_name_under_string_equals if {
	r := json.patch(located(role("MicrosoftSentinel_*")), [{"op": "add", "path": "/trust_policy/document/Statement/0/Condition/StringEquals/sts:RoleSessionName", "value": "MicrosoftSentinel_x"}])
	some [loc, fx] in fixes(r)
	loc == {"file": "t.yaml", "line": 9}
	fx == null
}
