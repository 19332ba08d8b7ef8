package engine

import (
	"fmt"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Paths builds the snapshot's delivery paths (one per log source and
// reader) and answers each hop's authorization questions with the same
// authorization index the rules use, for the text report's path lines and
// for `check --explain`.
func Paths(snap *snapshot.Snapshot, conn *connector.Connector) ([]datapath.Path, error) {
	ix, err := authz.NewIndex(snap)
	if err != nil {
		return nil, fmt.Errorf("indexing the snapshot: %w", err)
	}
	return datapath.Evaluate(datapath.Build(snap, conn), datapath.AuthzAsker(ix)), nil
}
