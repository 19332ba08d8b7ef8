package engine

import (
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// SourcesBuiltin is the built-in that gives a Rego unit test, which brings
// only input.snapshot, the log sources and publishers the engine passes
// every rule as input.sources and input.publishers (NewSubject):
//
//	trailgate.sources(snapshot) → {"sources": [...], "publishers": [...]}
//
// Both are built by analyzer/datapath, so tests and checks judge the same
// facts; data.trailgate.lib.sources and .publishers read the input and
// fall back to the built-in.
const SourcesBuiltin = "trailgate.sources"

var sourcesDecl = objectBuiltin(SourcesBuiltin,
	"The log sources and notification publishers of a snapshot, as analyzer/datapath builds them.",
	"model", true, types.Named("snapshot", types.A))

func sourcesImpl(_ rego.BuiltinContext, snapT *ast.Term) (*ast.Term, error) {
	snap, err := decodeSnapshot(SourcesBuiltin, snapT.Value)
	if err != nil {
		return nil, err
	}
	// A test's snapshot is written by hand: derive what every producer
	// derives (Sort fills Detector.ARN).
	snap.Sort()
	srcs := datapath.Sources(snap)
	v, err := toValue(map[string]any{"sources": nonNil(srcs), "publishers": nonNil(datapath.Publishers(snap, srcs))})
	if err != nil {
		return nil, err
	}
	return ast.NewTerm(v), nil
}

// decodeSnapshot turns the Rego value of a snapshot back into the model.
func decodeSnapshot(builtin string, v ast.Value) (*snapshot.Snapshot, error) {
	js, err := ast.JSON(v)
	if err != nil {
		return nil, fmt.Errorf("%s: snapshot: %v", builtin, err)
	}
	data, err := json.Marshal(js)
	if err != nil {
		return nil, err
	}
	var s snapshot.Snapshot
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("%s: snapshot: %v", builtin, err)
	}
	return &s, nil
}
