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

# A Deny's exemption: a new operator, or the values of a key the statement
# already tests (under its own spelling of the key) joined by the new one;
# none for an Allow or a value already there.
test_condition_exemption if {
	deny := {"Effect": "Deny", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin"}}}
	lib.condition_exemption(deny, "ArnNotLike", "aws:PrincipalARN", "arn:aws:iam::1:role/R") == {"set_at": {"Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/Admin", "arn:aws:iam::1:role/R"]}}}}
	lib.condition_exemption({"Effect": "Deny"}, "BoolIfExists", "aws:PrincipalIsAWSService", "false") == {"set_at": {"Condition": {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}}
	lib.condition_exemption({"Effect": "Allow"}, "BoolIfExists", "aws:PrincipalIsAWSService", "false") == null
	lib.condition_exemption(deny, "ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::*:role/Admin") == null
}

# A data perimeter that forgot AWS services is exempted exactly; a Deny
# on what the request sends gets the same exemption as the user's call.
test_service_deny_fix if {
	perimeter := {"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-1"}}}
	header := {"Sid": "DenyWrongKey", "Effect": "Deny", "Condition": {"StringNotEquals": {"s3:x-amz-server-side-encryption-aws-kms-key-id": "k"}}}
	answer := {"statements": [{"kind": "resource", "role": "deny", "index": 0}]}
	lib.service_deny_fix({"document": {"Statement": [perimeter]}}, answer, "resourcePolicy", "r") == {"set_at": {"Condition": {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}}
	fx := lib.service_deny_fix({"document": {"Statement": [header]}}, answer, "resourcePolicy", "guardduty.amazonaws.com s3:PutObject")
	fx.set_at == {"Condition": {"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}
	contains(fx.also, "statement 'DenyWrongKey' denies for what the request sends (guardduty.amazonaws.com s3:PutObject)")
}

# The denying SCP statement an input declares gains the exemption; one
# attached outside the inputs is an outside fix.
test_org_exemption_fix if {
	answer := {"statements": [{"kind": "scp", "role": "deny", "policy": "p-1", "target": "r-1", "index": 0}]}
	declared := {"snapshot": {"organization": {"policies": [{
		"id": "p-1", "type": "SERVICE_CONTROL_POLICY", "targets": ["r-1"],
		"document": {"document": {"Statement": [{"Effect": "Deny", "Action": "s3:*"}]}, "location": {"file": "scp.yaml", "line": 3}},
	}]}}}
	fx := lib.org_exemption_fix(answer, "scp", "ArnNotLike", "aws:PrincipalARN", "arn:aws:iam::1:role/R") with input as declared
	fx == {"set_at": {"Condition": {"ArnNotLike": {"aws:PrincipalARN": "arn:aws:iam::1:role/R"}}}}
	out := lib.org_exemption_fix(answer, "scp", "ArnNotLike", "aws:PrincipalARN", "arn:aws:iam::1:role/R") with input as {"snapshot": {"organization": {"policies": []}}}
	contains(out.outside, "service control policy")
}

# reader_grant_fix: an implicit deny gets the identity statement; across
# accounts it also says the resource's policy must grant; an explicit
# deny gets none (an Allow lifts none).
reader_q(principal, decision) := {"principal": principal, "answer": {"decision": decision}}

test_reader_grant_fix_same_account if {
	st := {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/p/*"}
	lib.reader_grant_fix(reader_q("arn:aws:iam::111111111111:role/r", "ImplicitlyDenied"), st, "111111111111", "the policy of bucket b") == {"add_statement": st, "policy": "identity"}
}

test_reader_grant_fix_cross_account_says_also if {
	st := {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/p/*"}
	fx := lib.reader_grant_fix(reader_q("arn:aws:iam::222222222222:role/r", "ImplicitlyDenied"), st, "111111111111", "the policy of bucket b")
	fx.add_statement == st
	contains(fx.also, "the policy of bucket b must grant the same")
}

test_reader_grant_fix_explicit_deny_none if {
	lib.reader_grant_fix(reader_q("arn:aws:iam::111111111111:role/r", "ExplicitlyDenied"), {}, "111111111111", "x") == null
}
