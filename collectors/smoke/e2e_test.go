package smoke_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/smoke"
	. "github.com/trailgate/trailgate/collectors/smoke/smoketest"
)

func conn(profile string) *connector.Connector {
	return &connector.Connector{Profile: profile, Role: RoleARN, ExternalID: ExternalID, Queue: QueueARN, Region: Region, Sources: []string{"cloudtrail"}, File: "connector.yaml"}
}

func run(t *testing.T, h *Harness, c *connector.Connector, opts smoke.Options) smoke.Report {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 3 * time.Second
	}
	rep, err := smoke.Run(context.Background(), h.Caller, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// outcome is the part of a step a test pins.
type outcome struct {
	Name, Status, ErrorCode string
	Symptom                 smoke.Symptom
}

func outcomes(r smoke.Report) []outcome {
	var out []outcome
	for _, s := range r.Steps {
		out = append(out, outcome{s.Name, string(s.Status), s.ErrorCode, s.Symptom})
	}
	return out
}

func step(t *testing.T, r smoke.Report, name string) *smoke.Step {
	t.Helper()
	s := r.Step(name)
	if s == nil {
		t.Fatalf("no step %s in %+v", name, r.Steps)
	}
	return s
}

var passingCore = []outcome{
	{"identity", "pass", "", ""},
	{"assume-role", "pass", "", ""},
	{"external-id-required", "pass", "AccessDenied", ""},
	{"queue", "pass", "", ""},
	{"receive", "pass", "", ""},
	{"decode", "pass", "", ""},
	{"read-object", "pass", "", ""},
}

// coreWith is passingCore with step i's outcome replaced: the one step a
// broken pipeline is expected to fail.
func coreWith(i int, o outcome) []outcome {
	want := append([]outcome(nil), passingCore...)
	want[i] = o
	return want
}

func diff(t *testing.T, want []outcome, got smoke.Report) {
	t.Helper()
	if d := cmpDiff(want, outcomes(got)); d != "" {
		var detail strings.Builder
		for _, s := range got.Steps {
			fmt.Fprintf(&detail, "%s %s %s %s: %s\n", s.Name, s.Status, s.ErrorCode, s.Symptom, s.Detail)
		}
		t.Errorf("steps (-want +got):\n%s\n%s", d, detail.String())
	}
}
