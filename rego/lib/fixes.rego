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
