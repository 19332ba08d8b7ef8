package check

import (
	"context"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/iac"
	"github.com/trailgate/trailgate/fixtures"
)

func TestSkipNotesSingular(t *testing.T) {
	got := skipNotes([]iac.Skipped{{Path: "a/README.md", Reason: "not IaC"}}, false)
	if len(got) != 1 || got[0] != "1 file skipped (use --verbose to list them)" {
		t.Errorf("skipNotes = %q", got)
	}
}

func TestRunRefusesBadInput(t *testing.T) {
	cases := []struct {
		name string
		in   Input
		want string
	}{
		{"nothing", Input{}, "nothing to check"},
		{"bad account", Input{IaC: []string{"x.yaml"}, Accounts: []string{"12345"}, Region: "us-east-1"}, "--account: want a 12-digit account ID"},
		{"bad region", Input{IaC: []string{"x.yaml"}, Accounts: []string{"123456789012"}, Region: "useast1"}, "--region: want an AWS region"},
		{"bad param", Input{IaC: []string{"x.yaml"}, Params: []string{"=x"}, Accounts: []string{"123456789012"}, Region: "us-east-1"}, "want KEY=VALUE"},
		{"unknown rule", Input{SnapshotName: "demo.json", SnapshotData: fixtures.Demo(), Explain: "ZZ99"}, "no rule ZZ99"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(context.Background(), c.in)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Run: %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// The demo's result holds findings, the rules and the delivery paths the
// rules judged, from one run.
func TestRunDemo(t *testing.T) {
	res, err := Run(context.Background(), Input{
		SnapshotName: fixtures.DemoSnapshotName, SnapshotData: fixtures.Demo(),
		ConnectorName: fixtures.DemoConnectorName, ConnectorData: fixtures.DemoConnector(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) == 0 || len(res.Rules) == 0 || len(res.Paths) == 0 {
		t.Errorf("demo: %d findings, %d rules, %d paths; want some of each", len(res.Findings), len(res.Rules), len(res.Paths))
	}
}
