package engine

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/authz"
)

// answerTerms gives the value answerValue gives, converts a question asked
// again once, and shares the statements and kinds answers repeat.
func TestAnswerTermsShareWithoutChangingValues(t *testing.T) {
	scp := authz.Statement{Kind: "scp", Policy: "p-1", Target: "ou-a1b2-sec", Index: 0, Sid: "DenyReads", Effect: "Deny", Role: authz.RoleDeny}
	kind := authz.KindOutcome{Kind: "scp", Target: "ou-a1b2-sec", Outcome: authz.OutcomeDeny, Reason: "statement 'DenyReads' in the SCPs attached to ou-a1b2-sec denies s3:GetObject"}
	a := authz.Answer{Decision: authz.ExplicitlyDenied, Proof: "denied", Explanation: []string{"scp deny"}, Statements: []authz.Statement{scp}, Kinds: []authz.KindOutcome{kind}}
	b := authz.Answer{Decision: authz.ExplicitlyDenied, Proof: "denied too", Explanation: []string{"scp deny"}, Statements: []authz.Statement{scp}, Kinds: []authz.KindOutcome{kind}}
	reqA := authz.Request{Principal: "arn:aws:iam::111111111111:role/a", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	reqB := authz.Request{Principal: "arn:aws:iam::111111111111:role/b", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}

	c := newAnswerTerms()
	ta := c.forRequest(reqA, a)
	if ast.Compare(ta.Value, answerValue(a)) != 0 {
		t.Errorf("shared value %v, want %v", ta, answerValue(a))
	}
	if again := c.forRequest(reqA, a); again != ta {
		t.Error("the same question was converted twice")
	}
	tb := c.forRequest(reqB, b)
	if ast.Compare(tb.Value, answerValue(b)) != 0 {
		t.Errorf("shared value %v, want %v", tb, answerValue(b))
	}
	first := func(t *ast.Term, key string) *ast.Term {
		return t.Value.(ast.Object).Get(ast.StringTerm(key)).Value.(*ast.Array).Elem(0)
	}
	for _, key := range []string{"statements", "kinds"} {
		if first(ta, key) != first(tb, key) {
			t.Errorf("%s: equal entries of two answers are two terms", key)
		}
	}
	if tr := c.forRef(0, b); ast.Compare(tr.Value, answerValue(b)) != 0 || c.forRef(0, b) != tr {
		t.Errorf("path answer %v, want %v once", tr, answerValue(b))
	}
}
