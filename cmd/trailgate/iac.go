package main

import (
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/iac"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// loadIaC reads the --iac paths and lays them over snap (the live snapshot,
// or nil): same ARN, IaC wins, so a change is judged against the live SCPs,
// keys and roles it will meet. The notes it returns account for the files
// a directory walk passed over: with --verbose each one and why, otherwise
// their number, so that a template with an unexpected extension is never
// silently left unchecked, yet a repository walk does not repeat its
// README and node_modules on every run. Files that are IaC but could not be
// judged are always named (and recorded in o.unjudged for the report);
// warnings are the collectors' doubts.
func loadIaC(o *checkOptions, snap *snapshot.Snapshot) (*snapshot.Snapshot, []string, []string, error) {
	if len(o.iac) == 0 {
		return snap, nil, nil, nil
	}
	params := map[string]string{}
	for _, p := range o.params {
		k, v, _ := strings.Cut(p, "=")
		if _, dup := params[k]; dup {
			return nil, nil, nil, usagef("--param %s given twice", k)
		}
		params[k] = v
	}
	opts := iac.Options{Params: params, Region: o.region}
	for _, a := range o.accounts {
		if path, id, scoped := strings.Cut(a, "="); scoped {
			opts.Accounts = append(opts.Accounts, iac.PathAccount{Path: path, ID: id})
		} else {
			opts.AccountID = a
		}
	}
	res, err := iac.Read(o.iac, opts)
	if err != nil {
		return nil, nil, nil, err
	}
	overlay, err := iac.AdoptAccount(res.Snapshot, snap)
	if err != nil {
		return nil, nil, nil, err
	}
	var others []iac.Skipped
	var notes, warnings []string
	for _, s := range res.Skipped {
		if !s.Fault {
			others = append(others, s)
			continue
		}
		o.unjudged = append(o.unjudged, report.Unjudged{File: s.Path, Line: s.Line, Reason: s.Reason})
		notes = append(notes, "not judged: "+s.String())
	}
	for _, w := range res.Warnings {
		warnings = append(warnings, w.String())
	}
	merged := snapshot.Overlay(snap, overlay)
	if merged != nil {
		for _, n := range merged.NotModeled {
			o.notModeled = append(o.notModeled, report.NotModeled{Type: n.Type, Count: n.Count})
		}
	}
	return merged, append(notes, skipNotes(others, o.verbose)...), warnings, nil
}

// skipNotes spells what a walk skipped: one line per file with --verbose,
// else one summary line (none when nothing was skipped).
func skipNotes(skipped []iac.Skipped, verbose bool) []string {
	if len(skipped) == 0 {
		return nil
	}
	if !verbose {
		noun := "files"
		if len(skipped) == 1 {
			noun = "file"
		}
		return []string{fmt.Sprintf("%d %s skipped (use --verbose to list them)", len(skipped), noun)}
	}
	notes := make([]string, len(skipped))
	for i, s := range skipped {
		notes[i] = fmt.Sprintf("skipped %s: %s", s.Path, s.Reason)
	}
	return notes
}
