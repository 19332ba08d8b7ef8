package datapath

import "strings"

// UnprovenCause says whether a hop's problem is one the input cannot
// decide ("cannot prove: role … is not in the snapshot": a resource the
// input names but does not hold), and returns its cause without the mark.
// The engine reports such a hop as an unproven finding of the rule that
// judges its kind when no finding explains it.
func UnprovenCause(problem string) (string, bool) {
	return strings.CutPrefix(problem, unknownMark)
}
