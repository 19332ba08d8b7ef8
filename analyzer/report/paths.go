package report

import (
	"fmt"
	"slices"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
)

// PathView is one delivery path as the JSON result shows it: each hop's
// kind, resources, status and the fingerprints of the findings that
// explain it (the same data the text PATHS view and SARIF codeFlows draw).
type PathView struct {
	// ID is stable across runs: the source ARN, the topic or "direct",
	// and the queue ARN.
	ID     string     `json:"id"`
	Source SourceView `json:"source"`
	// Status is the worst hop status: ok, degraded, unknown or broken.
	Status string    `json:"status"`
	Hops   []HopView `json:"hops"`
}

// SourceView is the log source a path starts from.
type SourceView struct {
	// Kind is cloudtrail or guardduty.
	Kind string `json:"kind"`
	// ARN is the trail's or the GuardDuty detector's.
	ARN    string `json:"arn"`
	Bucket string `json:"bucket"`
	// KeyPrefix is where the source's files land in the bucket.
	KeyPrefix string `json:"key_prefix"`
}

// HopView is one hop of a path.
type HopView struct {
	// Kind is writer, bucket, object-key, notification, topic, topic-key,
	// subscription, queue, queue-key, reader or read.
	Kind string `json:"kind"`
	// Resource is the hop's first resource ARN ("" for a missing
	// notification); Resources lists them all (a reader hop may hold
	// several roles).
	Resource  string   `json:"resource"`
	Resources []string `json:"resources"`
	// Status is ok (proven), degraded (delivers, with a finding),
	// unknown (cannot be proven) or broken.
	Status string `json:"status"`
	// Problems say what the path builder found wrong on the hop.
	Problems []string `json:"problems,omitempty"`
	// Findings are the fingerprints of the findings that explain the hop.
	Findings []string `json:"findings"`
}

// pathViews converts the paths for the JSON result; never nil.
func pathViews(paths []datapath.Path) []PathView {
	out := make([]PathView, 0, len(paths))
	for _, p := range paths {
		v := PathView{ID: p.ID, Status: string(p.Status), Hops: make([]HopView, 0, len(p.Hops)),
			Source: SourceView{Kind: string(p.Source.Kind), ARN: p.Source.ARN, Bucket: p.Source.Bucket, KeyPrefix: p.Source.KeyPrefix}}
		for _, h := range p.Hops {
			hv := HopView{Kind: string(h.Kind), Status: string(h.Status), Problems: h.Problems,
				Resources: []string{}, Findings: slices.Clone(h.Findings)}
			for _, r := range h.Resources {
				hv.Resources = append(hv.Resources, r.ARN)
			}
			if len(hv.Resources) > 0 {
				hv.Resource = hv.Resources[0]
			}
			if hv.Findings == nil {
				hv.Findings = []string{}
			}
			v.Hops = append(v.Hops, hv)
		}
		out = append(out, v)
	}
	return out
}

// codeFlows are a finding's delivery paths as SARIF code flows: one
// thread flow per path the finding explains a hop of, one location per
// hop, the finding's hops marked essential, so that code-scanning UIs
// step through the path. Each hop's location names its resource's ARN
// (a logical location) and, where the input declares one of the hop's
// resources (opts.Places), its file and line: GitHub steps through a flow
// only by physical locations.
func codeFlows(fingerprint string, opts Options) []*sarif.CodeFlow {
	var out []*sarif.CodeFlow
	for _, p := range opts.Paths {
		if !slices.ContainsFunc(p.Hops, func(h datapath.Hop) bool { return slices.Contains(h.Findings, fingerprint) }) {
			continue
		}
		tf := sarif.NewThreadFlow().WithID(p.ID)
		for i, h := range p.Hops {
			mark := fmt.Sprintf("%s %s", h.Kind, h.Status)
			loc := sarif.NewLocation().WithMessage(sarif.NewTextMessage(mark))
			arns := make([]string, len(h.Resources))
			for i, r := range h.Resources {
				arns[i] = r.ARN
			}
			if l, ok := firstPlace(arns, opts.Places); ok {
				loc.WithPhysicalLocation(physicalAt(l, opts))
			}
			if len(h.Resources) > 0 {
				loc.AddLogicalLocations(sarif.NewLogicalLocation().WithFullyQualifiedName(h.Resources[0].ARN).WithKind("resource"))
			}
			tfl := sarif.NewThreadFlowLocation().WithLocation(loc).WithExecutionOrder(i + 1).WithNestingLevel(0)
			if slices.Contains(h.Findings, fingerprint) {
				tfl.WithImportance("essential")
			} else {
				tfl.WithImportance("unimportant")
			}
			tf.AddLocation(tfl)
		}
		out = append(out, sarif.NewCodeFlow().WithTextMessage(string(p.Source.Kind)+" delivery path "+p.ID).WithThreadFlows([]*sarif.ThreadFlow{tf}))
	}
	return out
}

// firstPlace is where the input declares a hop: the place of its first
// resource the input declares (a reader hop's roles may be declared in
// different files, or some not at all).
func firstPlace(arns []string, places map[string]findings.Location) (findings.Location, bool) {
	for _, arn := range arns {
		if l, ok := places[arn]; ok && l.File != "" {
			return l, true
		}
	}
	return findings.Location{}, false
}
