package engine

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
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

	input ast.Value
	snap  ast.Value
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
		Sources: datapath.Sources(snap),
		Paths:   datapath.Evaluate(datapath.Build(snap, conn), datapath.AuthzAsker(ix)),
	}
	if s.snap, err = toValue(snap); err != nil {
		return nil, err
	}
	connVal := ast.Value(ast.Null{})
	if conn != nil {
		if connVal, err = toValue(conn); err != nil {
			return nil, err
		}
	}
	s.Publishers = datapath.Publishers(snap, s.Sources)
	sources, err := toValue(nonNil(s.Sources))
	if err != nil {
		return nil, err
	}
	publishers, err := toValue(nonNil(s.Publishers))
	if err != nil {
		return nil, err
	}
	paths, err := toValue(nonNil(s.Paths))
	if err != nil {
		return nil, err
	}
	s.input = ast.NewObject(
		ast.Item(ast.StringTerm("snapshot"), ast.NewTerm(s.snap)),
		ast.Item(ast.StringTerm("connector"), ast.NewTerm(connVal)),
		ast.Item(ast.StringTerm("sources"), ast.NewTerm(sources)),
		ast.Item(ast.StringTerm("publishers"), ast.NewTerm(publishers)),
		ast.Item(ast.StringTerm("paths"), ast.NewTerm(paths)),
	)
	return s, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
