package datapath

import "slices"

// ForRule returns the paths a rule's findings are about: those with a hop
// of one of kinds that is broken or cannot be proven, in order. Evaluate
// the paths first; unevaluated (pending) hops are not selected. The CLI's --explain uses it to
// show only the relevant paths.
func ForRule(paths []Path, kinds ...HopKind) []Path {
	var out []Path
	for _, p := range paths {
		for _, h := range p.Hops {
			if slices.Contains(kinds, h.Kind) && h.Status != StatusOK && h.Status != StatusPending {
				out = append(out, p)
				break
			}
		}
	}
	return out
}
