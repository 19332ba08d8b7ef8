# METADATA
# title: Connector role's trust policy does not admit the vendor
# description: >-
#   The vendor assumes the connector's role with sts:AssumeRole from its own
#   principal and with the external ID it issued. Reported when the trust
#   policy writes Principal as a bare ARN string (AWS rejects it; Rapid7's
#   sample does this), when the evaluator denies sts:AssumeRole to the
#   connector's trusted principal with its sts:ExternalId (the principal is
#   not named, or the ExternalId condition expects another value), when the
#   role's name differs from the one the vendor enforces (Radiant:
#   radiant-aws-access-role), and, for the Radiant multi-account model, when
#   a member account's role of the same name does not trust the main role or
#   the main role may not assume it. When the connector file gives an
#   external_id, the vendor's principal must not be able to assume the role
#   without it or with another one: a trust policy without the ExternalId
#   condition lets any customer of the vendor point it at this role (the
#   confused deputy). An assumed-role session principal
#   (Radiant's arn:aws:sts::…:assumed-role/… ) is valid and not reported.
# related_resources:
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
#   - ref: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
# custom:
#   id: ID01
#   severity: critical
#   smoke: [assume-role-refused, external-id-not-required]
#   area: identity
#   hops: [reader]
#   reads:
#     - iam:GetAccountAuthorizationDetails
#     - iam:ListAccessKeys
#     - sts:AssumeRole
#   remediation: >-
#     Trust the vendor's principal exactly as its setup guide gives it, with
#     sts:ExternalId equal to the ID shown in the vendor's console.
package trailgate.rules.id01

import data.trailgate.lib
import data.trailgate.lib.datapath

connector_role := lib.role_arn(input.connector.role)

deny contains f if {
	r := connector_role
	some i, s in lib.statements(r.role.trust_policy.document)
	is_string(s.Principal)
	s.Principal != "*"
	f := finding(
		r, sprintf("malformed principal %d", [i]), sprintf(
			"the trust policy of %s writes Principal as the bare string %q: AWS rejects such a document (MalformedPolicyDocument), so the role cannot be created or updated with it",
			[r.role.arn, s.Principal],
		),
		sprintf("Write the principal as an object: %s", [lib.statement_json(object.union(s, {"Principal": {"AWS": s.Principal}}))]), [statement_location(r, i)],
	)
}

# The vendor's sts:AssumeRole of the connector role, asked once in Go with
# the context the vendor sends (its principal, the external ID) as the
# path's reader hop asks it (input.path_index.assume): the vendor is the
# connector file's trusted_principal, else the principal the vendor's
# guide names (Radiant R6), so the trust is checked either way.
deny contains f if {
	r := connector_role
	some x in lib.path_index.assume
	x.resource == r.role.arn
	p := x.reader
	answer := lib.request_answer(x)
	lib.denied(answer)
	not lib.org_policy_blocks(answer)
	f := lib.with_fix(finding(
		r, sprintf("%s sts:AssumeRole", [p]), sprintf("%s cannot sts:AssumeRole %s%s: %s%s", [
			p, r.role.arn, external_id_phrase, answer.proof, external_id_hint(r, p),
		]),
		sprintf("Add to the trust policy of %s: %s", [r.role.arn, lib.statement_json(trust_statement(p))]), trust_locations(r, p, answer),
	), lib.grant_fix_in(answer, "trust", trust_statement(p)))
}

external_id_phrase := sprintf(" with external ID %s", [masked(input.connector.external_id)]) if {
	input.connector.external_id != ""
} else := ""

trust_statement(p) := {
	"Sid": "TrustVendor",
	"Effect": "Allow",
	"Principal": {"AWS": p},
	"Action": "sts:AssumeRole",
	"Condition": external_id_condition,
} if {
	input.connector.external_id != ""
} else := {"Sid": "TrustVendor", "Effect": "Allow", "Principal": {"AWS": p}, "Action": "sts:AssumeRole"}

# external_id_hint explains an ExternalId condition that expects another
# value, without printing either ID in full.
external_id_hint(r, p) := sprintf(" (the trust policy names %s but expects sts:ExternalId %s, the connector sends %s)", [p, concat(", ", sort(expected)), masked(input.connector.external_id)]) if {
	expected := {masked(v) |
		some s in lib.statements(r.role.trust_policy.document)
		s.Effect == "Allow"
		is_object(s.Principal)
		p in lib.as_list(object.get(s.Principal, "AWS", []))
		some _, conds in object.get(s, "Condition", {})
		some k, vals in conds
		lower(k) == "sts:externalid"
		some v in lib.as_list(vals)
		v != input.connector.external_id
	}
	count(expected) > 0
} else := ""

# masked shows the first and last two characters of an external ID, as
# connector.MaskedExternalID does: findings end up in CI logs.
masked(id) := concat("", [substring(id, 0, 2), stars(count(id) - 4), substring(id, count(id) - 2, 2)]) if {
	count(id) > 4
} else := stars(count(id))

stars(n) := concat("", ["*" | some _ in numbers.range(1, n)]) if n > 0

else := ""

# Confused deputy: with an external ID in the connector file, the vendor's
# principal (trusted_principal, else every AWS principal the trust policy
# allows) must be denied sts:AssumeRole without it and with any other value
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html).
vendor_principals contains p if {
	p := input.connector.trusted_principal
	p != ""
}

vendor_principals contains p if {
	object.get(input.connector, "trusted_principal", "") == ""
	some s in lib.statements(connector_role.role.trust_policy.document)
	s.Effect == "Allow"
	is_object(s.Principal)
	some p in lib.as_list(object.get(s.Principal, "AWS", []))
	p != "*"
}

# other_external_id is a value no vendor issues, standing for another
# customer's ID.
other_external_id := "trailgate-another-customers-external-id"

unguarded(r, p) := {"answer": answer, "how": "without an external ID"} if {
	# Probes no path asks: could the vendor assume the role without, or with another, external ID.
	answer := lib.authz(p, "sts:AssumeRole", r.role.arn, {})
	lib.allowed(answer)
} else := {"answer": answer, "how": "with another customer's external ID"} if {
	answer := lib.authz(p, "sts:AssumeRole", r.role.arn, {"sts:ExternalId": other_external_id})
	lib.allowed(answer)
}

deny contains f if {
	object.get(input.connector, "external_id", "") != ""
	r := connector_role
	some p in vendor_principals
	u := unguarded(r, p)
	f := lib.with_fix(finding(
		r, sprintf("confused-deputy %s", [p]), sprintf(
			"%s can sts:AssumeRole %s %s: the trust policy does not require the external ID %s the vendor issued, so another of the vendor's customers can have it assume this role (confused deputy)",
			[p, r.role.arn, u.how, masked(input.connector.external_id)],
		),
		sprintf("Add to the trust statement of %s that allows %s: %s", [r.role.arn, p, external_id_condition_text]),
		trust_locations(r, p, u.answer),
	), external_id_fix(r, u.answer))
}

# external_id_fix gives the trust statement that lets the vendor in
# unguarded the external ID condition, merged into the conditions it has
# (they stay: the ID is one more key of its StringEquals block): the ID
# is the user's to write (it is masked in every output), so the fix says
# where and what, and is not an exact edit.
external_id_fix(r, answer) := {"set_at": {"Condition": external_id_condition}} if {
	policy := object.get(r.role, "trust_policy", {})
	lib.statement_index(policy.document, answer, "resourcePolicy")
} else := null

external_id_condition := {"StringEquals": {"sts:ExternalId": "<external_id from the connector file>"}}

# external_id_condition_text is the condition as it is written in the
# policy (json.marshal would escape the placeholder's angle brackets).
external_id_condition_text := `"Condition": {"StringEquals": {"sts:ExternalId": "<external_id from the connector file>"}}`

# The role name a vendor enforces (Radiant's radiant-aws-access-role) is a
# profile step (rego/profiles/radiant.json R6, role_name), reported through
# datapath.profile_findings below.

# Radiant: every other account's role (named like the main role, listed
# in its sts:AssumeRole resources, or trusting it) must trust the main
# role, and the main role must be allowed to assume it (profiles.md R7,
# R8). Missing member roles and their S3 grants are the step's own
# checks (lib/guide_accounts.rego).
deny contains f if {
	some s in datapath.required_steps
	s.require.member_roles
	r := connector_role
	some m in datapath.member_roles
	x := member_assumes[m.role.arn]
	x.reader == r.role.arn
	answer := lib.request_answer(x)
	lib.denied(answer)
	not lib.org_policy_blocks(answer)
	f := lib.with_fix(finding(
		m, sprintf("%s sts:AssumeRole", [r.role.arn]), datapath.step_message(s.id, sprintf("the main role %s cannot sts:AssumeRole the member role %s: %s", [r.role.arn, m.role.arn, answer.proof])), sprintf(
			"Add to the trust policy of %s: %s. Allow %s sts:AssumeRole on %s in its identity policy.",
			[m.role.arn, lib.statement_json(member_trust_statement(r)), r.role.arn, m.role.arn],
		),
		trust_locations(m, r.role.arn, answer),
	), member_trust_fix(r, m, answer))
}

# member_assumes are the main role's sts:AssumeRole of each role of
# another account the guide may have it assume, with the connector's
# external ID, asked once in Go (input.path_index.member_assumes), by the
# member role's ARN.
member_assumes := {x.resource: x | some x in lib.path_index.member_assumes}

member_trust_statement(r) := object.union(trust_statement(r.role.arn), {"Sid": "TrustMainRole"})

# member_trust_fix: the member role's trust gains the statement for the
# main role (the finding points at that trust policy). A member role is in
# another account than the main role, so the main role's identity policy
# must allow the assume too: when it does not yet, that grant (in the main
# role's stack) is said and the fix is not exact. An explicit deny is no
# missing statement.
member_trust_fix(r, m, answer) := lib.grant_fix_in(answer, "trust", member_trust_statement(r)) if {
	lib.identity_allows(answer)
} else := object.union(fx, {"also": sprintf("allow %s sts:AssumeRole on %s in its identity policy (in the main role's account, %s)", [r.role.arn, m.role.arn, r.account])}) if {
	fx := lib.grant_fix_in(answer, "trust", member_trust_statement(r))
	is_object(fx)
} else := null

statement_location(r, i) := r.role.trust_policy.statement_locations[i] if {
	r.role.trust_policy.statement_locations[i].file
} else := null

# trust_locations: a denied sts:AssumeRole is about the trust policy (the
# resource policy of the request): the statement that denies, nearly
# allows or is malformed, else the statement meant for the principal, else
# the document.
trust_locations(r, principal, answer) := [
	lib.statement_location(object.get(r.role, "trust_policy", {}), answer, "resourcePolicy"),
	lib.granting_location(object.get(r.role, "trust_policy", {}), principal, "sts:AssumeRole"),
	object.get(r.role, ["trust_policy", "location"], null),
]

# finding points at the first of locs that IaC placed, else the role.
finding(r, fact, message, fix, locs) := lib.locate(
	{
		"resource": lib.resource(r.role.arn, "AWS::IAM::Role", r.account, ""),
		"message": message,
		"fact": fact,
		"remediation": fix,
	},
	array.concat(locs, [object.get(r.role, "location", null)]),
)

# The connector's vendor profile steps that name ID01 (rego/profiles/*.json,
# checked in lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.ID01
