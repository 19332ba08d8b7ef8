package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/engine"
	"github.com/trailgate/trailgate/analyzer/findings"
)

// maxUndecided bounds the CloudFormation conditions judged both ways: 3
// conditions are 8 variants of the input. Past it the template's own
// message (naming the conditions, asking for the parameter) stands.
const maxUndecided = 3

// undecidedError is an IaC input whose resolution hangs on conditions the
// template leaves open (a parameter without value or default): Run judges
// each assignment of them instead of stopping.
type undecidedError struct {
	conds []string
	err   error // the collector's error, reported when there are too many
}

func (e *undecidedError) Error() string { return e.err.Error() }
func (e *undecidedError) Unwrap() error { return e.err }

// branch is one assignment of the undecided conditions and its result.
type branch struct {
	fixed map[string]bool
	res   *Result
}

// Run checks in. Every error it returns is about the input (or a rule bug
// reported as such).
//
// A CloudFormation condition on a parameter without value or default may
// be true or false when deployed ("Conditions" in the CloudFormation User
// Guide: a condition is evaluated from the parameter values given at stack
// creation or update). When a property hangs on such a condition, Run
// judges every assignment of the conditions involved (at most
// maxUndecided) and combines them (combineBranches): an answer holds when
// it holds in every branch.
func Run(ctx context.Context, in Input) (*Result, error) {
	var conds []string
	for {
		if len(conds) > 0 && in.Engine == nil {
			// One rule load for all the branches.
			eng, err := engine.New()
			if err != nil {
				return nil, fmt.Errorf("loading the rules: %w", err)
			}
			in.Engine = eng
		}
		var branches []branch
		var more *undecidedError
		for mask := 0; mask < 1<<len(conds); mask++ {
			v := in
			v.conditions = map[string]bool{}
			for i, c := range conds {
				// mask 0 is every condition true: the first branch is
				// the one whose paths the result shows.
				v.conditions[c] = mask&(1<<i) == 0
			}
			res, err := runOnce(ctx, v)
			if errors.As(err, &more) {
				break
			}
			if err != nil {
				return nil, err
			}
			branches = append(branches, branch{fixed: v.conditions, res: res})
		}
		if more == nil {
			return combineBranches(conds, branches), nil
		}
		grown := false
		for _, c := range more.conds {
			if !slices.Contains(conds, c) {
				conds, grown = append(conds, c), true
			}
		}
		if !grown || len(conds) > maxUndecided {
			// Too many branches: the template is the fault it names (an
			// error for a file given by name, a file skipped in a walk).
			in.conditions, in.oneBranch = nil, true
			return runOnce(ctx, in)
		}
		slices.Sort(conds)
	}
}

// combineBranches merges the results of the branches of conds: a finding
// present in every branch stays as it is (same fingerprint); one present
// in only some becomes unproven, severity low, its message saying when it
// holds. Paths are the first branch's.
func combineBranches(conds []string, branches []branch) *Result {
	if len(branches) == 1 {
		return branches[0].res
	}
	out := *branches[0].res
	out.Findings = nil
	in := map[string][]int{} // fingerprint → branches holding it
	first := map[string]findings.Finding{}
	var order []string
	for i, b := range branches {
		for _, f := range b.res.Findings {
			if _, seen := first[f.Fingerprint]; !seen {
				first[f.Fingerprint] = f
				order = append(order, f.Fingerprint)
			}
			if l := in[f.Fingerprint]; len(l) == 0 || l[len(l)-1] != i {
				in[f.Fingerprint] = append(l, i)
			}
		}
	}
	for _, fp := range order {
		f := first[fp]
		if len(in[fp]) < len(branches) {
			msg := strings.TrimPrefix(f.Message, "cannot prove: ")
			f.Message = fmt.Sprintf("cannot prove: %s (holds when %s)", msg, when(conds, branches, in[fp]))
			f.Severity, f.Unproven = findings.Low, true
		}
		out.Findings = append(out.Findings, f)
	}
	findings.Sort(out.Findings)
	out.Warnings = append(slices.Clone(out.Warnings), fmt.Sprintf("condition %s depends on a parameter without value or default: judged with each value (%d branches); a finding that holds in only some is unproven and says when it holds",
		strings.Join(conds, ", "), len(branches)))
	return &out
}

// when says under which values of conds a finding present in the
// branches held holds: one condition's value when that alone tells,
// else each assignment.
func when(conds []string, branches []branch, held []int) string {
	for _, c := range conds {
		for _, val := range []bool{true, false} {
			n := 0
			for _, b := range branches {
				if b.fixed[c] == val {
					n++
				}
			}
			if n == len(held) && !slices.ContainsFunc(held, func(i int) bool { return branches[i].fixed[c] != val }) {
				return fmt.Sprintf("condition %s is %t", c, val)
			}
		}
	}
	alts := make([]string, len(held))
	for k, i := range held {
		parts := make([]string, len(conds))
		for j, c := range conds {
			parts[j] = fmt.Sprintf("%s is %t", c, branches[i].fixed[c])
		}
		alts[k] = "conditions " + strings.Join(parts, " and ")
	}
	return strings.Join(alts, ", or ")
}
