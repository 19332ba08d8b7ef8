package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/connector"
)

// marks shows a status in one character.
var marks = map[datapath.Status]string{datapath.StatusOK: "✓", datapath.StatusDegraded: "!", datapath.StatusBroken: "✗", datapath.StatusUnknown: "?", datapath.StatusPending: "·"}

// PathLine renders the path as one line of hops, each with its mark, and
// "✗✗" before the first broken hop, e.g.
//
//	cloudtrail trail/org: ✓ writer trail/org → ✗✗ bucket logs → ✓ object-key key/1 …
func PathLine(p datapath.Path) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s:", p.Source.Kind, short(p.Source.ARN))
	for i, h := range p.Hops {
		if i > 0 {
			b.WriteString(" →")
		}
		mark := marks[h.Status]
		if mark == "" {
			mark = marks[datapath.StatusPending]
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
func hopName(h datapath.Hop) string {
	if len(h.Resources) == 0 {
		return ""
	}
	n := short(h.Resources[0].ARN)
	if len(h.Resources) > 1 && h.Kind == datapath.HopReader {
		n += fmt.Sprintf(" (+%d)", len(h.Resources)-1)
	}
	return n
}

// short drops an ARN's arn:partition:service:region:account: head.
func short(s string) string {
	if a, err := arn.Parse(s); err == nil && a.Resource != "" {
		return a.Resource
	}
	return s
}

// ExplainPath writes the path hop by hop: each hop's resources and status,
// each authorization question with its context, decision, reason and
// deciding statements, and each structural problem.
func ExplainPath(w io.Writer, p datapath.Path) {
	fmt.Fprintf(w, "path %s [%s]\n", p.ID, p.Status)
	s := p.Source
	fmt.Fprintf(w, "  source: %s %s (account %s, %s)\n", s.Kind, s.ARN, s.Account, s.Region)
	switch {
	case s.Kind == datapath.SourceCloudWatchLogs:
		// A trail's events delivered to CloudWatch Logs are log events
		// in the group's streams, not objects.
		fmt.Fprintf(w, "  log objects: none (the events go to the log group's streams)\n")
	case s.Bucket == "":
		// GuardDuty findings routed by EventBridge travel in the
		// messages themselves.
		fmt.Fprintf(w, "  log objects: none (the messages carry the findings)\n")
	default:
		fmt.Fprintf(w, "  log objects: s3://%s/%s*%s\n", s.Bucket, s.KeyPrefix, s.KeySuffix)
	}
	for i, h := range p.Hops {
		flag := ""
		if i == p.FirstBroken {
			flag = "  <- first broken hop"
		}
		fmt.Fprintf(w, "  %d. %s %s%s\n", i+1, h.Kind, marks[h.Status], flag)
		for _, r := range h.Resources {
			fmt.Fprintf(w, "       resource: %s (%s", r.ARN, r.Type)
			optional(w, ", account %s", r.Account)
			optional(w, ", %s", r.Region)
			fmt.Fprintln(w, ")")
		}
		for _, pr := range h.Problems {
			fmt.Fprintf(w, "       problem: %s\n", pr)
		}
		for _, q := range h.Questions {
			fmt.Fprintf(w, "       question %s: may %s %s on %s? (%s)\n", q.ID, q.Principal, q.Action, q.Resource, q.Why)
			for _, k := range slices.Sorted(maps.Keys(q.Context)) {
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
			optional(w, ": %s", q.Answer.Proof)
			fmt.Fprintln(w)
			for _, st := range q.Answer.Statements {
				if st.Role == authz.RoleDeny || st.Role == authz.RoleAllow {
					fmt.Fprintf(w, "         decided by: %s\n", statementName(st))
				}
			}
			for _, e := range q.Answer.Explanation {
				fmt.Fprintf(w, "         - %s\n", e)
			}
		}
	}
}

// statementName names a statement: its policy kind and policy, the SCP
// or RCP level, index, Sid and effect.
func statementName(s authz.Statement) string {
	parts := []string{fmt.Sprintf("%s policy %s statement %d", s.Kind, s.Policy, s.Index)}
	if s.Target != "" {
		parts = append(parts, "(attached to "+s.Target+")")
	}
	if s.Sid != "" {
		parts = append(parts, fmt.Sprintf("(Sid %q)", s.Sid))
	}
	if s.Effect != "" {
		parts = append(parts, s.Effect)
	}
	return strings.Join(parts, " ")
}
