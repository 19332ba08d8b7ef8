package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var updateGolden = flag.Bool("update", false, "rewrite cmd/trailgate/testdata/golden")

func goldenText(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/trailgate -run %s -update)", err, t.Name())
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

func scenarioArgs(name string) []string {
	dir := filepath.Join(scenarioDir, name)
	return []string{"--snapshot", filepath.Join(dir, "snapshot.json"), "--connector", filepath.Join(dir, "connector.yaml")}
}

// The text report opens with one line per delivery path, the first broken
// hop marked, before the findings.
func TestCheckTextShowsPathsFirst(t *testing.T) {
	code, out, errs := trailgate(t, append([]string{"check"}, scenarioArgs("controltower-broken-keypolicy")...)...)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, errs)
	}
	if !strings.HasPrefix(out, "PATHS\n") || strings.Index(out, "✗✗") > strings.Index(out, "CRITICAL") {
		t.Errorf("the paths do not come before the findings:\n%s", out)
	}
	goldenText(t, "check-controltower-broken-keypolicy.txt", out)
}

// --explain KM01 shows the rule's finding and the path whose read hop is
// broken, hop by hop, with each question's decision; the exit code is the
// check's.
func TestCheckExplain(t *testing.T) {
	code, out, errs := trailgate(t, append([]string{"check", "--explain", "km01"}, scenarioArgs("controltower-broken-keypolicy")...)...)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, errs)
	}
	for _, want := range []string{"KM01  Reader cannot decrypt", "<- first broken hop", "question ", "decision: "} {
		if !strings.Contains(out, want) {
			t.Errorf("--explain output lacks %q", want)
		}
	}
	goldenText(t, "explain-km01-controltower-broken-keypolicy.txt", out)

	// A passing organization: the rule reports nothing, and every path is
	// shown as proven; exit 0.
	code, out, errs = trailgate(t, append([]string{"check", "--explain", "KM01"}, scenarioArgs("controltower-working")...)...)
	if code != exitOK {
		t.Fatalf("working: exit %d, want 0 (stderr %q)", code, errs)
	}
	if !strings.Contains(out, "KM01 reports nothing.") || !strings.Contains(out, "No path has a broken or unproven") {
		t.Errorf("working: unexpected --explain output:\n%s", out)
	}
}

func TestCheckExplainUsage(t *testing.T) {
	snap := demoFile(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"not a rule ID", []string{"check", "--snapshot", snap, "--explain", "decrypt"}, `--explain: want a rule ID such as KM01; got "DECRYPT"`},
		{"no such rule", []string{"check", "--snapshot", snap, "--explain", "KM09"}, "--explain: no rule KM09"},
		{"not text", []string{"check", "--snapshot", snap, "--explain", "KM01", "--format", "json"}, "--explain writes text"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := trailgate(t, c.args...)
			if code != exitUsage || !strings.Contains(errs, c.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, out, errs, c.want)
			}
		})
	}
}

// A Terraform plan whose bucket policy statement is known only after apply
// (the whole Statement is an unknown token) must not fail the check: the
// answers that depend on it are unproven, reported low and marked, and
// fail the run only with --fail-on-unproven.
func TestCheckUnknownStatementIsUnproven(t *testing.T) {
	golden := filepath.Join("..", "..", "collectors", "terraform", "testdata", "golden", "guardduty_export.snapshot.json")
	data, err := os.ReadFile(golden)
	if err != nil {
		t.Skipf("the Terraform collector's golden snapshot is not there: %v", err)
	}
	// The collector now rebuilds that policy from its statements; make the
	// whole document unknown again, as a plan whose policy is a
	// jsonencode() of values known only after apply gives it.
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	bucket := doc["accounts"].([]any)[0].(map[string]any)["buckets"].([]any)[0].(map[string]any)
	bucket["policy"].(map[string]any)["document"] = map[string]any{"Version": "2012-10-17", "Statement": "<unknown:known after apply: data.aws_iam_policy_document.gd_bucket.json>"}
	delete(bucket["policy"].(map[string]any), "statement_locations")
	data, _ = json.Marshal(doc)
	snap := filepath.Join(t.TempDir(), "unknown-policy.json")
	if err := os.WriteFile(snap, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := trailgate(t, "check", "--snapshot", snap)
	if code != exitOK {
		t.Fatalf("exit %d, want 0 (stderr %q)\n%s", code, errs, out)
	}
	if !strings.Contains(out, "[unproven]") || strings.Contains(out, "malformed") {
		t.Errorf("the unknown bucket policy is not reported as unproven:\n%s", out)
	}
	code, _, errs = trailgate(t, "check", "--snapshot", snap, "--fail-on-unproven")
	if code != exitFindings {
		t.Errorf("--fail-on-unproven: exit %d, want 1 (stderr %q)", code, errs)
	}
}

// --explain CW01 on a trail whose CloudWatch Logs role trusts EC2, not
// CloudTrail: the cloudwatch-logs path (writer → delivery-role →
// log-group) broken at its delivery-role hop, the assume question denied
// with the context CloudTrail sends, the log group's writes allowed.
func TestCheckExplainCloudWatchLogs(t *testing.T) {
	code, out, errs := trailgate(t, append([]string{"check", "--explain", "CW01"}, scenarioArgs("trail-cloudwatch-logs-broken")...)...)
	if code != exitFindings {
		t.Fatalf("exit %d, want 1 (stderr %q)", code, errs)
	}
	for _, want := range []string{"source: cloudwatch-logs ", "2. delivery-role ✗  <- first broken hop", "3. log-group ✓", "decision: ImplicitlyDenied"} {
		if !strings.Contains(out, want) {
			t.Errorf("--explain output lacks %q", want)
		}
	}
	goldenText(t, "explain-cw01-trail-cloudwatch-logs-broken.txt", out)
}
