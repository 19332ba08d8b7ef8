package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// Attribute records on each hop the fingerprints of the findings that
// explain it (Hop.Findings), and lets them decide the hop's status, so that
// every output shows one story: a hop a finding is about is never shown
// proven. A finding explains the hops of a path that its rule judges
// (hops, by rule ID: the rule's METADATA custom.hops) when it is about the path: its source, or a resource,
// principal or object some hop of the path names. An unproven finding
// makes a proven hop unknown; a critical one (the pipeline is dead) makes
// it broken; any other makes it degraded. The input is not modified.
//
// Each finding is tested only against the paths that name one of its
// resources (onPath), found through an index built once: testing every
// finding against every path grew with the square of the input (300
// independent stacks: 300 paths times 1,500 findings).
func Attribute(paths []Path, fs []findings.Finding, hops map[string][]HopKind) []Path {
	out := make([]Path, len(paths))
	own := make([][]Status, len(paths)) // each hop's status by its own answers, before any finding
	byID := map[string][]int{}          // resource id → the paths it is on, ascending
	for i, p := range paths {
		p.Hops = cloneHops(p.Hops)
		own[i] = make([]Status, len(p.Hops))
		for h := range p.Hops {
			p.Hops[h].Findings = nil
			own[i][h] = p.Hops[h].Status
		}
		out[i] = p
		for _, id := range pathIDs(p) {
			if id == "" { // onPath: "" is on no path
				continue
			}
			if ps := byID[id]; len(ps) == 0 || ps[len(ps)-1] != i {
				byID[id] = append(ps, i)
			}
		}
	}
	var cand []int
	for _, f := range fs {
		cand = append(cand[:0], byID[f.Resource.ID]...)
		for _, b := range f.Blocks {
			cand = append(cand, byID[b.Resource]...)
		}
		slices.Sort(cand)
		for _, i := range slices.Compact(cand) {
			p := &out[i]
			about := causeHops(*p, own[i], f, hops)
			for h := range p.Hops {
				hop := &p.Hops[h]
				if !about[h] {
					continue
				}
				hop.Findings = append(hop.Findings, f.Fingerprint)
				switch {
				case f.Unproven:
					hop.Status = worse(hop.Status, StatusUnknown)
				case f.Severity == findings.Critical:
					hop.Status = worse(hop.Status, StatusBroken)
				default:
					hop.Status = worse(hop.Status, StatusDegraded)
				}
			}
		}
	}
	for i := range out {
		settle(&out[i])
	}
	return out
}

// pathIDs lists every resource id onPath finds on p: the source, and what
// each hop mentions, including each prefix of a question's resource that
// ends before a "/" (mentions matches an id that is such a prefix).
func pathIDs(p Path) []string {
	ids := []string{p.Source.ARN}
	for _, h := range p.Hops {
		for _, r := range h.Resources {
			ids = append(ids, r.ARN)
		}
		for _, q := range h.Questions {
			ids = append(ids, q.Principal, q.Resource)
			for i := range len(q.Resource) {
				if q.Resource[i] == '/' {
					ids = append(ids, q.Resource[:i])
				}
			}
		}
	}
	return ids
}

// causeHops are the hops of p a finding is about (by index). A rule that
// judges several kinds of hops (EB01: the event rule, the topic, the
// subscription, the queue) reports each broken hop as its own finding:
// when some hops of its kinds are unsound by their own answers or
// problems, the finding explains those (one cause may break two: an AWS
// managed key the writer cannot encrypt with and the reader cannot
// decrypt with), never the sound hops before or after them; else the
// hops of its kinds that name its resource; else, as for a rule of one
// hop kind, every hop of its kinds. One cause marks the hops it breaks:
// the others show what they are.
func causeHops(p Path, own []Status, f findings.Finding, hops map[string][]HopKind) map[int]bool {
	var all, named, unsound []int
	for h, hop := range p.Hops {
		if !explains(p, f, hop.Kind, hops) {
			continue
		}
		all = append(all, h)
		if own[h] != "" && own[h] != StatusOK {
			unsound = append(unsound, h)
		}
		isNamed := mentions(hop, f.Resource.ID)
		for _, b := range f.Blocks {
			isNamed = isNamed || mentions(hop, b.Resource)
		}
		if isNamed {
			named = append(named, h)
		}
	}
	pick := all
	if hopKinds(p, all) > 1 {
		for _, c := range [][]int{unsound, named} {
			if len(c) > 0 {
				pick = c
				break
			}
		}
	}
	out := make(map[int]bool, len(pick))
	for _, h := range pick {
		out[h] = true
	}
	return out
}

// hopKinds counts the kinds of hop among p's hops at the indexes.
func hopKinds(p Path, idx []int) int {
	seen := map[HopKind]bool{}
	for _, h := range idx {
		seen[p.Hops[h].Kind] = true
	}
	return len(seen)
}

// explains says whether a finding is about a hop of kind on the path: its
// rule judges that kind of hop and its resource is on the path; or, for an
// unproven finding, one of the rule questions it blocks is (one cause
// blocks several rules on several resources).
func explains(p Path, f findings.Finding, kind HopKind, hops map[string][]HopKind) bool {
	if slices.Contains(hops[f.RuleID], kind) && onPath(p, f.Resource.ID) {
		return true
	}
	for _, b := range f.Blocks {
		if slices.Contains(hops[b.RuleID], kind) && onPath(p, b.Resource) {
			return true
		}
	}
	return false
}

// onPath says whether the resource id is the path's source or something a
// hop of it names.
func onPath(p Path, id string) bool {
	if id == "" {
		return false
	}
	if id == p.Source.ARN {
		return true
	}
	for _, h := range p.Hops {
		if mentions(h, id) {
			return true
		}
	}
	return false
}

// mentions says whether a hop is about the resource id.
func mentions(h Hop, id string) bool {
	if id == "" {
		return false
	}
	for _, r := range h.Resources {
		if r.ARN == id {
			return true
		}
	}
	for _, q := range h.Questions {
		if q.Principal == id || q.Resource == id || strings.HasPrefix(q.Resource, id+"/") {
			return true
		}
	}
	return false
}
