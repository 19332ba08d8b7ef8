# METADATA
# title: Sentinel OIDC role admits only the retired session name
# description: >-
#   Microsoft Sentinel's AWS S3 connector assumes its role with web identity
#   and a session name. Microsoft moved from MicrosoftSentinel_* to
#   MicrosoftDefenderForClouds_* session names; a trust policy whose
#   sts:RoleSessionName condition admits only MicrosoftSentinel_* stops
#   ingestion with "Failed to fetch authentication token for OIDC role"
#   (health code S3B40029). Microsoft also says to add the Sentinel audience
#   to an existing Defender OIDC provider rather than create a second one;
#   the snapshot does not hold OIDC providers, so that part is not checked.
# related_resources:
#   - ref: https://learn.microsoft.com/azure/sentinel/connect-aws-configure-environment
#   - ref: https://github.com/Azure/Azure-Sentinel/blob/master/DataConnectors/AWS-S3/AwsRequiredPolicies.md
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_rolesessionname
# custom:
#   id: ID02
#   severity: critical
#   area: identity
#   hops: [reader]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - sts:AssumeRole
#   remediation: >-
#     Make the trust policy's sts:RoleSessionName condition (StringLike)
#     admit MicrosoftDefenderForClouds_* as well as MicrosoftSentinel_*.
package trailgate.rules.id02

import data.trailgate.lib
import data.trailgate.lib.datapath

web_identity(st) if {
	some a in datapath.as_list(object.get(st, "Action", null))
	datapath.action_matches(a, "sts:AssumeRoleWithWebIdentity")
}

# session_names are the values of every sts:RoleSessionName condition
# (condition keys compare case-insensitively).
session_names(st) := [v |
	some _, block in object.get(st, "Condition", {})
	some k, vals in block
	lower(k) == "sts:rolesessionname"
	some v in datapath.as_list(vals)
]

deny contains f if {
	some e in lib.roles
	some i, st in datapath.statements(e.role.trust_policy.document)
	st.Effect == "Allow"
	web_identity(st)
	names := session_names(st)
	count(names) > 0
	some n in names
	glob.match(n, null, "MicrosoftSentinel_1a2b3c")
	not admits(names, "MicrosoftDefenderForClouds_1a2b3c")
	f := with_session_fix({
		"resource": lib.resource(e.role.arn, "AWS::IAM::Role", e.account, ""),
		"message": sprintf("the trust policy of %s (statement %d) admits sts:RoleSessionName %s only: Sentinel now uses MicrosoftDefenderForClouds_* session names and fails with \"Failed to fetch authentication token for OIDC role\" (S3B40029)", [e.role.arn, i, json.marshal(names)]),
		"fact": sprintf("session-names=%s", [concat(",", sort(names))]),
		"remediation": sprintf("In statement %d of the trust policy of %s, set the condition to {\"StringLike\":{\"sts:RoleSessionName\":[\"MicrosoftSentinel_*\",\"MicrosoftDefenderForClouds_*\"]}}", [i, e.role.arn]),
	}, e.role.trust_policy, i, st)
}

# with_session_fix points the finding at the trust statement and fixes it
# there: each StringLike sts:RoleSessionName condition (spelled as the
# statement spells it) admits MicrosoftDefenderForClouds_* beside its
# names; the statement's other conditions stay. A session-name condition
# under another operator cannot take a pattern: the prose says what to
# write instead.
with_session_fix(f, policy, i, st) := lib.with_fix(lib.locate(f, [statement_location(policy, i)]), {"set_at": {"Condition": fix}}) if {
	statement_location(policy, i) != null
	not session_name_outside_like(st)
	fix := {op: keys |
		some op, block in st.Condition
		lower(op) == "stringlike"
		keys := {k: array.concat(datapath.as_list(vals), ["MicrosoftDefenderForClouds_*"]) |
			some k, vals in block
			lower(k) == "sts:rolesessionname"
		}
		count(keys) > 0
	}
	count(fix) > 0
} else := lib.locate(f, [statement_location(policy, i)])

statement_location(policy, i) := policy.statement_locations[i] if {
	object.get(policy.statement_locations[i], "file", "") != ""
} else := null

session_name_outside_like(st) if {
	some op, block in st.Condition
	lower(op) != "stringlike"
	some k, _ in block
	lower(k) == "sts:rolesessionname"
}

admits(names, session) if {
	some n in names
	glob.match(n, null, session)
}
