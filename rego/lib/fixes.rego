package trailgate.lib

# Fixes as data (findings.Fix), which analyzer/remedy writes in the input's
# language: the CloudFormation property or statement, the Terraform
# attribute or statement. A rule builds its finding's fix with these and
# adds it with with_fix; the prose remediation stays the fix of a live
# resource (console, CLI or API).

# statement_fix: add statement to the finding's resource policy
# ("resource"), a role's trust policy ("trust") or its identity policy
# ("identity").
statement_fix(policy, statement) := {"add_statement": statement, "policy": policy}

# grant_fix_in is grant_fix for a policy of the resource's other kinds
# ("trust", "identity"): only for an implicit deny, since an Allow cannot
# lift an explicit one.
grant_fix_in(answer, policy, statement) := statement_fix(policy, statement) if {
	answer.decision == "ImplicitlyDenied"
} else := null

# set_fix: give the finding's resource these properties (CloudFormation's
# names and shapes; a setting CloudFormation has no property for, such as
# a bucket's RequestPaymentConfiguration, in the S3 API's, which
# analyzer/remedy writes as a Terraform resource and reports as outside a
# template).
set_fix(props) := {"set": props}

# outside_fix: no change to the template or configuration fixes the
# cause; why says what holds the setting instead. The prose remediation
# is then the change to make there, for IaC findings too.
outside_fix(why) := {"outside": why}

# merged_fix merges the fixes of several parts of one finding (SQ04's
# problems of one queue): their properties together, and the one resource
# a part declares beside, when every part has a fix that only sets
# properties (and declares at most one resource); otherwise none.
merged_fix(fixes) := object.union({"set": object.union_n([fx.set | some fx in fixes])}, companions) if {
	count(fixes) > 0
	every fx in fixes {
		is_object(fx)
		object.keys(fx) - {"set", "companion"} == set()
	}
	cs := [fx.companion | some fx in fixes; fx.companion]
	count(cs) <= 1
	companions := {"companion": c | some c in cs}
} else := null

# org_fix is the fix of a request an SCP or RCP (kind) denies, when no IaC
# input declares the denying policy: it is attached in AWS Organizations,
# outside the template or configuration the finding points at. (A policy
# an input declares is where the finding points; its prose says what to
# change in it.)
org_fix(answer, kind) := outside_fix(sprintf("the %s that denies it is attached in AWS Organizations (to the root, an OU or the account) and no input declares it; change it where it is managed (the management account, or the stack or configuration that declares it)", [{"scp": "service control policy", "rcp": "resource control policy"}[kind]])) if {
	org_statement_location(answer, kind) == null
} else := null

# condition_exemption is the Condition fix that narrows Deny statement st
# so that a request no longer matches it: st's Condition gains op {key:
# value} (every operator of a statement must match for it to apply). A
# statement that already tests key with op (in any case: condition keys
# are case-insensitive) keeps its values, under its own spelling of the
# key, and gains value; null when st is not a Deny or already has value.
condition_exemption(st, op, key, value) := {"set_at": {"Condition": {op: {k: values}}}} if {
	st.Effect == "Deny"
	tests := object.get(object.get(st, "Condition", {}), op, {})
	k := key_spelling(tests, key)
	old := as_list(object.get(tests, k, []))
	not value in old
	values := exemption_values(old, value)
} else := null

# key_spelling is the spelling tests already has of key, else key.
key_spelling(tests, key) := ks[0] if {
	ks := [k | some k, _ in tests; lower(k) == lower(key)]
	count(ks) > 0
} else := key

exemption_values(old, value) := value if {
	count(old) == 0
} else := array.concat(old, [value])

# deny_exemption_fix narrows the Deny statement of policy (a resource's
# policy, as with_statement_location reads it) that decides answer for
# kind, with condition_exemption.
deny_exemption_fix(policy, answer, kind, op, key, value) := fx if {
	i := statement_index(policy.document, answer, kind)
	fx := condition_exemption(statements(policy.document)[i], op, key, value)
} else := null

# org_exemption_fix is the fix of a request an SCP or RCP (kind) denies:
# where an input declares the denying statement, that statement's
# Condition gains the exemption (condition_exemption); otherwise the
# policy is attached outside the inputs (org_fix).
org_exemption_fix(answer, kind, op, key, value) := fx if {
	st := org_deny_statement(answer, kind)
	fx := condition_exemption(st, op, key, value)
} else := org_fix(answer, kind)

# org_deny_statement is the first Deny statement of an SCP or RCP an input
# declares (with a location) that the answer names, or undefined.
org_deny_statement(answer, kind) := sts[0] if {
	org_statement_location(answer, kind) != null
	type := {"scp": "SERVICE_CONTROL_POLICY", "rcp": "RESOURCE_CONTROL_POLICY"}[kind]
	sts := [st |
		some s in object.get(answer, "statements", [])
		s.kind == kind
		s.role == "deny"
		some p in object.get(input.snapshot, ["organization", "policies"], [])
		p.id == s.policy
		p.type == type
		s.target in object.get(p, "targets", [])
		st := statements(p.document.document)[s.index]
	]
	count(sts) > 0
}

# service_deny_fix is the fix of an AWS service's request (a log writer's)
# that a Deny statement of policy decides (kind: "resourcePolicy"). A Deny
# that tests the caller's organization or account without exempting AWS
# services (a data perimeter written for IAM principals: a service's
# request carries no aws:PrincipalOrgID) gets that exemption, exactly. Any
# other Deny (an encryption header, a key, a network) may be meant for the
# service too: the same exemption is written, but as the user's call
# (also: what the statement tests and what the request sends, so that the
# user narrows it or fixes the request instead), never as an exact edit.
service_deny_fix(policy, answer, kind, request) := fx if {
	i := statement_index(policy.document, answer, kind)
	st := statements(policy.document)[i]
	ex := condition_exemption(st, "BoolIfExists", "aws:PrincipalIsAWSService", "false")
	fx := service_exemption(st, ex, request)
} else := null

service_exemption(st, ex, request) := ex if {
	org_identity_deny(st)
} else := object.union(ex, {"also": sprintf("statement %s denies for what the request sends (%s), not for who sends it: it may be meant for AWS services too, so whether to exempt them is your call; instead, narrow its Condition so that this request no longer matches it, or change the request (the writer's key or headers) to meet it", [statement_name(st), request])})

# org_identity_deny holds for a Deny that tests the caller's organization
# or account and does not already test aws:PrincipalIsAWSService.
org_identity_deny(st) if {
	keys := {lower(k) | some _, tests in object.get(st, "Condition", {}); some k, _ in tests}
	some k in {"aws:principalorgid", "aws:principalaccount", "aws:principalorgpaths"}
	k in keys
	not "aws:principalisawsservice" in keys
}

statement_name(st) := sprintf("'%s'", [st.Sid]) if {
	st.Sid != ""
} else := "(no Sid)"

# reader_grant_fix is the fix of a read (question q, its answer the
# path's) the reader's identity policy does not grant, an implicit deny:
# the statement that policy must gain, where the finding points (the
# reader's role). Across accounts the resource's own policy (what, in
# words) must grant it too, a change the fix says and does not write.
reader_grant_fix(q, statement, resource_account, what) := fx if {
	fx0 := grant_fix_in(q.answer, "identity", statement)
	is_object(fx0)
	fx := cross_account_also(fx0, account_of_arn(q.principal), resource_account, what)
} else := null

cross_account_also(fx, principal_account, resource_account, what) := object.union(fx, {"also": sprintf("across accounts (the reader is in %s, the resource in %s), %s must grant the same to the reader", [principal_account, resource_account, what])}) if {
	resource_account != ""
	principal_account != resource_account
} else := fx
