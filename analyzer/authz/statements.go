package authz

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/trailgate/trailgate/analyzer/iam"
)

// Statement kinds (Statement.Kind). scp and rcp are iam.StepSCP and
// iam.StepRCP.
const (
	kindResource    = "resource"
	kindIdentity    = "identity"
	kindBoundary    = "boundary"
	kindSession     = "session"
	kindVPCEndpoint = "vpcEndpoint"
)

// levelKey keys question.levelRefs: SCP and RCP levels can share a target
// (an account has both).
func levelKey(kind iam.StepKind, target string) string {
	return string(kind) + "\x00" + target
}

// statement is the statement an explanation step names (the deny, the
// allow, or the near miss of a kind that allows nothing), if any.
func (q *question) statement(st iam.Step) (Statement, bool) {
	if st.StatementIndex < 0 {
		return Statement{}, false
	}
	s := Statement{Index: st.StatementIndex, Sid: st.Sid}
	switch st.Outcome {
	case iam.OutcomeDeny:
		s.Role, s.Effect = RoleDeny, "Deny"
	case iam.OutcomeAllow:
		s.Role, s.Effect = RoleAllow, "Allow"
	case iam.OutcomeNoMatch:
		// Only Allow statements are near misses (iam.Step.Detail).
		s.Role, s.Effect = RoleNearMiss, "Allow"
	default:
		return Statement{}, false
	}
	kind, ok := kindOf(st.Kind)
	if !ok {
		return Statement{}, false
	}
	s.Kind = kind
	switch st.Kind {
	case iam.StepResource:
		s.Policy = q.resourceRef
	case iam.StepIdentity:
		s.Policy = at(q.identityRefs, st.PolicyIndex)
	case iam.StepBoundary:
		// One step per boundary; Target is its index in set.Boundaries.
		i, err := strconv.Atoi(st.Target)
		if err != nil {
			i = -1
		}
		s.Policy = at(q.boundaryRefs, i)
	case iam.StepSCP, iam.StepRCP:
		s.Target = st.Target
		s.Policy = at(q.levelRefs[levelKey(st.Kind, st.Target)], st.PolicyIndex)
	}
	return s, true
}

// kindOf names a step's policy kind as Statement.Kind and KindOutcome.Kind
// do; false for a step about no policy kind (a note).
func kindOf(k iam.StepKind) (string, bool) {
	switch k {
	case iam.StepResource:
		return kindResource, true
	case iam.StepIdentity:
		return kindIdentity, true
	case iam.StepBoundary:
		return kindBoundary, true
	case iam.StepSCP, iam.StepRCP:
		return string(k), true
	case iam.StepSession:
		return kindSession, true
	case iam.StepVPCEndpoint:
		return kindVPCEndpoint, true
	}
	return "", false
}

// kindOutcome is what an explanation step says its policy kind decided;
// false for a step that is a note.
func kindOutcome(st iam.Step) (KindOutcome, bool) {
	kind, ok := kindOf(st.Kind)
	if !ok {
		return KindOutcome{}, false
	}
	k := KindOutcome{Kind: kind, Reason: st.Reason}
	if st.Kind == iam.StepSCP || st.Kind == iam.StepRCP {
		// A boundary step's Target is an index, not a level.
		k.Target = st.Target
	}
	switch st.Outcome {
	case iam.OutcomeAllow, iam.OutcomeDeny, iam.OutcomeNoMatch, iam.OutcomeSkipped:
		k.Outcome = st.Outcome
	default:
		// A note (iam.OutcomeInfo) is not a kind's outcome.
		return KindOutcome{}, false
	}
	return k, true
}

// statement is the statement that makes a consulted document malformed,
// when AWS's refusal names one.
func (c consulted) statement() (Statement, bool) {
	var pe *iam.PolicyError
	if !errors.As(c.doc.malformed, &pe) || pe.Statement < 0 {
		return Statement{}, false
	}
	s := Statement{Kind: c.kind, Policy: c.name, Index: pe.Statement, Sid: pe.Sid, Role: RoleMalformed}
	if list := decodeStatements(c.doc.raw); pe.Statement < len(list) {
		var effect string
		if json.Unmarshal(list[pe.Statement]["Effect"], &effect) == nil && (effect == "Allow" || effect == "Deny") {
			s.Effect = effect
		}
	}
	return s, true
}

func at(list []string, i int) string {
	if i < 0 || i >= len(list) {
		return ""
	}
	return list[i]
}
