package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// Subject is what the rules judge: the snapshot, the connector, the
// authorization index built once over the snapshot, and the delivery
// paths built once and answered with that index. The rules read the
// paths and the log sources as input (input.paths, input.sources) instead
// of rebuilding them; reports and --explain show the same paths.
type Subject struct {
	Snapshot  *snapshot.Snapshot
	Connector *connector.Connector
	Index     *authz.Index
	// Sources are every log source of the snapshot, whatever the
	// connector reads.
	Sources []datapath.LogSource
	// Publishers are the services that publish the sources' notifications
	// to SNS topics.
	Publishers []datapath.Publisher
	// Paths are the delivery paths of the connector's sources (every
	// source without a connector), answered.
	Paths []datapath.Path
	// Locations map the IDs findings name resources by to where the IaC
	// input declares them (ResourceLocations); HopLocations those hops
	// name, for the reports that place each hop. Built once per run.
	Locations    map[string]*snapshot.Location
	HopLocations map[string]*snapshot.Location

	input ast.Value
	snap  ast.Value
	// answers are the paths' answers, by the ref input.paths gives each
	// question (trailgate.path_answer).
	answers []pathAnswer
}

// pathAnswer is one answered question of the paths.
type pathAnswer struct {
	req    authz.Request
	answer *authz.Answer
}

// NewSubject builds snap's delivery paths once, answered with ix, the
// index of snap the run built (nil: NewSubject indexes snap itself).
func NewSubject(snap *snapshot.Snapshot, conn *connector.Connector, ix *authz.Index) (*Subject, error) {
	var err error
	if ix == nil {
		if ix, err = authz.NewIndex(snap); err != nil {
			return nil, fmt.Errorf("indexing the snapshot: %w", err)
		}
	}
	s := &Subject{
		Snapshot: snap, Connector: conn, Index: ix,
		Sources:      datapath.Sources(snap),
		Paths:        datapath.Evaluate(datapath.BuildFor(snap, conn, ix), datapath.AuthzAsker(ix)),
		Locations:    ResourceLocations(snap),
		HopLocations: HopLocations(snap),
	}
	// One parser for every value of the input: their strings and equal
	// objects are shared among them (jsonParser.share).
	jp := newJSONParser()
	snapT, err := snapshotValue(jp, snap)
	if err != nil {
		return nil, err
	}
	s.snap = snapT.Value
	connVal := ast.Value(ast.Null{})
	if conn != nil {
		t, err := jp.marshal(conn)
		if err != nil {
			return nil, err
		}
		connVal = t.Value
	}
	s.Publishers = datapath.Publishers(snap, s.Sources)
	sources, err := jp.marshal(nonNil(s.Sources))
	if err != nil {
		return nil, err
	}
	publishers, err := jp.marshal(nonNil(s.Publishers))
	if err != nil {
		return nil, err
	}
	pl := pathIndex(snap, conn, ix, s.Sources, s.Publishers, s.Paths)
	// Every question of the paths and of their index is answered: the
	// paths and the index hold their answers, and the index's copies
	// would only serve a rule asking one of them again.
	ix.ForgetAnswers()
	paths, answers, err := pathsValue(s.Paths, pl, false, jp)
	s.answers = answers
	if err != nil {
		return nil, err
	}
	gaps, err := jp.marshal(ix.PrincipalGaps())
	if err != nil {
		return nil, err
	}
	index := paths.(ast.Object).Get(ast.StringTerm("index"))
	paths = paths.(ast.Object).Get(ast.StringTerm("paths")).Value
	s.input = ast.NewObject(
		ast.Item(ast.StringTerm("snapshot"), ast.NewTerm(s.snap)),
		ast.Item(ast.StringTerm("connector"), ast.NewTerm(connVal)),
		ast.Item(ast.StringTerm("sources"), sources),
		ast.Item(ast.StringTerm("publishers"), publishers),
		ast.Item(ast.StringTerm("paths"), ast.NewTerm(paths)),
		ast.Item(ast.StringTerm("path_index"), index),
		// The accounts whose principals are not known whole
		// (lib.principals_complete).
		ast.Item(ast.StringTerm("principal_gaps"), gaps),
	)
	return s, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// pathsValue is the Rego value of the paths ({"paths": input.paths,
// "index": input.path_index}): each question
// carries its answer's decision and a ref, the index in the returned
// answers. The rules judge hops by decision and which principal asks what,
// and read a full answer (proof, statements, kinds) through
// trailgate.path_answer(ref), which also logs an Unknown answer for the
// rule that reads it, as trailgate.authz does. The full answers, the bulk
// of a path, stay on the Go side (Subject.Paths), where the reports read
// them: converting every explanation of an organization's paths to Rego
// values cost more than the rules that read none of them. inline puts the
// full answer in the value instead (the trailgate.paths built-in of Rego
// unit tests, which have no Subject to keep them).
//
// The index holds what the rules look up, built once in Go rather than
// joined by a Rego scan per lookup (quadratic in the organization): the
// delivery side of every source (datapath.Delivery) and the reader side
// of the paths (datapath.Reads), whose requests carry answers as the
// questions do (indexValue).
func pathsValue(paths []datapath.Path, lookups pathLookups, inline bool, jp *jsonParser) (ast.Value, []pathAnswer, error) {
	type question struct {
		datapath.Question
		Answer any `json:"answer,omitempty"` // hides Question.Answer
	}
	type hop struct {
		datapath.Hop
		Questions []question `json:"questions,omitempty"`
	}
	type path struct {
		datapath.Path
		Hops []hop `json:"hops"`
	}
	refs := &answerRefs{inline: inline, refs: map[authz.Key]int{}, contexts: map[string]string{}}
	// The paths' questions get the first refs, in path order, then the
	// index's; answers holds each question's answer in that order.
	var answers []any
	for _, p := range paths {
		for _, h := range p.Hops {
			for _, q := range h.Questions {
				a, err := refs.of(q)
				if err != nil {
					return nil, nil, err
				}
				answers = append(answers, a)
			}
		}
	}
	// The index first: its Go form (the reads, datapath.NewReads) is
	// garbage once converted, before the paths' value is made (at 10,000
	// synthetic accounts the two were together the peak of a check).
	indexT, err := indexValue(lookups, refs, jp)
	if err != nil {
		return nil, nil, err
	}
	// Then each path, its questions with their answers, one at a time
	// (arrayValue): a copy of every question of the organization at once
	// was 140 MB at 10,000 synthetic accounts.
	terms := make([]*ast.Term, len(paths))
	k := 0
	for i, p := range paths {
		w := path{Path: p, Hops: make([]hop, len(p.Hops))}
		for j, h := range p.Hops {
			w.Hops[j] = hop{Hop: h}
			for _, q := range h.Questions {
				w.Hops[j].Questions = append(w.Hops[j].Questions, question{Question: q, Answer: answers[k]})
				k++
			}
		}
		t, err := jp.marshal(&w)
		if err != nil {
			return nil, nil, err
		}
		terms[i] = t
	}
	pathsT := ast.ArrayTerm(terms...)
	return ast.NewObject(ast.Item(ast.StringTerm("paths"), pathsT), ast.Item(ast.StringTerm("index"), indexT)), refs.answers, nil
}

// answerRefs gives each answered question its Rego answer: {"decision",
// "ref"}, ref indexing answers, or the full answer when inline.
type answerRefs struct {
	inline  bool
	answers []pathAnswer
	refs    map[authz.Key]int // authz.Request.Key → ref
	// contexts are the refs' contexts (authz.Key.Interned), values each
	// ref's answer value, made once.
	contexts map[string]string
	values   []any
}

func (r *answerRefs) of(q datapath.Question) (any, error) {
	switch {
	case q.Answer == nil:
		return nil, nil
	case r.inline:
		return ast.JSON(answerValue(*q.Answer))
	}
	// One ref per question: the index answers a question asked again (a
	// hop two paths share) as it did, and equal refs let the hops' values
	// be one (jsonValue).
	req := authz.Request{Principal: q.Principal, Action: q.Action, Resource: q.Resource, Context: q.Context}
	key := req.Key()
	ref, ok := r.refs[key]
	if !ok {
		ref = len(r.answers)
		// The refs share their contexts, one string per distinct
		// context: at 10,000 accounts one context string per ref was
		// 360 MB of the peak heap.
		key = key.Interned(r.contexts)
		r.refs[key] = ref
		// The request's context is read only to log an Unknown answer
		// (recordUnknown): kept for those alone, the contexts of the
		// index's questions (datapath.NewReads) are not held through the
		// rules (at 10,000 synthetic accounts, tens of MB).
		pa := pathAnswer{req: req, answer: q.Answer}
		if q.Answer.Decision != authz.Unknown {
			pa.req.Context = nil
		}
		r.answers = append(r.answers, pa)
		r.values = append(r.values, refAnswer{Decision: string(q.Answer.Decision), Ref: ref})
	}
	if v := r.values[ref]; v.(refAnswer).Decision == string(q.Answer.Decision) {
		return v, nil // one boxed value per ref, not one per question
	}
	return refAnswer{Decision: string(q.Answer.Decision), Ref: ref}, nil
}

// refAnswer is a question's answer in input.paths and input.path_index.
type refAnswer struct {
	Decision string `json:"decision"`
	Ref      int    `json:"ref"`
}

// PathAnswerBuiltin gives a rule the full answer to a question of
// input.paths, by the ref the question carries:
//
//	trailgate.path_answer(ref) → the answer, as trailgate.authz answers
//
// An Unknown answer is logged for the rule that reads it (one unproven
// finding per cause, as for trailgate.authz). Rules call it through
// data.trailgate.lib.path_answer, which reads an inline answer (Rego unit
// tests) directly.
const PathAnswerBuiltin = "trailgate.path_answer"

// pathAnswerDecl is not memoized: each rule that reads an Unknown answer
// must log it.
var pathAnswerDecl = objectBuiltin(PathAnswerBuiltin,
	"The full authorization answer of a delivery-path question, by its ref in input.paths.",
	"answer", false, types.Named("ref", types.N))

type answersKey struct{}

func withAnswers(ctx context.Context, answers []pathAnswer) context.Context {
	return context.WithValue(ctx, answersKey{}, answers)
}

func pathAnswerImpl(bctx rego.BuiltinContext, refT *ast.Term) (*ast.Term, error) {
	n, ok := refT.Value.(ast.Number)
	if !ok {
		return nil, fmt.Errorf("%s: ref must be a number", PathAnswerBuiltin)
	}
	ref, ok := n.Int()
	var answers []pathAnswer
	if bctx.Context != nil {
		answers, _ = bctx.Context.Value(answersKey{}).([]pathAnswer)
	}
	if !ok || ref < 0 || ref >= len(answers) {
		return nil, fmt.Errorf("%s: no answer %v in this check", PathAnswerBuiltin, refT)
	}
	a := answers[ref]
	recordUnknown(bctx.Context, a.req, *a.answer)
	if b, ok := bctx.Context.Value(bindingKey{}).(*binding); ok {
		return b.answers.forRef(ref, *a.answer), nil
	}
	return ast.NewTerm(answerValue(*a.answer)), nil
}

// PathsBuiltin gives a Rego unit test, which brings only input.snapshot
// and input.connector, the delivery paths the engine passes every rule as
// input.paths (NewSubject), built by analyzer/datapath and answered with
// the snapshot's authorization index:
//
//	trailgate.paths(snapshot, connector or null) → {"paths": [path, ...], "index": path_index}
//
// data.trailgate.lib.paths reads the input and falls back to it.
const PathsBuiltin = "trailgate.paths"

var pathsDecl = objectBuiltin(PathsBuiltin,
	"The delivery paths of a snapshot for a connector (null: none), as analyzer/datapath builds and answers them.",
	"paths", true, types.Named("snapshot", types.A), types.Named("connector", types.A))

func pathsImpl(bctx rego.BuiltinContext, snapT, connT *ast.Term) (*ast.Term, error) {
	ix, snap, conn, err := decodeSubject(bctx, PathsBuiltin, snapT, connT)
	if err != nil {
		return nil, err
	}
	paths := datapath.Evaluate(datapath.BuildFor(snap, conn, ix), datapath.AuthzAsker(ix))
	srcs := datapath.Sources(snap)
	v, _, err := pathsValue(paths, pathIndex(snap, conn, ix, srcs, datapath.Publishers(snap, srcs), paths), true, newJSONParser())
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// decodeValue decodes a Rego value into v (a connector, a profile) as
// the built-in named builtin reads it; null leaves v as it is.
func decodeValue(builtin, what string, val ast.Value, v any) error {
	if _, null := val.(ast.Null); null {
		return nil
	}
	js, err := ast.JSON(val)
	if err != nil {
		return fmt.Errorf("%s: %s: %v", builtin, what, err)
	}
	data, err := json.Marshal(js)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %s: %v", builtin, what, err)
	}
	return nil
}

// decodeSubject is what a built-in of the Rego unit tests is given: the
// snapshot, sorted, with its authorization index, and the connector (nil
// for null).
func decodeSubject(bctx rego.BuiltinContext, builtin string, snapT, connT *ast.Term) (*authz.Index, *snapshot.Snapshot, *connector.Connector, error) {
	ix, err := indexFor(bctx, snapT.Value)
	if err != nil {
		return nil, nil, nil, err
	}
	snap, err := decodeSnapshot(builtin, snapT.Value)
	if err != nil {
		return nil, nil, nil, err
	}
	snap.Sort()
	conn, err := decodeConnector(builtin, connT.Value)
	return ix, snap, conn, err
}

// decodeConnector is the connector a built-in is given (nil for null).
func decodeConnector(builtin string, v ast.Value) (*connector.Connector, error) {
	if _, null := v.(ast.Null); null {
		return nil, nil
	}
	conn := &connector.Connector{}
	return conn, decodeValue(builtin, "connector", v, conn)
}

// StepsBuiltin gives a Rego unit test the questions of a connector's
// guide steps that the engine passes every rule as
// input.path_index.steps, built by analyzer/datapath for the profile the
// test gives (a test's own data.trailgate.profiles entry) and answered
// inline with the snapshot's authorization index:
//
//	trailgate.step_requests(snapshot, connector, profile) → {step ID: [request, ...]}
//
// data.trailgate.lib.datapath.step_requests reads the input and falls
// back to it.
const StepsBuiltin = "trailgate.step_requests"

var stepsDecl = objectBuiltin(StepsBuiltin,
	"The authorization questions of a connector's vendor guide steps, as analyzer/datapath builds and answers them.",
	"steps", true, types.Named("snapshot", types.A), types.Named("connector", types.A), types.Named("profile", types.A))

func stepsImpl(bctx rego.BuiltinContext, snapT, connT, profileT *ast.Term) (*ast.Term, error) {
	ix, snap, conn, err := decodeSubject(bctx, StepsBuiltin, snapT, connT)
	if err != nil {
		return nil, err
	}
	var p profiles.Profile
	if err := decodeValue(StepsBuiltin, "profile", profileT.Value, &p); err != nil {
		return nil, err
	}
	srcs := datapath.Sources(snap)
	steps := datapath.NewSteps(snap, conn, p, srcs, datapath.Publishers(snap, srcs), datapath.AuthzAsker(ix))
	v, err := stepsValue(steps, (&answerRefs{inline: true}).of)
	if err != nil {
		return nil, err
	}
	return newJSONParser().marshal(v)
}
