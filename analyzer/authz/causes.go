package authz

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Cause is one thing an Unknown answer is missing: a document outside the
// input, a value the IaC collector could not resolve, a value AWS assigns
// that a wildcard matches for some values only. Many questions (of many
// rules) share one cause; the engine reports it once, naming the rules
// whose questions it leaves open.
type Cause struct {
	// Key identifies the cause across questions: the unresolved value's
	// token, the missing document's ARN, the statement a wildcard is in.
	Key string
	// What names the missing thing, a sentence a finding can quote ("the
	// permissions boundary arn:… is not in the template or plan; pass
	// --snapshot of its account or add it").
	What string
	// Where says where the input uses it ("statement 'S' of the bucket
	// policy of b"), "" when What says it.
	Where string
	// Resource is what the cause is about when it is a resource of its own
	// (a boundary or managed policy's ARN, a resource outside the input);
	// "" for a value, which is about the resources whose questions it
	// blocks.
	Resource string
	// At is the resource of the input that uses the cause (the role a
	// boundary or managed policy is attached to), to point at its line;
	// "" when unknown.
	At string
	// Token is the unresolved value's token, whose location the snapshot
	// lists (Snapshot.Unknowns); "" for other causes.
	Token string
}

// tokenCauses lists the unresolved values in a JSON fragment (decoded:
// encoding/json writes '<' as \u003c) as one cause.
func tokenCauses(raw []byte, where string) []Cause {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return nil
	}
	toks := snapshot.UnknownTokens(v)
	if len(toks) == 0 {
		return nil
	}
	// The values of one statement (or document) block it together: one
	// cause, the same wherever exactly these values are used.
	reasons := make([]string, len(toks))
	for i, t := range toks {
		reasons[i] = strings.TrimSuffix(strings.TrimPrefix(t, "<unknown:"), ">")
	}
	what := "the value " + reasons[0]
	if len(reasons) > 1 {
		what = "the values " + strings.Join(reasons, " and ")
	}
	return []Cause{{Key: "value:" + strings.Join(toks, "\x00"), What: what, Where: where, Token: toks[0]}}
}

// statementCauses lists what the unresolved statements an answer depends
// on are missing: their unresolved values, or, where a statement holds
// none, the value AWS assigns that its wildcard matches for some values
// only.
func (q *question) statementCauses(list []iam.UnresolvedStatement) []Cause {
	var out []Cause
	for _, u := range list {
		label := statementLabel(u)
		d := q.docs[u.Policy]
		if d != nil {
			label += " of the " + d.name
			stmts := decodeStatements(d.raw)
			if u.Index >= 0 && u.Index < len(stmts) {
				if raw, err := json.Marshal(stmts[u.Index]); err == nil {
					if cs := tokenCauses(raw, label); len(cs) > 0 {
						out = append(out, cs...)
						continue
					}
				}
			}
		}
		out = append(out, Cause{
			Key:  "wildcard:" + q.resourceRef + "\x00" + label,
			What: "the value AWS assigns at apply, which a wildcard in " + label + " matches for some values only",
		})
	}
	return out
}

func statementLabel(u iam.UnresolvedStatement) string {
	if u.Sid != "" {
		return "statement '" + u.Sid + "'"
	}
	return "statement #" + itoa(u.Index)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// addCauses records the causes behind a reason string of the question.
func (q *question) addCauses(reason string, cs ...Cause) {
	if q.causes == nil {
		q.causes = map[string][]Cause{}
	}
	q.causes[reason] = append(q.causes[reason], cs...)
}

// causesOf gathers the causes of the reasons, without repeats.
func (q *question) causesOf(reasons []string, into []Cause) []Cause {
	for _, r := range reasons {
		for _, c := range q.causes[r] {
			if !slices.ContainsFunc(into, func(x Cause) bool { return x.Key == c.Key && x.Where == c.Where }) {
				into = append(into, c)
			}
		}
	}
	return into
}
