package iac

import (
	"fmt"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Duplicate definitions.
//
// Two inputs that both create one physical resource (the same bucket name,
// the same role or trail ARN) cannot both be deployed: the second stack
// fails on the name, or the second plan replaces the first's settings.
// Merging them would judge only the definition that won and hide the
// findings of the other. Load refuses such inputs instead, naming both
// files and lines. Resources a stack only attaches to (Partial: a policy
// on a bucket it does not create) merge as before, and two copies of a
// stack whose names AWS generates never clash: their names are symbols of
// different files (snapshot.Symbol), judged each on its own.

// DuplicateError is one physical resource defined by two inputs.
type DuplicateError struct {
	Kind, ID      string
	First, Second snapshot.Location
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("%s: %s %s is also defined at %s; two inputs cannot both create it (check each stack on its own, or give each its account with --account PATH=ID)",
		where(e.Second), e.Kind, e.ID, where(e.First))
}

func where(l snapshot.Location) string {
	s := l.File
	if l.Line > 0 {
		s += fmt.Sprintf(":%d", l.Line)
	}
	if l.Address != "" {
		s += " (" + l.Address + ")"
	}
	return s
}

// checkDuplicates returns the first resource two snapshots both create.
func checkDuplicates(snaps []*snapshot.Snapshot) error {
	seen := map[string]snapshot.Location{}
	add := func(kind, id string, partial bool, loc *snapshot.Location) error {
		if partial || id == "" || snapshot.IsUnknown(id) || loc == nil {
			return nil
		}
		key := kind + "\x00" + id
		if first, ok := seen[key]; ok && first.File != loc.File {
			return &DuplicateError{Kind: kind, ID: id, First: first, Second: *loc}
		}
		seen[key] = *loc
		return nil
	}
	for _, s := range snaps {
		for _, a := range s.Accounts {
			var err error
			for _, r := range a.Roles {
				err = firstErr(err, add("role", r.ARN, r.Partial, r.Location))
			}
			for _, b := range a.Buckets {
				err = firstErr(err, add("bucket", b.Name, b.Partial, b.Location))
			}
			for _, t := range a.Trails {
				err = firstErr(err, add("trail", t.ARN, false, t.Location))
			}
			for _, k := range a.Keys {
				err = firstErr(err, add("key", k.ARN, k.Partial, k.Location))
			}
			for _, t := range a.Topics {
				err = firstErr(err, add("topic", t.ARN, t.Partial, t.Location))
			}
			for _, q := range a.Queues {
				err = firstErr(err, add("queue", q.ARN, q.Partial, q.Location))
			}
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
