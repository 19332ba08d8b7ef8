package datapath

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/trailgate/trailgate/collectors/connector"
)

// marks shows a status in one character.
var marks = map[Status]string{StatusOK: "✓", StatusBroken: "✗", StatusUnknown: "?", StatusPending: "·"}

// Line renders the path as one line of hops, each with its mark, and
// "✗✗" before the first broken hop, e.g.
//
//	cloudtrail trail/org: ✓ writer trail/org → ✗✗ bucket logs → ✓ object-key key/1 …
func (p Path) Line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s:", p.Source.Kind, short(p.Source.ARN))
	for i, h := range p.Hops {
		if i > 0 {
			b.WriteString(" →")
		}
		mark := marks[h.Status]
		if mark == "" {
			mark = marks[StatusPending]
		}
		if i == p.FirstBroken {
			mark = "✗✗"
		}
		fmt.Fprintf(&b, " %s %s", mark, h.Kind)
		if name := hopName(h); name != "" {
			b.WriteString(" " + name)
		}
	}
	return b.String()
}

// hopName is a short name for the hop's first resource.
func hopName(h Hop) string {
	if len(h.Resources) == 0 {
		return ""
	}
	n := short(h.Resources[0].ARN)
	if len(h.Resources) > 1 && (h.Kind == HopReader) {
		n += fmt.Sprintf(" (+%d)", len(h.Resources)-1)
	}
	return n
}

// short drops an ARN's arn:partition:service:region:account: head.
func short(s string) string {
	if a, ok := parseARN(s); ok && a.Resource != "" {
		return a.Resource
	}
	return s
}

// Explain writes the path hop by hop: each hop's resources and status,
// each authorization question with its context, decision, reason and
// deciding statements, and each structural problem.
func (p Path) Explain(w io.Writer) {
	fmt.Fprintf(w, "path %s [%s]\n", p.ID, p.Status)
	s := p.Source
	fmt.Fprintf(w, "  source: %s %s (account %s, %s)\n", s.Kind, s.ARN, s.Account, s.Region)
	fmt.Fprintf(w, "  log objects: s3://%s/%s*%s\n", s.Bucket, strings.Join(s.KeyPrefixes, "*, s3://"+s.Bucket+"/"), s.KeySuffix)
	for i, h := range p.Hops {
		flag := ""
		if i == p.FirstBroken {
			flag = "  <- first broken hop"
		}
		fmt.Fprintf(w, "  %d. %s %s%s\n", i+1, h.Kind, marks[h.Status], flag)
		for _, r := range h.Resources {
			fmt.Fprintf(w, "       resource: %s (%s", r.ARN, r.Type)
			if r.Account != "" {
				fmt.Fprintf(w, ", account %s", r.Account)
			}
			if r.Region != "" {
				fmt.Fprintf(w, ", %s", r.Region)
			}
			fmt.Fprintln(w, ")")
		}
		for _, pr := range h.Problems {
			fmt.Fprintf(w, "       problem: %s\n", pr)
		}
		for _, q := range h.Questions {
			fmt.Fprintf(w, "       question %s: may %s %s on %s? (%s)\n", q.ID, q.Principal, q.Action, q.Resource, q.Why)
			keys := make([]string, 0, len(q.Context))
			for k := range q.Context {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				vals := q.Context[k]
				if strings.EqualFold(k, "sts:ExternalId") {
					// A secret shared with the vendor: masked as in every
					// other output.
					vals = make([]string, len(q.Context[k]))
					for i, v := range q.Context[k] {
						vals[i] = connector.MaskExternalID(v)
					}
				}
				fmt.Fprintf(w, "         %s = %s\n", k, strings.Join(vals, ", "))
			}
			if q.Answer == nil {
				fmt.Fprintln(w, "         decision: not evaluated")
				continue
			}
			fmt.Fprintf(w, "         decision: %s", q.Answer.Decision)
			if q.Answer.Reason != "" {
				fmt.Fprintf(w, ": %s", q.Answer.Reason)
			}
			fmt.Fprintln(w)
			for _, st := range q.Answer.Deciding {
				fmt.Fprintf(w, "         decided by: %s\n", st.String())
			}
			for _, e := range q.Answer.Explanation {
				fmt.Fprintf(w, "         - %s\n", e)
			}
		}
	}
}

// String names a statement: policy, index, Sid, effect and location.
func (s Statement) String() string {
	var parts []string
	parts = append(parts, fmt.Sprintf("%s statement %d", s.Policy, s.Index))
	if s.Sid != "" {
		parts = append(parts, fmt.Sprintf("(Sid %q)", s.Sid))
	}
	if s.Effect != "" {
		parts = append(parts, s.Effect)
	}
	if s.File != "" {
		parts = append(parts, fmt.Sprintf("at %s:%d", s.File, s.Line))
	}
	return strings.Join(parts, " ")
}

// ForRule returns the paths a rule's findings are about: those with a hop
// of one of kinds that is broken or cannot be proven, in order. Evaluate
// the paths first; unevaluated (pending) hops are not selected. The CLI's --explain uses it to
// show only the relevant paths.
func ForRule(paths []Path, kinds ...HopKind) []Path {
	var out []Path
	for _, p := range paths {
		for _, h := range p.Hops {
			if slices.Contains(kinds, h.Kind) && (h.Status == StatusBroken || h.Status == StatusUnknown) {
				out = append(out, p)
				break
			}
		}
	}
	return out
}
