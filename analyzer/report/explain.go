package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
)

// Explain writes what `check --explain RULE_ID` shows: the rule, its
// findings, then each delivery path whose hops the rule judges, hop by
// hop. Paths with a broken or unproven hop of those kinds come first; when
// there is none, every path is shown, so that the user sees what was
// proven.
func Explain(w io.Writer, id string, fs []findings.Finding, rules []findings.Rule, paths []datapath.Path) error {
	var rule *findings.Rule
	for i := range rules {
		if rules[i].ID == id {
			rule = &rules[i]
		}
	}
	if rule == nil {
		return fmt.Errorf("no rule %s", id)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s  %s (%s)\n", rule.ID, rule.Title, rule.Severity)
	var mine []findings.Finding
	for _, f := range fs {
		if f.Judges(id) {
			mine = append(mine, f)
		}
	}
	if len(mine) == 0 {
		fmt.Fprintf(bw, "%s reports nothing.\n", id)
	}
	for _, f := range mine {
		mark := ""
		if f.Unproven {
			mark = " [unproven]"
		}
		fmt.Fprintf(bw, "  finding: %s: %s%s\n", f.Resource.ID, f.Message, mark)
	}
	var hops []datapath.HopKind
	for _, h := range rule.Hops {
		hops = append(hops, datapath.HopKind(h))
	}
	selected := datapath.ForRule(paths, hops...)
	switch {
	case len(paths) == 0:
		fmt.Fprintf(bw, "\nNo delivery path: the snapshot has no log source the connector reads.\n")
	case len(hops) == 0:
		fmt.Fprintf(bw, "\n%s judges no hop of a delivery path; the %d path(s):\n", id, len(paths))
		selected = paths
	case len(selected) == 0:
		fmt.Fprintf(bw, "\nNo path has a broken or unproven %s hop; the %d path(s):\n", joinHops(hops), len(paths))
		selected = paths
	default:
		fmt.Fprintf(bw, "\n%d of %d path(s) have a broken or unproven %s hop:\n", len(selected), len(paths), joinHops(hops))
	}
	for _, p := range selected {
		bw.WriteString("\n")
		ExplainPath(bw, p)
	}
	return bw.Flush()
}

func joinHops(hops []datapath.HopKind) string {
	s := make([]string, len(hops))
	for i, h := range hops {
		s[i] = string(h)
	}
	return strings.Join(s, " or ")
}
