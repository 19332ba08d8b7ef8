package iam

import (
	"fmt"
	"strings"
)

// Proof is the answer in one sentence a finding can quote, e.g. "no
// statement in the key policy allows kms:Decrypt for role/ExpelRole;
// statement 'Deny-outside-org' in the key policy denies it".
func (r Result) Proof() string {
	if r.Decision == Unknown && r.unknown != nil {
		return r.unknown.proof
	}
	if r.Deciding < 0 || r.Deciding >= len(r.Explanation) {
		return string(r.Decision)
	}
	d := r.Explanation[r.Deciding]
	switch r.Decision {
	case ExplicitlyDenied:
		parts := r.missing
		if len(parts) == 0 {
			return d.Reason + " for " + r.principal
		}
		return strings.Join(parts, "; ") + "; " + fmt.Sprintf("statement %s in the %s denies it", stepLabel(d), stepKindName(d.Kind, r.rtype))
	case Allowed:
		if d.Kind == StepNote {
			// AWS's own rule allowed it, whatever the policies say (fixed.go).
			return d.Reason + " (" + r.principal + ")"
		}
		var parts []string
		for _, s := range r.Explanation {
			if s.Outcome == OutcomeAllow && (s.Kind == StepResource || s.Kind == StepIdentity) {
				parts = append(parts, s.Reason)
			}
		}
		if len(parts) == 0 {
			parts = []string{d.Reason}
		}
		return strings.Join(parts, " and ") + " for " + r.principal
	}
	if d.Detail != "" {
		return d.Reason + " for " + r.principal + "; " + d.Detail
	}
	return d.Reason + " for " + r.principal
}

// UnknownReadings explains an Unknown decision without naming the
// statements it depends on (Unresolved lists them): under which reading of
// them the request is Allowed, and both readings' proofs, e.g. "Allowed if
// it applies (…); ImplicitlyDenied otherwise (…)". "" for other decisions.
func (r Result) UnknownReadings() string {
	if r.Decision != Unknown || r.unknown == nil {
		return ""
	}
	return r.unknown.readings
}

func stepLabel(s Step) string {
	if s.Sid != "" {
		return "'" + s.Sid + "'"
	}
	return fmt.Sprintf("#%d", s.StatementIndex)
}
