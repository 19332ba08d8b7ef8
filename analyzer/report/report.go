package report

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"

	"golang.org/x/term"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
)

// ToolName is the name every output reports for the tool.
const ToolName = "trailgate"

// Formats lists the output formats of `trailgate check`, default first.
var Formats = []string{"text", "json", "sarif", "markdown", "html"}

// Options tune the writers. The zero value is valid.
type Options struct {
	// ToolVersion is reported as tool.version (JSON) and driver.version (SARIF).
	ToolVersion string
	// Color turns on ANSI colour in the text report. Use ColorFor to decide.
	Color bool
	// BaselineUsed says a baseline was applied: SARIF then marks every result
	// as "new" or "unchanged" instead of leaving baselineState out, and the
	// text summary counts baselined findings.
	BaselineUsed bool
	// Paths are the delivery paths the findings are about, each hop with
	// the findings that explain it (check.Result.Paths). The text report
	// prints one line per path before the findings (PathLine), the JSON
	// result a paths array, SARIF each finding's paths as codeFlows, the
	// Markdown report a table and the HTML report a picture of each.
	Paths []datapath.Path
	// SourceRoot is the repository root, an absolute directory. Relative
	// location files are relative to it: SARIF writes them against the
	// %SRCROOT% base, which originalUriBaseIds defines as this directory;
	// Markdown links them under LinkBase.
	SourceRoot string
	// Fallback places a finding that carries no Location (one about a
	// live or snapshot resource), so that every SARIF result has the
	// physical location GitHub code scanning requires: the snapshot file
	// at the resource's object. Nil, or a nil answer: the result has only
	// its logical location.
	Fallback func(findings.Finding) *findings.Location
	// Places map the IDs hops name resources by (ARNs) to where the input
	// declares them, relative to SourceRoot as Location files are: the
	// IaC file and line, else the snapshot file at the resource's object.
	// SARIF code flows place each hop there.
	Places map[string]findings.Location
	// LinkBase prefixes Markdown file links (e.g.
	// https://github.com/OWNER/REPO/blob/SHA/); empty: links are relative
	// to the repository root.
	LinkBase string
	// Notes say once what the whole check could not cover ("SCPs and
	// RCPs were not given"): the text report prints them under the
	// summary line, JSON in summary.notes, SARIF in the run's properties.
	Notes []string
	// Unjudged are input files the run could not judge (a malformed
	// template in an --iac directory walk) while it judged the rest: the
	// text summary counts them, JSON lists them under "unjudged", SARIF as
	// toolExecutionNotifications, so that no reader mistakes a clean
	// result for a clean repository.
	Unjudged []Unjudged
	// NotModeled counts the input's resources of types a rule would need
	// that trailgate does not model; each type is named once in the text
	// summary ("not judged: AWS::IAM::Group ×2"), listed under
	// "not_judged" in JSON and as a SARIF notification, so that nothing
	// is dropped silently.
	NotModeled []NotModeled
}

// NotModeled is a resource type the run could not judge and how many
// resources of it the input declares.
type NotModeled struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// String is "TYPE ×COUNT".
func (n NotModeled) String() string { return fmt.Sprintf("%s ×%d", n.Type, n.Count) }

// Unjudged is an input file left out of the judgement, and why.
type Unjudged struct {
	File   string `json:"file"`
	Line   int    `json:"line,omitempty"`
	Reason string `json:"reason"`
}

// SRCROOT is the uriBaseId of SARIF artifact locations relative to the
// repository root, as GitHub code scanning and CodeQL name it.
const SRCROOT = "%SRCROOT%"

// locate is where a finding points: its own location, else the fallback's.
func locate(f findings.Finding, opts Options) *findings.Location {
	if f.Location != nil && f.Location.File != "" {
		return f.Location
	}
	if opts.Fallback != nil {
		if l := opts.Fallback(f); l != nil && l.File != "" {
			return l
		}
	}
	return nil
}

// Writer is the common signature of WriteText, WriteJSON, WriteSARIF,
// WriteMarkdown and WriteHTML.
type Writer func(w io.Writer, fs []findings.Finding, rules []findings.Rule, opts Options) error

// WriterFor returns the writer for a --format value.
func WriterFor(format string) (Writer, error) {
	switch format {
	case "text":
		return WriteText, nil
	case "json":
		return WriteJSON, nil
	case "sarif":
		return WriteSARIF, nil
	case "markdown":
		return WriteMarkdown, nil
	case "html":
		return WriteHTML, nil
	}
	return nil, fmt.Errorf("unknown format %q (want text, json, sarif, markdown or html)", format)
}

// ColorFor reports whether text written to w should be coloured: only when w
// is a terminal and NO_COLOR is unset or empty (https://no-color.org).
func ColorFor(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// sorted returns a sorted copy, so that writers never reorder the caller's
// slice and never depend on the order they were given.
func sorted(fs []findings.Finding) []findings.Finding {
	out := slices.Clone(fs)
	findings.Sort(out)
	return out
}

// sortedRules returns the rules ordered by ID.
func sortedRules(rules []findings.Rule) []findings.Rule {
	out := slices.Clone(rules)
	slices.SortStableFunc(out, func(a, b findings.Rule) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
