package engine

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The rules see each path question's decision; the answer's proof and
// explanation stay on the Go side (the reports read them there).
func TestPathsValueCarriesDecisionsOnly(t *testing.T) {
	paths := []datapath.Path{{ID: "p", Hops: []datapath.Hop{{Kind: datapath.HopReader, Questions: []datapath.Question{{
		ID: "receive-message (R)", Principal: "arn:aws:iam::222222222222:role/R", Action: "sqs:ReceiveMessage",
		Resource: "arn:aws:sqs:us-east-1:222222222222:q", ReaderKind: "role",
		Answer: &authz.Answer{Decision: iam.ImplicitlyDenied, Proof: "no statement allows it", Explanation: []string{"long"}},
	}}}}}}
	v, answers, err := pathsValue(paths, pathLookups{reads: datapath.NewReads(nil, nil, paths, nil, datapath.Delivery{}, nil)}, false, newJSONParser())
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 1 || answers[0].answer.Proof != "no statement allows it" || answers[0].req.Action != "sqs:ReceiveMessage" {
		t.Errorf("answers kept on the Go side: %+v", answers)
	}
	q := v.(ast.Object).Get(ast.StringTerm("paths")).Value.(*ast.Array).Elem(0).Value.(ast.Object).Get(ast.StringTerm("hops")).Value.(*ast.Array).Elem(0).Value.(ast.Object).
		Get(ast.StringTerm("questions")).Value.(*ast.Array).Elem(0).Value.(ast.Object)
	if got := q.Get(ast.StringTerm("answer")).String(); got != `{"decision": "ImplicitlyDenied", "ref": 0}` {
		t.Errorf("answer %s, want the decision only", got)
	}
	if got := q.Get(ast.StringTerm("reader_kind")); got == nil || got.String() != `"role"` {
		t.Errorf("reader_kind %v", got)
	}
	if got := v.(ast.Object).Get(ast.StringTerm("index")).Value.(ast.Object).Get(ast.StringTerm("answers")).String(); got != `{"arn:aws:iam::222222222222:role/R sqs:ReceiveMessage arn:aws:sqs:us-east-1:222222222222:q": {"decision": "ImplicitlyDenied", "ref": 0}}` {
		t.Errorf("answers index %s", got)
	}
	if strings.Contains(v.String(), "no statement allows it") {
		t.Error("the proof reached Rego")
	}
	if paths[0].Hops[0].Questions[0].Answer.Proof == "" {
		t.Error("pathsValue changed the paths")
	}
}

// A rule that reads an Unknown path answer logs it for itself, as a
// trailgate.authz call does: the unproven finding names the rule.
func TestPathAnswerLogsUnknown(t *testing.T) {
	req := authz.Request{Principal: "arn:aws:iam::222222222222:role/R", Action: "sqs:ReceiveMessage", Resource: "arn:aws:sqs:us-east-1:222222222222:q"}
	unknown := authz.Answer{Decision: iam.Unknown, Proof: "the queue policy is known only after apply"}
	var log unknownLog
	ctx := withUnknownLog(withAnswers(context.Background(), []pathAnswer{{req: req, answer: &unknown}}), &log)
	got, err := pathAnswerImpl(rego.BuiltinContext{Context: ctx}, ast.IntNumberTerm(0))
	if err != nil {
		t.Fatal(err)
	}
	if d := got.Value.(ast.Object).Get(ast.StringTerm("decision")).String(); d != `"Unknown"` {
		t.Errorf("decision %s", d)
	}
	if len(log.answers) != 1 || log.answers[0].req.Action != "sqs:ReceiveMessage" {
		t.Errorf("logged %+v, want the Unknown answer with its request", log.answers)
	}
	if _, err := pathAnswerImpl(rego.BuiltinContext{Context: ctx}, ast.IntNumberTerm(1)); err == nil {
		t.Error("a ref outside the check's answers must be an error")
	}
}

// TestCheckReadsUnknownPathAnswersAsUnproven: the connector's queue policy
// known only after apply leaves the reader's queue questions Unknown; SQ06
// reads them from the paths and the run reports what it could not prove,
// one finding per cause, blocking SQ06 on the queue.
func TestCheckReadsUnknownPathAnswersAsUnproven(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap, conn := demo(t)
	doc := json.RawMessage(`{"Version":"2012-10-17","Statement":"\u003cunknown:known after apply: aws_sqs_queue_policy.q\u003e"}`)
	found := false
	for i := range snap.Accounts {
		for j := range snap.Accounts[i].Queues {
			if snap.Accounts[i].Queues[j].ARN == conn.Queue {
				snap.Accounts[i].Queues[j].Policy = &snapshot.Policy{Document: doc}
				found = true
			}
		}
	}
	if !found {
		t.Fatal("the demo's connector queue is not in its snapshot")
	}
	fs, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatal(err)
	}
	var blocking []string
	for _, f := range fs {
		for _, b := range f.Blocks {
			if b.RuleID == "SQ06" && b.Resource == conn.Queue {
				blocking = append(blocking, f.Fingerprint)
			}
		}
	}
	if len(blocking) != 1 {
		t.Errorf("%d unproven findings block SQ06 on %s, want one (one cause)", len(blocking), conn.Queue)
	}
}

// TestCheckReadsUnknownStepAnswersAsUnproven: a guide step's question
// (Expel E1: the vendor assumes the replica of the connector role) whose
// trust policy is known only after apply is Unknown; the step's rule
// reads it from input.path_index.steps and the run reports it as
// unproven, once, instead of passing silently or calling it denied.
func TestCheckReadsUnknownStepAnswersAsUnproven(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	snap, conn := demo(t)
	doc := json.RawMessage(`{"Version":"2012-10-17","Statement":"\u003cunknown:known after apply: aws_iam_role.replica\u003e"}`)
	replica := ""
	for i := range snap.Accounts {
		if a := &snap.Accounts[i]; a.ID != "222222222222" && replica == "" {
			replica = "arn:aws:iam::" + a.ID + ":role/ExpelRole"
			a.Roles = append(a.Roles, snapshot.Role{Name: "ExpelRole", ARN: replica, TrustPolicy: &snapshot.Policy{Document: doc}})
		}
	}
	if replica == "" {
		t.Fatal("the demo has no account besides the connector role's")
	}
	fs, err := e.Check(context.Background(), snap, conn)
	if err != nil {
		t.Fatal(err)
	}
	var blocking []string
	for _, f := range fs {
		if f.RuleID == "ID01" && f.Resource.ID == replica && !f.Unproven {
			t.Errorf("a replica whose trust is unknown is reported as denied: %s", f.Message)
		}
		for _, b := range f.Blocks {
			if b.RuleID == "ID01" && b.Resource == replica {
				blocking = append(blocking, f.Fingerprint)
			}
		}
	}
	if len(blocking) != 1 {
		t.Errorf("%d unproven findings block ID01 on %s, want one", len(blocking), replica)
	}
}
