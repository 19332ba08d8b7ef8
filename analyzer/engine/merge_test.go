package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

func TestMergeStepsOneFindingPerCause(t *testing.T) {
	f := func(id string, sev findings.Severity, msg string) findings.Finding {
		return findings.Finding{RuleID: "NT04", Severity: sev, Message: msg, Resource: findings.Resource{ID: id}}
	}
	got := mergeSteps([]stepped{
		{f: f("bucket", "critical", "topic T is in eu-west-1, bucket in us-east-1"), fact: "T:region"},
		{f: f("T", "critical", "expel step E4 not met: topic T is in eu-west-1"), step: "expel step E4 (topic)"},
		{f: f("U", "critical", "expel step E4 not met: topic U is FIFO"), step: "expel step E4 (topic)"},
		{f: f("role", "critical", "trust has no external ID"), fact: "external_id"},
		{f: f("role", "critical", "role name"), step: "radiant step R6 (role)"},
	})
	want := []findings.Finding{
		f("bucket", "critical", "topic T is in eu-west-1, bucket in us-east-1; also expel step E4 not met: topic T is in eu-west-1"),
		f("role", "critical", "trust has no external ID; also role name"),
		f("U", "critical", "expel step E4 not met: topic U is FIFO"),
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("mergeSteps (-want +got):\n%s", d)
	}
}

func TestMergeStepsKeepsMoreSevereStep(t *testing.T) {
	in := []stepped{
		{f: findings.Finding{Severity: "low", Message: "recommended", Resource: findings.Resource{ID: "q"}}},
		{f: findings.Finding{Severity: "critical", Message: "step", Resource: findings.Resource{ID: "q"}}, step: "s"},
	}
	if got := mergeSteps(in); len(got) != 2 {
		t.Errorf("a critical step finding was folded into a low one: %+v", got)
	}
}
