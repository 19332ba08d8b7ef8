package check

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/connector"
)

// maskExternalID replaces the connector's external ID wherever the result
// quotes it in prose: in findings (messages, remediations, fixes and their
// changes) and in the paths' answers. (The reader's AssumeRole context
// keeps it as data; the report masks it where it prints it.) It is a shared secret of sorts, and results end up in CI
// logs, pull-request comments and code-scanning alerts. A very short ID
// would be replaced inside unrelated words; AWS's minimum is 2
// characters, vendors issue long ones.
func maskExternalID(res *Result, conn *connector.Connector) {
	if conn == nil || len(conn.ExternalID) < 6 {
		return
	}
	id := conn.ExternalID
	r := strings.NewReplacer(id, conn.MaskedExternalID())
	for i := range res.Findings {
		f := &res.Findings[i]
		f.Message = r.Replace(f.Message)
		f.Remediation = r.Replace(f.Remediation)
		if c := f.Change; c != nil {
			m := *c
			m.Text = r.Replace(c.Text)
			m.Edits = slices.Clone(c.Edits)
			for j := range m.Edits {
				m.Edits[j].Text = r.Replace(m.Edits[j].Text)
			}
			f.Change = &m
		}
		// The fix is data a tool may apply: its strings are masked through
		// a JSON round trip, which keeps its shape.
		if fx := f.Fix; fx != nil {
			if data, err := json.Marshal(fx); err == nil && strings.Contains(string(data), id) {
				var m findings.Fix
				if json.Unmarshal([]byte(r.Replace(string(data))), &m) == nil {
					f.Fix = &m
				}
			}
		}
	}
	for i := range res.Paths {
		for j := range res.Paths[i].Hops {
			h := &res.Paths[i].Hops[j]
			for k := range h.Questions {
				q := &h.Questions[k]
				if a := q.Answer; a != nil {
					m := *a
					m.Proof = r.Replace(a.Proof)
					m.Explanation = slices.Clone(a.Explanation)
					for n := range m.Explanation {
						m.Explanation[n] = r.Replace(m.Explanation[n])
					}
					q.Answer = &m
				}
			}
		}
	}
}
