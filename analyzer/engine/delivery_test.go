package engine

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
)

// The rules' lookups reach Rego built in Go (input.path_index): every
// request, key and lookup answer of the demo carries a ref to the answer
// Go asked for that very request, so a rule reading it judges the
// question Go built and never asks the index again.
func TestSubjectIndexAnswersResolve(t *testing.T) {
	snap, conn := demo(t)
	s, err := NewSubject(snap, conn, nil)
	if err != nil {
		t.Fatal(err)
	}
	index := s.input.(ast.Object).Get(ast.StringTerm("path_index")).Value.(ast.Object)
	for _, field := range []string{"delivery", "readers", "queue_readers", "keys", "requests", "assume", "answers", "reads"} {
		if index.Get(ast.StringTerm(field)) == nil {
			t.Errorf("input.path_index has no %s", field)
		}
	}
	requests := index.Get(ast.StringTerm("requests")).Value.(*ast.Array)
	if requests.Len() == 0 {
		t.Fatal("the demo's reader makes no request")
	}
	str := func(o ast.Object, k string) string { return string(o.Get(ast.StringTerm(k)).Value.(ast.String)) }
	requests.Foreach(func(x *ast.Term) {
		o := x.Value.(ast.Object)
		ans := o.Get(ast.StringTerm("answer")).Value.(ast.Object)
		ref, ok := ans.Get(ast.StringTerm("ref")).Value.(ast.Number).Int()
		if !ok || ref < 0 || ref >= len(s.answers) {
			t.Fatalf("request %v: ref outside the check's answers", o)
		}
		req := s.answers[ref].req
		if req.Principal != str(o, "reader") || req.Action != str(o, "action") || req.Resource != str(o, "resource") {
			t.Errorf("request %v answered by %+v", o, req)
		}
		if got := string(ans.Get(ast.StringTerm("decision")).Value.(ast.String)); got != string(s.answers[ref].answer.Decision) {
			t.Errorf("request %v: decision %s, answer %s", o, got, s.answers[ref].answer.Decision)
		}
	})
}
