package trailgate.lib.fixes_test

import data.trailgate.lib

test_statement_and_set_fix if {
	lib.statement_fix("trust", {"Effect": "Allow"}) == {"add_statement": {"Effect": "Allow"}, "policy": "trust"}
	lib.set_fix({"A": 1}) == {"set": {"A": 1}}
	lib.outside_fix("why") == {"outside": "why"}
}

# An Allow cannot lift an explicit deny: a grant is a fix only for an
# implicit one.
test_grant_fix_in if {
	lib.grant_fix_in({"decision": "ImplicitlyDenied"}, "identity", {"Effect": "Allow"}) == {"add_statement": {"Effect": "Allow"}, "policy": "identity"}
	lib.grant_fix_in({"decision": "ExplicitlyDenied"}, "identity", {"Effect": "Allow"}) == null
}

# Parts of one finding: their properties together and at most one
# companion; a part without a fix, or with a statement, leaves none.
test_merged_fix if {
	lib.merged_fix([{"set": {"A": 1}}, {"set": {"B": 2}, "companion": {"suffix": "X"}}]) == {"set": {"A": 1, "B": 2}, "companion": {"suffix": "X"}}
	lib.merged_fix([{"set": {"A": 1}}, null]) == null
	lib.merged_fix([{"set": {"A": 1}}, {"add_statement": {}, "policy": "resource"}]) == null
	lib.merged_fix([{"set": {"A": 1}, "companion": {"suffix": "X"}}, {"set": {"B": 1}, "companion": {"suffix": "Y"}}]) == null
}

# A denying SCP no input declares is outside the template; one an input
# declares is where the finding points, and no outside fix is given.
test_org_fix if {
	answer := {"statements": [{"kind": "scp", "role": "deny", "policy": "p-1", "target": "r-1", "index": 0}]}
	fx := lib.org_fix(answer, "scp") with input as {"snapshot": {"organization": {"policies": []}}}
	contains(fx.outside, "service control policy")
	declared := {"snapshot": {"organization": {"policies": [{
		"id": "p-1", "type": "SERVICE_CONTROL_POLICY", "targets": ["r-1"],
		"document": {"location": {"file": "scp.yaml", "line": 3}},
	}]}}}
	lib.org_fix(answer, "scp") with input as declared == null
}
