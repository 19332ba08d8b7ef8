package check

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// realWorld copies the realworld CloudFormation set (fixtures/realworld)
// with log-archive.yaml's trail properties replaced as each case says: its
// AuditAccountId parameter has no value and no default, so condition
// HasAuditAccount is undecided.
func realWorld(t *testing.T, replace ...string) string {
	t.Helper()
	const src = "../../fixtures/realworld/cloudformation"
	dir := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for i := 0; e.Name() == "log-archive.yaml" && i+1 < len(replace); i += 2 {
			if !strings.Contains(s, replace[i]) {
				t.Fatalf("log-archive.yaml has no %q", replace[i])
			}
			s = strings.Replace(s, replace[i], replace[i+1], 1)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// CloudFormation evaluates a condition from the parameter values given at
// stack creation or update ("Conditions are evaluated based on input
// parameter values that you specify when you create or update a stack",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html):
// a condition on a parameter without value or default may be either, so a
// Boolean property chosen by it is judged both ways. A finding that holds
// in every branch stands; one that holds in only some is unproven and
// says when it holds.
func TestRunJudgesBothBranchesOfAnUndecidedCondition(t *testing.T) {
	cases := []struct {
		name    string
		replace []string
		want    []string // rule: message of each finding
	}{
		{"both branches fine",
			[]string{"EnableLogFileValidation: On", "EnableLogFileValidation: !If [HasAuditAccount, true, false]"},
			nil},
		{"the false branch breaks CT02",
			[]string{"IsMultiRegionTrail: Yes", "IsMultiRegionTrail: !If [HasAuditAccount, true, false]"},
			[]string{"CT02 low unproven=true: cannot prove: trail arn:aws:cloudtrail:us-east-1:111122223333:trail/acme-main is single-region (IsMultiRegionTrail=false): only us-east-1 is logged, events in every other region are lost (holds when condition HasAuditAccount is false)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := realWorld(t, c.replace...)
			res, err := Run(context.Background(), Input{IaC: []string{dir}, ConnectorFile: filepath.Join(dir, "connector.yaml")})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range res.Findings {
				got = append(got, fmt.Sprintf("%s %s unproven=%t: %s", f.RuleID, f.Severity, f.Unproven, f.Message))
			}
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			if len(res.Unjudged) > 0 {
				t.Errorf("not judged: %v", res.Unjudged)
			}
			// Exit status 0 (spec/contract.md): nothing fails the run.
			if findings.FailOn(res.Findings, findings.Low) {
				t.Errorf("the findings fail the run")
			}
		})
	}
}

// A finding that holds in every branch keeps its severity, message and
// fingerprint: a baseline taken before the condition was added still
// matches it.
func TestRunBranchesKeepFingerprints(t *testing.T) {
	run := func(replace ...string) []findings.Finding {
		dir := realWorld(t, replace...)
		res, err := Run(context.Background(), Input{IaC: []string{dir}, ConnectorFile: filepath.Join(dir, "connector.yaml")})
		if err != nil {
			t.Fatal(err)
		}
		// Each run has its own copy of the templates: compare what the
		// findings say, not where the copy lies.
		local := func(s string) string { return strings.ReplaceAll(s, dir+string(filepath.Separator), "") }
		for i := range res.Findings {
			f := &res.Findings[i]
			f.Location.File = filepath.Base(f.Location.File)
			f.Remediation = local(f.Remediation)
			if f.Change != nil {
				f.Change.File, f.Change.Text = local(f.Change.File), local(f.Change.Text)
			}
		}
		return res.Findings
	}
	plain := run("IncludeGlobalServiceEvents: yes", "IncludeGlobalServiceEvents: no")
	branched := run("IncludeGlobalServiceEvents: yes", "IncludeGlobalServiceEvents: no",
		"EnableLogFileValidation: On", "EnableLogFileValidation: !If [HasAuditAccount, true, false]")
	if len(plain) != 1 || plain[0].RuleID != "CT02" {
		t.Fatalf("without the condition: %v, want one CT02", plain)
	}
	if diff := cmp.Diff(plain, branched); diff != "" {
		t.Errorf("findings held in both branches changed (-plain +branched):\n%s", diff)
	}
}

// More undecided conditions than maxUndecided: the template is the fault
// it was, naming the conditions; a walk judges the other files.
func TestRunTooManyBranches(t *testing.T) {
	var params, conds, props strings.Builder
	for i, p := range []string{"IsLogging", "IsMultiRegionTrail", "IncludeGlobalServiceEvents", "EnableLogFileValidation"} {
		fmt.Fprintf(&params, "  P%d: {Type: String}\n", i)
		fmt.Fprintf(&conds, "  C%d: !Equals [!Ref P%d, \"yes\"]\n", i, i)
		fmt.Fprintf(&props, "      %s: !If [C%d, true, false]\n", p, i)
	}
	src := "Parameters:\n" + params.String() + "Conditions:\n" + conds.String() +
		"Resources:\n  T:\n    Type: AWS::CloudTrail::Trail\n    Properties:\n      S3BucketName: b\n" + props.String()
	dir := realWorld(t)
	bad := filepath.Join(dir, "four-conditions.yaml")
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Input{IaC: []string{bad}})
	if err == nil || !strings.Contains(err.Error(), "hangs on condition C") {
		t.Fatalf("Run(%s) = %v, want the fault naming a condition", bad, err)
	}
	res, err := Run(context.Background(), Input{IaC: []string{dir}, ConnectorFile: filepath.Join(dir, "connector.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Unjudged) != 1 || res.Unjudged[0].File != bad || !strings.Contains(res.Unjudged[0].Reason, "hangs on condition C") {
		t.Errorf("Unjudged = %v, want %s", res.Unjudged, bad)
	}
}
