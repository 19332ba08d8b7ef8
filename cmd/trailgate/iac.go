package main

import (
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/collectors/iac"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// loadIaC reads the --iac paths and lays them over snap (the live snapshot,
// or nil): same ARN, IaC wins, so a change is judged against the live SCPs,
// keys and roles it will meet. Files a directory walk passed over are
// returned as warnings, so that a template with an unexpected extension is
// not silently left unchecked.
func loadIaC(o *checkOptions, snap *snapshot.Snapshot) (*snapshot.Snapshot, []string, error) {
	if len(o.iac) == 0 {
		return snap, nil, nil
	}
	params := map[string]string{}
	for _, p := range o.params {
		k, v, _ := strings.Cut(p, "=")
		if _, dup := params[k]; dup {
			return nil, nil, usagef("--param %s given twice", k)
		}
		params[k] = v
	}
	overlay, skipped, err := iac.Load(o.iac, iac.Options{Params: params, AccountID: o.account, Region: o.region})
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	for _, s := range skipped {
		warnings = append(warnings, fmt.Sprintf("skipped %s: %s", s.Path, s.Reason))
	}
	return snapshot.Overlay(snap, overlay), warnings, nil
}
