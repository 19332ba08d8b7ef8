package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/trailgate/trailgate/analyzer/iam"
)

// simRefusal is a refused request in the JSON output, in the request's
// place: AWS's message, the policy and the statement (its Sid when it has
// one, else its index), as the iam simulate section of the README
// describes.
type simRefusal struct {
	Error     string `json:"error"`
	Policy    string `json:"policy,omitempty"`
	Statement any    `json:"statement,omitempty"`
}

// simAnswer is the decision object, or the refusal object.
func simAnswer(a iam.SimAnswer) any {
	if a.Err == nil {
		return a.Result
	}
	out := simRefusal{Error: a.Err.Err.Error(), Policy: a.Err.Policy}
	var pe *iam.PolicyError
	if errors.As(a.Err.Err, &pe) {
		out.Error = pe.Msg
		switch {
		case pe.Sid != "":
			out.Statement = pe.Sid
		case pe.Statement >= 0:
			out.Statement = pe.Statement
		}
	}
	return out
}

// WriteSimulateJSON writes `trailgate iam simulate`'s answers, one
// decision or refusal object per answer, in order: a JSON array when array
// is set (the request file held an array), else the single object.
func WriteSimulateJSON(w io.Writer, answers []iam.SimAnswer, array bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if !array && len(answers) == 1 {
		return enc.Encode(simAnswer(answers[0]))
	}
	out := make([]any, len(answers))
	for i, a := range answers {
		out[i] = simAnswer(a)
	}
	return enc.Encode(out)
}

// WriteSimulateText writes one block per answer: the decision, the proof,
// and the explanation steps; or that the request was refused, and why.
func WriteSimulateText(w io.Writer, answers []iam.SimAnswer, _ bool) error {
	var b strings.Builder
	for i, a := range answers {
		if a.Err != nil {
			e := *a.Err
			e.File, e.Line, e.Request = "", 0, -1
			fmt.Fprintf(&b, "request %d: refused\n  %s\n", i, strings.TrimPrefix(e.Error(), ": "))
			continue
		}
		r := a.Result
		fmt.Fprintf(&b, "request %d: %s\n  %s\n", i, r.Decision, r.Proof())
		for _, s := range r.Explanation {
			fmt.Fprintf(&b, "  - %-20s %-13s %s\n", s.Kind, s.Outcome, s.Reason)
			if s.Detail != "" {
				fmt.Fprintf(&b, "    %-20s %-13s %s\n", "", "", s.Detail)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
