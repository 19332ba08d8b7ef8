package report

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// MarkdownLimit is the most characters a Markdown report holds: GitHub
// refuses an issue or pull-request comment body longer than 65,536
// characters ("Body is too long (maximum is 65536 characters)"), and a job
// summary may be up to 1 MiB, so a report that fits a comment fits both.
const MarkdownLimit = 65536

// WriteMarkdown writes a report for a pull-request comment or a GitHub job
// summary: a one-line verdict, the delivery paths as a compact table with a
// mark per hop, then the findings grouped by severity, each with a link to
// its file and line and its remediation folded in <details>. When the whole
// would pass MarkdownLimit, remediations are dropped first, then the least
// severe findings, and the report says how many it left out.
func WriteMarkdown(w io.Writer, fs []findings.Finding, _ []findings.Rule, opts Options) error {
	fs = sorted(fs)
	head := markdownHead(fs, opts)
	budget := MarkdownLimit - len([]rune(head))
	body := markdownFindings(fs, opts, true, budget)
	if strings.Contains(body, markdownOmitted) {
		body = markdownFindings(fs, opts, false, budget)
	}
	_, err := io.WriteString(w, head+body)
	return err
}

// markdownOmitted starts the line saying findings were left out.
const markdownOmitted = "_… "

func markdownHead(fs []findings.Finding, opts Options) string {
	var b strings.Builder
	s := findings.Summarize(fs)
	verdict := "✅ no finding"
	if len(fs) > 0 {
		verdict = fmt.Sprintf("%d finding(s): %d critical, %d high, %d medium, %d low", len(fs), s.Critical, s.High, s.Medium, s.Low)
		if s.Critical+s.High > 0 {
			verdict = "❌ " + verdict
		} else {
			verdict = "⚠️ " + verdict
		}
	}
	fmt.Fprintf(&b, "## trailgate: %s\n\n", verdict)
	if n := countBaselined(fs); n > 0 {
		fmt.Fprintf(&b, "%d finding(s) are in the baseline and do not fail the run.\n\n", n)
	}
	// What the check could not cover, and inputs it could not judge, come
	// before any finding, so that a short report is not read as a clean one.
	for _, n := range opts.Notes {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", inline(n))
	}
	if len(opts.Unjudged) > 0 {
		fmt.Fprintf(&b, "> **%d file(s) not judged:**\n", len(opts.Unjudged))
		for _, u := range opts.Unjudged {
			fmt.Fprintf(&b, "> - %s: %s\n", markdownLink(&findings.Location{File: u.File, Line: u.Line}, opts), inline(u.Reason))
		}
		b.WriteString("\n")
	}
	if delivery := deliveryPaths(opts.Paths); len(delivery) > 0 {
		broken := 0
		for _, p := range delivery {
			if p.Status == StatusBroken {
				broken++
			}
		}
		fmt.Fprintf(&b, "### Delivery paths (%d of %d broken)\n\n", broken, len(delivery))
		b.WriteString("| | Source | Stops at | Hops (✓ proven, ! delivers with a finding, ✗ broken, ? unproven; **bold**: where delivery stops) |\n|---|---|---|---|\n")
		for i, p := range delivery {
			// The table may take half the comment; the findings need the rest.
			if b.Len() > MarkdownLimit/2 {
				fmt.Fprintf(&b, "| | %s%d more path(s) not shown_ | | |\n", markdownOmitted, len(delivery)-i)
				break
			}
			hops := make([]string, len(p.Hops))
			for i, h := range p.Hops {
				hop := mark(h.Status) + " " + h.Kind
				if h.FirstBroken {
					hop = "**" + hop + "**"
				}
				hops[i] = hop
			}
			stop := "—"
			for _, h := range p.Hops {
				if h.FirstBroken {
					stop = cell(strings.TrimSpace(h.Kind + " " + h.Name))
					// Linked to where the input declares it, as findings are.
					if l, ok := firstPlace(h.Resources, opts.Places); ok {
						stop += " (" + markdownLink(&l, opts) + ")"
					}
				}
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mark(p.Status), cell(p.Source), stop, strings.Join(hops, " → "))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func countBaselined(fs []findings.Finding) int {
	n := 0
	for _, f := range fs {
		if f.Baselined {
			n++
		}
	}
	return n
}

// markdownFindings renders the findings by severity within budget
// characters, with or without their remediation details.
func markdownFindings(fs []findings.Finding, opts Options, details bool, budget int) string {
	if len(fs) == 0 {
		return ""
	}
	var b strings.Builder
	used, shown := 0, 0
	reserve := 200 // the omission line
	add := func(s string) bool {
		n := len([]rune(s))
		if used+n > budget-reserve {
			return false
		}
		b.WriteString(s)
		used += n
		return true
	}
	add("### Findings\n")
	full := false
	for _, sev := range findings.Severities {
		var group []findings.Finding
		for _, f := range fs {
			if f.Severity == sev {
				group = append(group, f)
			}
		}
		if len(group) == 0 || full {
			continue
		}
		if !add(fmt.Sprintf("\n#### %s (%d)\n\n", capitalize(string(sev)), len(group))) {
			full = true
			continue
		}
		for _, f := range group {
			if !add(markdownFinding(f, opts, details)) {
				full = true
				break
			}
			shown++
		}
	}
	if shown < len(fs) {
		fmt.Fprintf(&b, "\n%s%d more finding(s) not shown: GitHub comments hold %d characters. The SARIF or JSON result has them all._\n", markdownOmitted, len(fs)-shown, MarkdownLimit)
	}
	return b.String()
}

func markdownFinding(f findings.Finding, opts Options, details bool) string {
	var b strings.Builder
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	var tags []string
	if f.Unproven {
		tags = append(tags, "unproven")
	}
	if f.Baselined {
		tags = append(tags, "baseline")
	}
	fmt.Fprintf(&b, "- **%s** %s", f.RuleID, inline(f.Title))
	if len(tags) > 0 {
		fmt.Fprintf(&b, " _(%s)_", strings.Join(tags, ", "))
	}
	b.WriteString("  \n  ")
	if l := locate(f, opts); l != nil {
		b.WriteString(markdownLink(l, opts) + " ")
	}
	if f.Address != "" {
		b.WriteString(code(f.Address) + " ")
	} else if f.Resource.ID != "" {
		b.WriteString(code(f.Resource.ID) + " ")
	}
	b.WriteString("— " + inline(msg) + "\n")
	if details && f.Remediation != "" {
		b.WriteString("  <details><summary>Remediation</summary>\n\n")
		b.WriteString(indent(fenced(f.Remediation), "  "))
		b.WriteString("\n  </details>\n")
	}
	return b.String()
}

// markdownLink links a location: LinkBase + the root-relative path, with
// GitHub's #L anchor for the line.
func markdownLink(l *findings.Location, opts Options) string {
	text := filepath.ToSlash(l.File)
	if l.Line > 0 {
		text += fmt.Sprintf(":%d", l.Line)
	}
	if isAbs(l.File) {
		return code(text) // outside the repository: nothing to link to
	}
	target := opts.LinkBase + (&url.URL{Path: strings.TrimPrefix(filepath.ToSlash(l.File), "./")}).String()
	if l.Line > 0 {
		target += fmt.Sprintf("#L%d", l.Line)
	}
	return "[" + inline(text) + "](" + target + ")"
}

// inline escapes text for a Markdown line: HTML-significant characters
// become entities (messages quote <placeholders>), Markdown emphasis and
// table characters are backslash-escaped, and newlines become spaces.
func inline(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`)
	return r.Replace(s)
}

// cell is inline for a table cell.
func cell(s string) string { return inline(s) }

// code quotes s as inline code, with a fence longer than any run of
// backquotes inside it.
func code(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + strings.ReplaceAll(s, "|", `\|`) + pad + fence
}

// fenced quotes s as a code block, with a fence longer than any inside it.
func fenced(s string) string {
	fence := "```"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	return fence + "\n" + strings.TrimRight(s, "\n") + "\n" + fence + "\n"
}

func indent(s, pad string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
