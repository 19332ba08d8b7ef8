package datapath

import (
	"strings"

	"github.com/trailgate/trailgate/analyzer/iam"
)

// Asker answers one authorization question. The engine implements it with
// analyzer/authz, which assembles every policy that applies (identity,
// resource, key, boundary, SCPs, RCPs) and asks the IAM evaluator. An
// Asker must be deterministic and must answer Unknown, never guess, when
// it cannot prove a decision.
type Asker interface {
	Ask(q Question) Answer
}

// AskerFunc adapts a function to an Asker.
type AskerFunc func(q Question) Answer

// Ask calls f.
func (f AskerFunc) Ask(q Question) Answer { return f(q) }

// Evaluate answers every question of every path with asker and sets each
// hop's and path's status. The input is not modified.
func Evaluate(paths []Path, asker Asker) []Path {
	out := make([]Path, len(paths))
	for i, p := range paths {
		p.Hops = cloneHops(p.Hops)
		for h := range p.Hops {
			for q := range p.Hops[h].Questions {
				a := asker.Ask(p.Hops[h].Questions[q])
				p.Hops[h].Questions[q].Answer = &a
			}
		}
		finish(&p)
		out[i] = p
	}
	return out
}

// finish sets hop statuses, the path status and FirstBroken.
func finish(p *Path) {
	for i := range p.Hops {
		p.Hops[i].Status = hopStatus(p.Hops[i])
	}
	settle(p)
}

// settle sets the path status and FirstBroken from the hop statuses.
func settle(p *Path) {
	p.FirstBroken = -1
	p.Status = StatusOK
	for i, h := range p.Hops {
		if h.Status == StatusBroken && p.FirstBroken < 0 {
			p.FirstBroken = i
		}
		p.Status = worse(p.Status, h.Status)
	}
}

func hopStatus(h Hop) Status {
	s := StatusOK
	for _, pr := range h.Problems {
		if strings.HasPrefix(pr, unknownMark) {
			s = worse(s, StatusUnknown)
		} else {
			return StatusBroken
		}
	}
	for _, q := range h.Questions {
		switch {
		case q.Answer == nil:
			s = worse(s, StatusPending)
		case q.Answer.Decision == iam.Allowed:
		case q.Answer.Decision == iam.Unknown:
			s = worse(s, StatusUnknown)
		default:
			return StatusBroken
		}
	}
	return s
}

var statusRank = map[Status]int{StatusOK: 0, StatusDegraded: 1, StatusPending: 2, StatusUnknown: 3, StatusBroken: 4}

func worse(a, b Status) Status {
	if statusRank[b] > statusRank[a] {
		return b
	}
	return a
}
