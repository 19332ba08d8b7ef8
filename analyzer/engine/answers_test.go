package engine

import (
	"context"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// answerTerms gives the value answerValue gives, converts a question asked
// again once, and shares the statements and kinds answers repeat.
func TestAnswerTermsShareWithoutChangingValues(t *testing.T) {
	scp := authz.Statement{Kind: "scp", Policy: "p-1", Target: "ou-a1b2-sec", Index: 0, Sid: "DenyReads", Effect: "Deny", Role: authz.RoleDeny}
	kind := authz.KindOutcome{Kind: "scp", Target: "ou-a1b2-sec", Outcome: iam.OutcomeDeny, Reason: "statement 'DenyReads' in the SCPs attached to ou-a1b2-sec denies s3:GetObject"}
	a := authz.Answer{Decision: authz.ExplicitlyDenied, Proof: "denied", Explanation: []string{"scp deny"}, Statements: []authz.Statement{scp}, Kinds: []authz.KindOutcome{kind}}
	b := authz.Answer{Decision: authz.ExplicitlyDenied, Proof: "denied too", Explanation: []string{"scp deny"}, Statements: []authz.Statement{scp}, Kinds: []authz.KindOutcome{kind}}

	c := newAnswerTerms()
	va, vb := ast.NewTerm(c.value(a)), ast.NewTerm(c.value(b))
	for _, x := range []struct {
		got  *ast.Term
		want authz.Answer
	}{{va, a}, {vb, b}} {
		if ast.Compare(x.got.Value, answerValue(x.want)) != 0 {
			t.Errorf("shared value %v, want %v", x.got, answerValue(x.want))
		}
	}
	first := func(t *ast.Term, key string) *ast.Term {
		return t.Value.(ast.Object).Get(ast.StringTerm(key)).Value.(*ast.Array).Elem(0)
	}
	for _, key := range []string{"statements", "kinds"} {
		if first(va, key) != first(vb, key) {
			t.Errorf("%s: equal entries of two answers are two terms", key)
		}
	}
	// Lists the index gave as one (authz.Index.intern) are one array.
	shared := b
	shared.Proof = "denied again"
	vs := ast.NewTerm(c.value(shared))
	list := func(t *ast.Term, key string) *ast.Term { return t.Value.(ast.Object).Get(ast.StringTerm(key)) }
	for _, key := range []string{"explanation", "statements", "kinds"} {
		if list(vs, key) != list(vb, key) {
			t.Errorf("%s: one list of the index is two arrays", key)
		}
		if list(va, key) == list(vb, key) {
			t.Errorf("%s: two lists of the index are one array", key)
		}
	}
	if tr := c.forRef(0, b); ast.Compare(tr.Value, answerValue(b)) != 0 || c.forRef(0, b) != tr {
		t.Errorf("path answer %v, want %v once", tr, answerValue(b))
	}

	// A rule's question is answered by the index once and converted once.
	ix, err := authz.NewIndex(&snapshot.Snapshot{})
	if err != nil {
		t.Fatal(err)
	}
	req := authz.Request{Principal: "arn:aws:iam::111111111111:role/a", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	got := c.authorize(context.Background(), ix, req)
	if want := answerValue(ix.Authorize(req)); ast.Compare(got.Value, want) != 0 {
		t.Errorf("rule's answer %v, want %v", got, want)
	}
	if again := c.authorize(context.Background(), ix, req); again != got {
		t.Error("the same question was converted twice")
	}
}
