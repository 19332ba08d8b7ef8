package report

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/analyzer/datapath"
)

// DeliveryPath is one delivery path as the Markdown and HTML reports draw
// it: a log source's hops, in data-flow order, each with its state, the
// explanation behind it and the findings about it (deliveryPaths builds it
// from the analyzer's judged paths).
type DeliveryPath struct {
	// ID is stable across runs (the source and the queue).
	ID string
	// Source names the log source: "cloudtrail trail/org-trail".
	Source string
	// Status is ok, degraded, broken or unknown.
	Status string
	Hops   []DeliveryHop
}

// DeliveryHop is one hop of a DeliveryPath.
type DeliveryHop struct {
	// Kind is the hop's place in the pipeline: writer, bucket, topic, …
	Kind string
	// Name is the hop's main resource, short: "bucket/org-logs".
	Name string
	// Status is ok, degraded, broken, unknown or pending.
	Status string
	// FirstBroken marks the first broken hop of the path: where delivery stops.
	FirstBroken bool
	// Resources are the ARNs on the hop.
	Resources []string
	// Explain is what was asked and answered on the hop, one line each:
	// the authorization questions with their decisions and deciding
	// statements, and the structural problems.
	Explain []string
	// Findings are the fingerprints of the findings about this hop.
	Findings []string
}

// Hop and path states as DeliveryPath spells them.
const (
	StatusOK      = "ok"
	StatusBroken  = "broken"
	StatusUnknown = "unknown"
)

// mark shows a state in one character, as the text report does.
func mark(status string) string {
	if m, ok := marks[datapath.Status(status)]; ok {
		return m
	}
	return marks[datapath.StatusPending]
}

// deliveryPaths are the judged paths as the Markdown and HTML reports draw
// them: each hop's explanation is what --explain prints for it.
func deliveryPaths(paths []datapath.Path) []DeliveryPath {
	out := make([]DeliveryPath, len(paths))
	for i, p := range paths {
		dp := DeliveryPath{ID: p.ID, Source: string(p.Source.Kind) + " " + short(p.Source.ARN), Status: string(p.Status)}
		for j, h := range p.Hops {
			dh := DeliveryHop{Kind: string(h.Kind), Name: hopName(h), Status: string(h.Status),
				FirstBroken: j == p.FirstBroken, Explain: hopExplain(p, j), Findings: h.Findings}
			for _, r := range h.Resources {
				dh.Resources = append(dh.Resources, r.ARN)
			}
			dp.Hops = append(dp.Hops, dh)
		}
		out[i] = dp
	}
	return out
}

// hopExplain is the explanation of hop j, one line each: ExplainPath's
// lines for that hop, without the resources (drawn apart).
func hopExplain(p datapath.Path, j int) []string {
	one := p
	one.Hops = p.Hops[j : j+1]
	one.FirstBroken = -1
	var b bytes.Buffer
	ExplainPath(&b, one)
	var lines []string
	for _, l := range strings.Split(b.String(), "\n")[3:] { // path, source, log objects
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "resource: ") || strings.HasPrefix(t, fmt.Sprintf("1. %s ", p.Hops[j].Kind)) {
			continue
		}
		lines = append(lines, strings.TrimPrefix(l, "       "))
	}
	return lines
}
