package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// WriteHTML writes one self-contained HTML file (no script, no external
// asset: it opens offline and from a CI artifact): the verdict, each
// delivery path drawn hop by hop as inline SVG (green proven, red broken,
// amber unproven; the first broken hop outlined), the explanation behind
// each hop, and the findings by severity, each linked to the hops it is
// about and back.
func WriteHTML(w io.Writer, fs []findings.Finding, _ []findings.Rule, opts Options) error {
	fs = sorted(fs)
	s := findings.Summarize(fs)
	doc := htmlDoc{Tool: ToolName, Version: opts.ToolVersion, Summary: s, Total: len(fs), Notes: opts.Notes, Unjudged: opts.Unjudged}
	onHop := map[string][]hopRef{} // fingerprint → hops
	ruleOf := map[string]string{}  // fingerprint → rule ID
	for _, f := range fs {
		ruleOf[f.Fingerprint] = f.RuleID
	}
	for i, p := range deliveryPaths(opts.Paths) {
		hp := htmlPath{ID: fmt.Sprintf("p%d", i+1), Name: p.ID, Source: p.Source, Status: p.Status}
		hp.Width = 2*hopMargin + len(p.Hops)*hopStep - (hopStep - hopWidth)
		for j, h := range p.Hops {
			ref := hopRef{ID: fmt.Sprintf("%s-h%d", hp.ID, j+1), Label: fmt.Sprintf("path %d, hop %d (%s)", i+1, j+1, h.Kind)}
			hh := htmlHop{DeliveryHop: h, ID: ref.ID, Mark: mark(h.Status),
				X: hopMargin + j*hopStep, Y: 28, W: hopWidth, H: 56, Label: clip(h.Name, 20)}
			hh.TextX = hh.X + hopWidth/2
			if j > 0 {
				hh.ArrowX1 = hh.X - (hopStep - hopWidth) + 2
				hh.ArrowX2 = hh.X - 4
				hh.ArrowHead = fmt.Sprintf("%d,56 %d,50 %d,62", hh.ArrowX2, hh.ArrowX2-8, hh.ArrowX2-8)
			}
			for _, fp := range h.Findings {
				onHop[fp] = append(onHop[fp], ref)
				hh.Findings = append(hh.Findings, hopRef{ID: "f-" + fp, Label: ruleOf[fp]})
			}
			hp.Hops = append(hp.Hops, hh)
		}
		doc.Paths = append(doc.Paths, hp)
	}
	for _, sev := range findings.Severities {
		g := htmlGroup{Severity: string(sev), Title: capitalize(string(sev))}
		for _, f := range fs {
			if f.Severity != sev {
				continue
			}
			hf := htmlFinding{Finding: f, ID: "f-" + f.Fingerprint, Hops: onHop[f.Fingerprint]}
			if f.Fingerprint == "" {
				hf.ID = fmt.Sprintf("f-%s-%d", f.RuleID, len(g.Findings))
			}
			if l := locate(f, opts); l != nil {
				hf.Where = filepath.ToSlash(l.File)
				if l.Line > 0 {
					hf.Where += fmt.Sprintf(":%d", l.Line)
				}
			}
			g.Findings = append(g.Findings, hf)
		}
		if len(g.Findings) > 0 {
			doc.Groups = append(doc.Groups, g)
		}
	}
	return htmlTemplate.Execute(w, doc)
}

// Hop boxes: width, step between boxes, margin.
const (
	hopWidth  = 132
	hopStep   = 160
	hopMargin = 12
)

type htmlDoc struct {
	Tool, Version string
	Summary       findings.Summary
	Total         int
	Paths         []htmlPath
	Groups        []htmlGroup
	Notes         []string
	Unjudged      []Unjudged
}

type htmlPath struct {
	ID, Name, Source, Status string
	Width                    int
	Hops                     []htmlHop
}

type htmlHop struct {
	DeliveryHop
	ID, Mark, Label  string
	X, Y, W, H       int
	TextX            int
	ArrowX1, ArrowX2 int
	ArrowHead        string
	// Findings links the findings about the hop, labelled by rule.
	Findings []hopRef
}

type hopRef struct{ ID, Label string }

type htmlGroup struct {
	Severity, Title string
	Findings        []htmlFinding
}

type htmlFinding struct {
	findings.Finding
	ID    string
	Where string
	Hops  []hopRef
}

// clip shortens s to n characters with an ellipsis, for hop labels.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join": strings.Join,
}).Parse(htmlSource))
