package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/termtext"
)

// ANSI styles for the text report, used only when Options.Color is set.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

var severityStyle = map[findings.Severity]string{
	findings.Critical: ansiBold + ansiRed,
	findings.High:     ansiRed,
	findings.Medium:   ansiYellow,
	findings.Low:      ansiCyan,
}

// WriteText writes a report for a terminal or a CI log: findings grouped by
// severity (most severe first), one line per finding (rule, resource, where
// it is declared, what is wrong) followed by its remediation, and a summary
// line last, where a CI log's tail shows it.
func WriteText(w io.Writer, fs []findings.Finding, rules []findings.Rule, opts Options) error {
	bw := bufio.NewWriter(w)
	style := func(s, code string) string {
		if !opts.Color || code == "" {
			return s
		}
		return code + s + ansiReset
	}
	fs = sorted(fs)
	// The data paths come first: where the pipeline breaks, then why.
	if len(opts.Paths) > 0 {
		bw.WriteString(style("PATHS", ansiBold) + "\n")
		for _, p := range opts.Paths {
			bw.WriteString("  " + termtext.Escape(oneLine(PathLine(p))) + "\n")
		}
		bw.WriteString("\n")
	}
	for _, sev := range findings.Severities {
		var group []findings.Finding
		for _, f := range fs {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(bw, "%s (%d)\n", style(strings.ToUpper(string(sev)), severityStyle[sev]), len(group))
		for _, f := range group {
			writeTextFinding(bw, f, style)
		}
		bw.WriteString("\n")
	}
	bw.WriteString(summaryLine(fs, len(rules), opts) + "\n")
	for _, n := range opts.Notes {
		bw.WriteString("note: " + n + "\n")
	}
	return bw.Flush()
}

func writeTextFinding(w *bufio.Writer, f findings.Finding, style func(string, string) string) {
	var line strings.Builder
	line.WriteString("  ")
	line.WriteString(style(f.RuleID, ansiBold))
	line.WriteString("  ")
	line.WriteString(termtext.Escape(resourceLabel(f)))
	if f.Location != nil && f.Location.File != "" {
		line.WriteString(" (")
		line.WriteString(termtext.Escape(locationLabel(f.Location)))
		line.WriteString(")")
	}
	line.WriteString(": ")
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	line.WriteString(termtext.Escape(oneLine(msg)))
	if f.Unproven {
		line.WriteString(style(" [unproven]", ansiDim))
	}
	if f.Baselined {
		line.WriteString(style(" [baselined]", ansiDim))
	}
	w.WriteString(line.String() + "\n")
	if f.Remediation != "" {
		// Remediations may quote a policy statement over several lines; keep
		// them under the finding they belong to.
		indent := strings.Repeat(" ", 2+len(f.RuleID)+2)
		lines := strings.Split(termtext.EscapeLines(strings.TrimRight(f.Remediation, "\n")), "\n")
		for i := 1; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) != "" {
				lines[i] = indent + "     " + lines[i]
			}
		}
		w.WriteString(indent + style("fix: ", ansiDim) + strings.Join(lines, "\n") + "\n")
	}
}

// resourceLabel names the resource the way a reader looks for it: the ARN
// for live resources, the Terraform address or logical ID when the finding
// came from IaC and has no ARN yet.
func resourceLabel(f findings.Finding) string {
	switch {
	case f.Resource.ID != "":
		return f.Resource.ID
	case f.Address != "":
		return f.Address
	case f.Resource.Type != "":
		return f.Resource.Type
	}
	return "(no resource)"
}

func locationLabel(l *findings.Location) string {
	if l.Line > 0 {
		return fmt.Sprintf("%s:%d", l.File, l.Line)
	}
	return l.File
}

// oneLine keeps one finding on one line even if a rule's message holds a
// newline.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func summaryLine(fs []findings.Finding, nrules int, opts Options) string {
	s := findings.Summarize(fs)
	var b strings.Builder
	switch len(fs) {
	case 0:
		b.WriteString("No findings")
	case 1:
		b.WriteString("1 finding")
	default:
		fmt.Fprintf(&b, "%d findings", len(fs))
	}
	if len(fs) > 0 {
		fmt.Fprintf(&b, ": %d critical, %d high, %d medium, %d low", s.Critical, s.High, s.Medium, s.Low)
	}
	unproven := 0
	for _, f := range fs {
		if f.Unproven {
			unproven++
		}
	}
	if unproven > 0 {
		fmt.Fprintf(&b, " (%d low cannot be proven)", unproven)
	}
	if opts.BaselineUsed {
		n := 0
		for _, f := range fs {
			if f.Baselined {
				n++
			}
		}
		fmt.Fprintf(&b, " (%d baselined)", n)
	}
	if nrules == 1 {
		b.WriteString(" from 1 rule.")
	} else {
		fmt.Fprintf(&b, " from %d rules.", nrules)
	}
	switch n := len(opts.Unjudged); n {
	case 0:
	case 1:
		b.WriteString(" 1 file could not be judged:")
	default:
		fmt.Fprintf(&b, " %d files could not be judged:", n)
	}
	for _, u := range opts.Unjudged {
		b.WriteString("\n  " + termtext.Escape(snapshot.ErrorText(u.File, u.Line, "", u.Reason)))
	}
	if len(opts.NotModeled) > 0 {
		parts := make([]string, len(opts.NotModeled))
		for i, n := range opts.NotModeled {
			parts[i] = n.String()
		}
		b.WriteString("\n  not judged: " + strings.Join(parts, ", "))
	}
	return b.String()
}

// optional writes format with v, a part of a line the reader may lack,
// when v is not empty.
func optional(w io.Writer, format, v string) {
	if v != "" {
		fmt.Fprintf(w, format, v)
	}
}
