package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/fixtures"
)

// scenarioDir is the checkout's fixtures/scenarios, so that the CLI reads
// the same files a user would.
const scenarioDir = "../../fixtures/scenarios"

// Every scenario, checked through the CLI, exits as its golden findings say
// (1 when one is high or critical, 0 otherwise) and reports exactly those
// findings. The working organization must exit 0.
func TestScenariosThroughCLI(t *testing.T) {
	entries, err := fs.ReadDir(fixtures.Scenarios, "scenarios")
	if err != nil {
		t.Fatal(err)
	}
	sawWorking := false
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(scenarioDir, name)
			var want []findings.Finding
			data, err := fs.ReadFile(fixtures.Scenarios, path.Join("scenarios", name, "expected.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &want); err != nil {
				t.Fatal(err)
			}
			args := []string{"check", "--snapshot", filepath.Join(dir, "snapshot.json"), "--format", "json"}
			if _, err := os.Stat(filepath.Join(dir, "connector.yaml")); err == nil {
				args = append(args, "--connector", filepath.Join(dir, "connector.yaml"))
			}
			code, out, errs := trailgate(t, args...)
			wantCode := exitOK
			if findings.FailOn(want, "high") {
				wantCode = exitFindings
			}
			if code != wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, wantCode, errs)
			}
			if len(want) == 0 {
				sawWorking = true
			}
			var got struct {
				Findings []findings.Finding `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(identities(want), identities(got.Findings)); diff != "" {
				t.Errorf("findings (-expected.json +CLI):\n%s", diff)
			}
		})
	}
	if !sawWorking {
		t.Error("no scenario without findings: the working organization must pass")
	}
}

// identities reduces findings to what must match exactly between the
// engine's golden and the CLI: rule, resource and fingerprint.
func identities(fs []findings.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.RuleID + " " + f.Resource.ID + " " + f.Fingerprint
	}
	slices.Sort(out)
	return out
}

// malformedIaC are the scenario IaC files that hold a policy AWS would
// refuse, with what check must say about it: such input is bad input (the
// deploy would fail), exit 2 naming file and resource, alone or laid over
// the live snapshot.
var malformedIaC = map[string]string{
	// A bare-string Principal other than "*" (MalformedPolicyDocument:
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html).
	"cross-account-reader-missing-grants/plan.json": `plan.json:2032: aws_iam_role.securitylakereader: statement 0 (Sid "TrustVendor"): Invalid principal in policy: "arn:aws:iam::012345678901:root"`,
}

// --iac is wired to collectors/iac: each scenario's template and plan load
// and are judged (findings point back at the file), alone and laid over
// the live snapshot.
func TestCheckIaC(t *testing.T) {
	entries, err := os.ReadDir(scenarioDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		dir := filepath.Join(scenarioDir, e.Name())
		for _, file := range []string{"template.yaml", "template.json", "plan.json"} {
			p := filepath.Join(dir, file)
			if _, err := os.Stat(p); err != nil {
				continue
			}
			t.Run(e.Name()+"/"+file, func(t *testing.T) {
				iacOnly := []string{"check", "--iac", p, "--format", "json", "--fail-on", "none"}
				overlay := []string{"check", "--snapshot", filepath.Join(dir, "snapshot.json"), "--iac", p, "--format", "json", "--fail-on", "none"}
				for _, args := range [][]string{iacOnly, overlay} {
					code, out, errs := trailgate(t, args...)
					if want, bad := malformedIaC[e.Name()+"/"+file]; bad {
						if code != exitUsage || out != "" || !strings.Contains(errs, p+":") || !strings.Contains(errs, want) {
							t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q", args, code, out, errs, want)
						}
						continue
					}
					if code != exitOK {
						t.Fatalf("%q: exit %d (stderr %q)", args, code, errs)
					}
					var got struct {
						Findings []findings.Finding `json:"findings"`
					}
					if err := json.Unmarshal([]byte(out), &got); err != nil {
						t.Fatal(err)
					}
					if len(args) != len(iacOnly) {
						continue
					}
					// With IaC as the only input, every located finding
					// points back at that file (or, for a plan, at the
					// configuration beside it).
					for _, f := range got.Findings {
						if f.Location == nil {
							continue
						}
						beside := file == "plan.json" && filepath.Dir(f.Location.File) == dir && filepath.Ext(f.Location.File) == ".tf"
						if f.Location.File != p && !beside {
							t.Errorf("%s: location %q, want %q", f.RuleID, f.Location.File, p)
						}
					}
				}
			})
		}
	}
}

func TestCheckIaCMalformed(t *testing.T) {
	tmpl := writeFile(t, "broken.yaml", "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties: [\n")
	code, _, errs := trailgate(t, "check", "--iac", tmpl)
	if code != exitUsage || !strings.Contains(errs, "broken.yaml") {
		t.Errorf("exit %d, stderr %q; want 2 naming the file", code, errs)
	}
	code, _, errs = trailgate(t, "check", "--iac", tmpl, "--param", "Env=prod", "--param", "Env=dev")
	if code != exitUsage || !strings.Contains(errs, "--param Env given twice") {
		t.Errorf("duplicate --param: exit %d, stderr %q", code, errs)
	}
	code, _, errs = trailgate(t, "check", "--iac", tmpl, "--account", "12345")
	if code != exitUsage || !strings.Contains(errs, "--account") {
		t.Errorf("bad --account: exit %d, stderr %q", code, errs)
	}
}
