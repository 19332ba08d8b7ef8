package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// WriteRulesText lists rules as an aligned table: ID, severity, area, title.
func WriteRulesText(w io.Writer, rules []findings.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tAREA\tTITLE")
	for _, r := range sortedRules(rules) {
		area := r.Area
		if area == "" {
			area = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, area, oneLine(r.Title))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	noun := "rules"
	if len(rules) == 1 {
		noun = "rule"
	}
	_, err := fmt.Fprintf(w, "%d %s.\n", len(rules), noun)
	return err
}

// RuleList is the JSON document of `trailgate rules --format json`.
type RuleList struct {
	Tool  Tool            `json:"tool"`
	Rules []findings.Rule `json:"rules"`
}

// WriteRulesJSON lists rules with all their metadata, sorted by ID; rules is
// always an array.
func WriteRulesJSON(w io.Writer, rules []findings.Rule, opts Options) error {
	rs := sortedRules(rules)
	if rs == nil {
		rs = []findings.Rule{}
	}
	return writeIndented(w, RuleList{Tool: Tool{Name: ToolName, Version: opts.ToolVersion}, Rules: rs})
}
