package trailgate.rules.id01_test

import data.trailgate.rules.id01

role := "arn:aws:iam::222222222222:role/ExpelRole"

vendor := "arn:aws:iam::012345678901:root"

ext := "8d3c0c6e-4b1f-4f5e-9b7a-2c9d1e0f3a41"

trust_ok := {
	"Sid": "TrustExpel", "Effect": "Allow", "Principal": {"AWS": vendor}, "Action": "sts:AssumeRole",
	"Condition": {"StringEquals": {"sts:ExternalId": ext}},
}

snap(profile, name, trust) := {
	"connector": {"profile": profile, "role": sprintf("arn:aws:iam::222222222222:role/%s", [name]), "trusted_principal": vendor, "external_id": ext},
	"snapshot": {"accounts": [{"id": "222222222222", "roles": [{
		"name": name, "arn": sprintf("arn:aws:iam::222222222222:role/%s", [name]),
		"trust_policy": {"document": {"Version": "2012-10-17", "Statement": trust}},
	}]}]},
}

facts(profile, name, trust) := {f.fact | some f in fs} if {
	fs := id01.deny with input as snap(profile, name, trust)
}

test_pass if {
	facts("expel", "ExpelRole", [trust_ok]) == set()
}

test_fail_other_principal if {
	other := object.union(trust_ok, {"Principal": {"AWS": "arn:aws:iam::999999999999:root"}})
	fs := id01.deny with input as snap("expel", "ExpelRole", [other])
	{f.fact | some f in fs} == {concat(" ", [vendor, "sts:AssumeRole"])}
	some f in fs
	contains(f.remediation, `"Principal":{"AWS":"arn:aws:iam::012345678901:root"}`)
	not contains(f.remediation, ext)
}

test_fail_wrong_external_id if {
	wrong := object.union(trust_ok, {"Condition": {"StringEquals": {"sts:ExternalId": "0000-old-id-1111"}}})
	fs := id01.deny with input as snap("expel", "ExpelRole", [wrong])
	count(fs) == 1
	some f in fs
	contains(f.message, "expects sts:ExternalId 00************11, the connector sends 8d********************************41")
	not contains(f.message, ext)
}

test_fail_bare_string_principal if {
	bare := object.union(object.remove(trust_ok, ["Principal"]), {"Principal": vendor})
	fs := facts("expel", "ExpelRole", [bare])
	"malformed principal 0" in fs
	concat(" ", [vendor, "sts:AssumeRole"]) in fs
}

radiant_principal := "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"

radiant_snap(name) := json.patch(snap("radiant", name, [object.union(trust_ok, {"Principal": {"AWS": radiant_principal}})]), [{"op": "replace", "path": "/connector/trusted_principal", "value": radiant_principal}])

# The vendor profile (rego/profiles/radiant.json, loaded by the engine)
# names the role: step R6 reports another name under ID01.
test_fail_radiant_role_name if {
	fs := id01.deny with input as radiant_snap("RadiantRole")
	{f.fact | some f in fs} == {"radiant-R6:role_name"}
	some f in fs
	startswith(f.message, "radiant step R6 not met")
}

test_pass_radiant_role_name if {
	fs := id01.deny with input as radiant_snap("radiant-aws-access-role")
	count(fs) == 0
}

# The profile's principal is Radiant's session, not the account root.
test_fail_radiant_trusted_principal if {
	"radiant-R6:trusted_principal" in facts("radiant", "radiant-aws-access-role", [trust_ok])
}

# Near miss: Radiant's assumed-role session principal is valid.
test_near_miss_assumed_role_principal if {
	session := "arn:aws:sts::649384204969:assumed-role/tenant-aws-access-role/radiant-security"
	trust := object.union(trust_ok, {"Principal": {"AWS": session}})
	doc := json.patch(snap("radiant", "radiant-aws-access-role", [trust]), [{"op": "replace", "path": "/connector/trusted_principal", "value": session}])
	fs := id01.deny with input as doc
	count(fs) == 0
}

test_fail_radiant_member_role_not_trusting_main if {
	main := "arn:aws:iam::222222222222:role/radiant-aws-access-role"
	member := "arn:aws:iam::333333333333:role/radiant-aws-access-role"
	base := radiant_snap("radiant-aws-access-role")
	doc := json.patch(base, [
		{"op": "add", "path": "/snapshot/accounts/0/roles/0/inline_policies", "value": [{"name": "assume", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": member}]}}]},
		{"op": "add", "path": "/snapshot/accounts/1", "value": {"id": "333333333333", "roles": [{
			"name": "radiant-aws-access-role", "arn": member,
			"trust_policy": {"document": {"Version": "2012-10-17", "Statement": [trust_ok]}},
			"inline_policies": [member_read],
		}]}},
	])
	fs := id01.deny with input as doc
	{f.fact | some f in fs} == {concat(" ", [main, "sts:AssumeRole"])}
	some f in fs
	f.resource.id == member
	startswith(f.message, "radiant step R8 not met")
	# The main role may assume it already: the member's trust statement
	# alone fixes it.
	f.fix == {"policy": "trust", "add_statement": {"Sid": "TrustMainRole", "Effect": "Allow", "Principal": {"AWS": main}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "<external_id from the connector file>"}}}}

	# Without the main role's grant, that grant is needed too: said, not
	# made.
	bare := json.patch(doc, [{"op": "remove", "path": "/snapshot/accounts/0/roles/0/inline_policies"}])
	some g in id01.deny with input as bare
	g.resource.id == member
	g.fix.add_statement.Sid == "TrustMainRole"
	contains(g.fix.also, concat("", ["allow ", main, " sts:AssumeRole on ", member]))
}

member_read := {"name": "read", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}]}}

# radiant_members is a main role allowed to assume other_arn and, in
# account 333333333333, the given roles.
radiant_members(other_arn, roles) := json.patch(radiant_snap("radiant-aws-access-role"), [
	{"op": "add", "path": "/snapshot/accounts/0/roles/0/inline_policies", "value": [{"name": "assume", "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": other_arn}]}}]},
	{"op": "add", "path": "/snapshot/accounts/1", "value": {"id": "333333333333", "roles": roles}},
])

trusting_main := {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/radiant-aws-access-role"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": ext}}}

# R8: a member role of another name is found through the main role's
# sts:AssumeRole resources and judged like one of the same name.
test_radiant_member_role_other_name if {
	other := "arn:aws:iam::333333333333:role/radiant-read"
	ok := {"name": "radiant-read", "arn": other, "trust_policy": {"document": {"Version": "2012-10-17", "Statement": [trusting_main]}}, "inline_policies": [member_read]}
	facts_of(radiant_members(other, [ok])) == set()
	no_s3 := object.remove(ok, ["inline_policies"])
	facts_of(radiant_members(other, [no_s3])) == {"radiant-R8:member_role_s3"}
	untrusting := object.union(ok, {"trust_policy": {"document": {"Version": "2012-10-17", "Statement": [trust_ok]}}})
	facts_of(radiant_members(other, [untrusting])) == {"arn:aws:iam::222222222222:role/radiant-aws-access-role sts:AssumeRole"}
}

# R8: an account whose roles were read and hold none for the main role.
test_radiant_member_role_missing if {
	unrelated := {"name": "OrganizationAccountAccessRole", "arn": "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", "trust_policy": {"document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:root"}, "Action": "sts:AssumeRole"}]}}}
	facts_of(radiant_members("arn:aws:iam::333333333333:role/radiant-read", [unrelated])) == {"radiant-R8:member_role_missing:333333333333"}
}

# R6: without trusted_principal in the connector file, the trust is
# checked against the principal the guide names.
test_radiant_trust_checked_without_trusted_principal if {
	doc := json.patch(radiant_snap("radiant-aws-access-role"), [
		{"op": "remove", "path": "/connector/trusted_principal"},
		{"op": "replace", "path": "/snapshot/accounts/0/roles/0/trust_policy/document/Statement/0/Principal", "value": {"AWS": "arn:aws:iam::123456789012:root"}},
	])
	facts_of(doc) == {concat(" ", [radiant_principal, "sts:AssumeRole"])}
}

facts_of(doc) := {f.fact | some f in id01.deny with input as doc}

# Where a denied sts:AssumeRole points: the trust statement that nearly
# admits the vendor (here, its external ID differs), else the trust policy
# document, else the role.
placed(doc, trust) := json.patch(doc, [
	{"op": "add", "path": "/snapshot/accounts/0/roles/0/location", "value": {"file": "t.yaml", "line": 43}},
	{"op": "add", "path": "/snapshot/accounts/0/roles/0/trust_policy/location", "value": {"file": "t.yaml", "line": 47}},
	{"op": "add", "path": "/snapshot/accounts/0/roles/0/trust_policy/statement_locations", "value": [{"file": "t.yaml", "line": 50 + (10 * i)} | some i, _ in trust]},
])

assume_location(trust) := f.location if {
	some f in id01.deny with input as placed(snap("expel", "ExpelRole", trust), trust)
	f.fact == concat(" ", [vendor, "sts:AssumeRole"])
}

test_assume_role_points_at_near_miss_trust_statement if {
	other_ext := object.union(trust_ok, {"Condition": {"StringEquals": {"sts:ExternalId": "another"}}})
	unrelated := object.union(trust_ok, {"Sid": "Other", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}})
	assume_location([unrelated, other_ext]) == {"file": "t.yaml", "line": 60}
}

test_assume_role_without_statement_points_at_trust_policy if {
	unrelated := object.union(trust_ok, {"Principal": {"AWS": "arn:aws:iam::999999999999:root"}})
	assume_location([unrelated]) == {"file": "t.yaml", "line": 47}
}

# Confused deputy: with an external ID in the connector file, a trust
# policy that lets the vendor assume the role without it, or with another
# customer's, is reported with the condition to add.
test_fail_no_external_id_condition if {
	open_trust := object.remove(trust_ok, ["Condition"])
	fs := id01.deny with input as snap("generic", "ExpelRole", [open_trust])
	{f.fact | some f in fs} == {concat(" ", ["confused-deputy", vendor])}
	some f in fs
	contains(f.message, "without an external ID")
	contains(f.remediation, `"Condition": {"StringEquals": {"sts:ExternalId": "<external_id from the connector file>"}}`)
	not contains(f.message, ext)
	f.fix == {"set_at": {"Condition": {"StringEquals": {"sts:ExternalId": "<external_id from the connector file>"}}}}
}

test_fail_external_id_only_if_present if {
	lax := json.patch(trust_ok, [{"op": "replace", "path": "/Condition", "value": {"StringEqualsIfExists": {"sts:ExternalId": ext}}}])
	fs := id01.deny with input as snap("generic", "ExpelRole", [lax])
	{f.fact | some f in fs} == {concat(" ", ["confused-deputy", vendor])}
}

test_fail_any_external_id if {
	anyid := json.patch(trust_ok, [{"op": "replace", "path": "/Condition", "value": {"StringLike": {"sts:ExternalId": "*"}}}])
	fs := id01.deny with input as snap("generic", "ExpelRole", [anyid])
	some f in fs
	contains(f.message, "with another customer's external ID")
	# The ID joins the statement's conditions (remedy merges it into the
	# Condition block, keeping the StringLike): both must then hold.
	f.fix == {"set_at": {"Condition": {"StringEquals": {"sts:ExternalId": "<external_id from the connector file>"}}}}
}

# Near miss: without an external ID in the connector file there is nothing
# to require.
test_near_miss_no_external_id_in_connector if {
	open_trust := object.remove(trust_ok, ["Condition"])
	inp := json.patch(snap("generic", "ExpelRole", [open_trust]), [{"op": "remove", "path": "/connector/external_id"}])
	fs := id01.deny with input as inp
	count(fs) == 0
}

# Without trusted_principal in the connector file, the vendor's guide names
# the principal (Radiant R6): its assume, asked in Go with the external ID
# (input.path_index.assume), is judged as the file's would be.
test_fail_guide_principal_not_trusted if {
	doc := json.patch(snap("radiant", "radiant-aws-access-role", [trust_ok]), [{"op": "remove", "path": "/connector/trusted_principal"}])
	fs := id01.deny with input as doc
	concat(" ", [radiant_principal, "sts:AssumeRole"]) in {f.fact | some f in fs}
}

test_pass_guide_principal_trusted if {
	trust := object.union(trust_ok, {"Principal": {"AWS": radiant_principal}})
	doc := json.patch(snap("radiant", "radiant-aws-access-role", [trust]), [{"op": "remove", "path": "/connector/trusted_principal"}])
	fs := id01.deny with input as doc
	not concat(" ", [radiant_principal, "sts:AssumeRole"]) in {f.fact | some f in fs}
	count(fs) == 0
}
