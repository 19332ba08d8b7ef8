package engine

import (
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/iam"
)

// The rules see each path question's decision; the answer's proof and
// explanation stay on the Go side (the reports read them there).
func TestPathsValueCarriesDecisionsOnly(t *testing.T) {
	paths := []datapath.Path{{ID: "p", Hops: []datapath.Hop{{Kind: datapath.HopReader, Questions: []datapath.Question{{
		ID: "receive-message (R)", Principal: "arn:aws:iam::222222222222:role/R", Action: "sqs:ReceiveMessage",
		Resource: "arn:aws:sqs:us-east-1:222222222222:q", ReaderKind: "role",
		Answer: &authz.Answer{Decision: iam.ImplicitlyDenied, Proof: "no statement allows it", Explanation: []string{"long"}},
	}}}}}}
	v, err := pathsValue(paths)
	if err != nil {
		t.Fatal(err)
	}
	q := v.(*ast.Array).Elem(0).Value.(ast.Object).Get(ast.StringTerm("hops")).Value.(*ast.Array).Elem(0).Value.(ast.Object).
		Get(ast.StringTerm("questions")).Value.(*ast.Array).Elem(0).Value.(ast.Object)
	if got := q.Get(ast.StringTerm("answer")).String(); got != `{"decision": "ImplicitlyDenied"}` {
		t.Errorf("answer %s, want the decision only", got)
	}
	if got := q.Get(ast.StringTerm("reader_kind")); got == nil || got.String() != `"role"` {
		t.Errorf("reader_kind %v", got)
	}
	if strings.Contains(v.String(), "no statement allows it") {
		t.Error("the proof reached Rego")
	}
	if paths[0].Hops[0].Questions[0].Answer.Proof == "" {
		t.Error("pathsValue changed the paths")
	}
}
