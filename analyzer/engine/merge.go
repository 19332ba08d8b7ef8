package engine

import (
	"cmp"
	"reflect"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// stepped is a decoded finding and the vendor guide step it reports ("" for
// the rule's own findings).
type stepped struct {
	f    findings.Finding
	step string
	fact string
}

// mergeSteps keeps one finding per cause. A profile step finding (a vendor
// guide step the rule owns, rego/lib datapath profile_findings) about a
// resource the rule already reports at the same or a higher severity is
// the same break seen through the guide (the rule's finding is on that
// resource, or its fact names it: NT04 reports a topic's Region on the
// bucket that notifies it): it is folded into the rule's finding, whose message then names the step, and whose fingerprint (the
// rule's own) stays what it was without a profile. A step finding alone on
// its resource is kept as it is.
func mergeSteps(in []stepped) []findings.Finding {
	var out []findings.Finding
	var facts []string
	for _, s := range in {
		if s.step == "" {
			out = append(out, s.f)
			facts = append(facts, s.fact)
		}
	}
	// about is the most severe own finding about resource id, or -1.
	about := func(id string) int {
		best := -1
		for i, f := range out[:len(facts)] {
			if f.Resource.ID != id && !strings.Contains(facts[i], id) {
				continue
			}
			if best < 0 || f.Severity.Rank() > out[best].Severity.Rank() {
				best = i
			}
		}
		return best
	}
	steps := map[int][]stepped{}
	for _, s := range in {
		if s.step == "" {
			continue
		}
		i := about(s.f.Resource.ID)
		if i < 0 || out[i].Severity.Rank() < s.f.Severity.Rank() {
			out = append(out, s.f)
			continue
		}
		steps[i] = append(steps[i], s)
	}
	for i, ss := range steps {
		slices.SortFunc(ss, func(x, y stepped) int { return cmp.Compare(x.f.Message, y.f.Message) })
		for _, s := range ss {
			// The step's own words stay: it may say more than the rule
			// (the role name the vendor enforces besides its trust).
			out[i].Message += "; also " + s.f.Message
			// A step whose own fix is the rule's fix (expel E8 and NT01
			// both set the notification's events to s3:ObjectCreated:*)
			// needs no second change: the rule's exact fix makes both.
			if s.f.Fix != nil && reflect.DeepEqual(s.f.Fix, out[i].Fix) {
				continue
			}
			if s.f.Remediation != "" && !strings.Contains(out[i].Remediation, s.f.Remediation) {
				out[i].Remediation += " Also: " + s.f.Remediation
			}
		}
	}
	return out
}
