package engine

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Unproven hops. A path hop may be undecidable before any rule asks a
// question about it: a subscription filter names a role, or a Firehose
// stream, that the input refers to but does not declare, so the hop
// carries a "cannot prove" problem and no question. No authorization
// answer is Unknown, so unprovenAnswers says nothing, and the rules skip
// such problems (they are not breaks). unprovenHops says it: each such
// hop that no finding explains yields one unproven finding per cause,
// under the rules that judge its kind of hop (METADATA custom.hops);
// when several do, those of the path's own area (an EKS path's bucket hop
// is EK03's, not CT03's). The finding is about the resource the input
// lacks, so the paths view marks the hop unknown and names it.

// sourceArea is the rule area (METADATA custom.area) of a path source's
// own rules.
var sourceArea = map[datapath.SourceKind]string{"cloudtrail": "trail", datapath.SourceCloudWatchLogs: "cloudwatch"}

func areaOf(k datapath.SourceKind) string {
	if a, ok := sourceArea[k]; ok {
		return a
	}
	return string(k)
}

// hopOwners are the rules that judge hops of kind on a path from source.
func hopOwners(rules []findings.Rule, kind datapath.HopKind, source datapath.SourceKind, snap *snapshot.Snapshot) []findings.Rule {
	var all, area []findings.Rule
	for _, r := range rules {
		if !slices.Contains(r.Hops, string(kind)) || orgRuleWithoutOrg(r.ID, snap) {
			continue
		}
		all = append(all, r)
		if r.Area == areaOf(source) {
			area = append(area, r)
		}
	}
	if len(area) > 0 {
		return area
	}
	return all
}

// hopCause gathers, for one cause, the rules and hops it leaves open.
type hopCause struct {
	cause    string
	resource datapath.Resource
	at       string // the hop's first resource: where the reference is written
	blocks   []findings.Blocked
	hops     []string
}

func unprovenHops(rules []findings.Rule, snap *snapshot.Snapshot, paths []datapath.Path, fs []findings.Finding, locs map[string]*snapshot.Location) []findings.Finding {
	kinds := map[string][]datapath.HopKind{}
	titles := map[string]string{}
	for _, r := range rules {
		titles[r.ID] = r.Title
		for _, h := range r.Hops {
			kinds[r.ID] = append(kinds[r.ID], datapath.HopKind(h))
		}
	}
	groups := map[string]*hopCause{}
	for _, p := range datapath.Attribute(paths, fs, kinds) {
		for _, h := range p.Hops {
			if len(h.Findings) > 0 {
				continue
			}
			for _, pr := range h.Problems {
				cause, ok := datapath.UnprovenCause(pr)
				if !ok {
					continue
				}
				owners := hopOwners(rules, h.Kind, p.Source.Kind, snap)
				if len(owners) == 0 {
					continue
				}
				g := groups[cause]
				if g == nil {
					g = &hopCause{cause: cause, resource: lacking(h, cause, p)}
					if len(h.Resources) > 0 {
						g.at = h.Resources[0].ARN
					}
					groups[cause] = g
				}
				for _, r := range owners {
					if b := (findings.Blocked{RuleID: r.ID, Resource: g.resource.ARN}); !slices.Contains(g.blocks, b) {
						g.blocks = append(g.blocks, b)
					}
				}
				if d := fmt.Sprintf("the %s hop of %s", h.Kind, p.ID); !slices.Contains(g.hops, d) {
					g.hops = append(g.hops, d)
				}
			}
		}
	}
	var out []findings.Finding
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		g := groups[key]
		ids := blockedRules(g.blocks)
		slices.Sort(g.hops)
		msg := fmt.Sprintf("cannot prove: %s; so %s cannot be proven (%s", g.cause, strings.Join(ids, ", "), g.hops[0])
		if n := len(g.hops) - 1; n > 0 {
			msg += fmt.Sprintf(", and %d more hop(s)", n)
		}
		msg += ")"
		id := g.resource.ARN
		f := findings.Finding{
			RuleID:      ids[0],
			Severity:    unprovenSeverity,
			Title:       titles[ids[0]],
			Message:     msg,
			Resource:    findings.Resource{ID: id, Type: cmp.Or(g.resource.Type, resourceType(id)), Account: g.resource.Account, Region: g.resource.Region},
			Remediation: "Supply " + id + ": declare it in the input (the template or plan that refers to it), or pass --snapshot from trailgate collect of the account that holds it, and check again.",
			Fingerprint: findings.Fingerprint("unproven", id, "hop:"+g.cause),
			Unproven:    true,
			Blocks:      g.blocks,
		}
		// Where the input refers to it: the hop's own resource (the
		// subscription filter naming the stream), else the resource.
		place(&f, firstLocation(locs, g.at, id))
		out = append(out, f)
	}
	return out
}

// lacking is the resource a hop's cause is about: the hop resource the
// cause names (the role or stream the input lacks), else the hop's first
// resource, else the path's source.
func lacking(h datapath.Hop, cause string, p datapath.Path) datapath.Resource {
	for i := len(h.Resources) - 1; i >= 0; i-- {
		if r := h.Resources[i]; r.ARN != "" && strings.Contains(cause, r.ARN) {
			return r
		}
	}
	if len(h.Resources) > 0 {
		return h.Resources[0]
	}
	return datapath.Resource{ARN: p.Source.ARN, Account: p.Source.Account, Region: p.Source.Region}
}
