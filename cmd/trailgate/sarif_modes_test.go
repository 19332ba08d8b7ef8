package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/analyzer/report/sariftest"
)

type sarifLocation struct {
	URI, URIBaseID string
	Line           int
}

// sarifPhysical is a SARIF physicalLocation as the tests read it.
type sarifPhysical struct {
	ArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId"`
	} `json:"artifactLocation"`
	Region struct {
		StartLine int `json:"startLine"`
	} `json:"region"`
}

func (p sarifPhysical) at() sarifLocation {
	return sarifLocation{p.ArtifactLocation.URI, p.ArtifactLocation.URIBaseID, p.Region.StartLine}
}

// sarifLocations lists every result's first physical location.
func sarifLocations(t *testing.T, data []byte) []sarifLocation {
	t.Helper()
	var doc struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation sarifPhysical `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []sarifLocation
	for _, r := range doc.Runs[0].Results {
		if len(r.Locations) == 0 {
			out = append(out, sarifLocation{})
			continue
		}
		out = append(out, r.Locations[0].PhysicalLocation.at())
	}
	return out
}

// sarifStep is one step of a result's code flow: the hop's resource and
// where the step places it (zero when it does not).
type sarifStep struct {
	ARN, Message string
	At           sarifLocation
}

// sarifSteps lists every code-flow step of every result.
func sarifSteps(t *testing.T, data []byte) []sarifStep {
	t.Helper()
	var doc struct {
		Runs []struct {
			Results []struct {
				CodeFlows []struct {
					ThreadFlows []struct {
						Locations []struct {
							Location struct {
								Message struct {
									Text string `json:"text"`
								} `json:"message"`
								PhysicalLocation *sarifPhysical `json:"physicalLocation"`
								LogicalLocations []struct {
									FullyQualifiedName string `json:"fullyQualifiedName"`
								} `json:"logicalLocations"`
							} `json:"location"`
						} `json:"locations"`
					} `json:"threadFlows"`
				} `json:"codeFlows"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []sarifStep
	for _, r := range doc.Runs[0].Results {
		for _, cf := range r.CodeFlows {
			for _, tf := range cf.ThreadFlows {
				for _, l := range tf.Locations {
					st := sarifStep{Message: l.Location.Message.Text}
					if len(l.Location.LogicalLocations) > 0 {
						st.ARN = l.Location.LogicalLocations[0].FullyQualifiedName
					}
					if p := l.Location.PhysicalLocation; p != nil {
						st.At = p.at()
					}
					out = append(out, st)
				}
			}
		}
	}
	return out
}

// Every way of running check writes SARIF that the schema accepts and
// GitHub code scanning would accept: each result placed in a repository
// file (relative to %SRCROOT%, the repository root given by --source-root)
// at a line. The expected files say which input each mode points at.
func TestSARIFEveryModeUploadsToGitHub(t *testing.T) {
	schema := sariftest.Schema(t)
	const sc = "../../fixtures/scenarios/"
	modes := []struct {
		name   string
		args   []string
		prefix []string // every result's URI starts with one of them
	}{
		{"snapshot", []string{"check", "--snapshot", sc + "single-account-trail-sns-broken/snapshot.json", "--connector", sc + "single-account-trail-sns-broken/connector.yaml"}, []string{"fixtures/scenarios/single-account-trail-sns-broken/snapshot.json"}},
		{"demo", []string{"demo"}, []string{"fixtures/scenarios/controltower-broken-keypolicy/snapshot.json"}},
		{"template", []string{"check", "--iac", sc + "sns-fanout-broken/template.yaml", "--connector", sc + "sns-fanout-broken/connector.yaml"}, []string{"fixtures/scenarios/sns-fanout-broken/template.yaml"}},
		{"plan", []string{"check", "--iac", sc + "single-account-trail-sns-broken/plan.json"}, []string{"fixtures/scenarios/single-account-trail-sns-broken/plan.json"}},
		{"plan with .tf", []string{"check", "--iac", sc + "single-account-trail-sns-broken/plan.json", "--tf-dir", "testdata/tfconfig/single-account-trail-sns-broken"},
			// Findings about resources the plan does not declare (the
			// connector's role, left unknown) fall back to the plan.
			[]string{"cmd/trailgate/testdata/tfconfig/single-account-trail-sns-broken/main.tf", "fixtures/scenarios/single-account-trail-sns-broken/plan.json"}},
		{"snapshot and plan", []string{"check", "--snapshot", sc + "single-account-trail-sns-broken/snapshot.json", "--iac", sc + "single-account-trail-sns-broken/plan.json"}, []string{"fixtures/scenarios/single-account-trail-sns-broken/"}},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			args := append(m.args, "--format", "sarif", "--fail-on", "none", "--source-root", "../..")
			code, out, errs := trailgate(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if err := schema.Validate(mustJSON(t, out)); err != nil {
				t.Errorf("not valid SARIF 2.1.0: %v", err)
			}
			if p := report.GitHubUploadProblems([]byte(out)); p != nil {
				t.Errorf("GitHub would refuse it:\n%s", strings.Join(p, "\n"))
			}
			locs := sarifLocations(t, []byte(out))
			if len(locs) == 0 {
				t.Fatal("no result: the mode proves nothing")
			}
			for _, l := range locs {
				if !slices.ContainsFunc(m.prefix, func(p string) bool { return strings.HasPrefix(l.URI, p) }) || l.URIBaseID != report.SRCROOT || l.Line < 1 {
					t.Errorf("result at %+v, want %s… against %s at a line", l, m.prefix, report.SRCROOT)
				}
			}
			// Each hop of each code flow steps to where the input declares
			// its resource, in the same files as the results; only the
			// vendor's queue (Radiant's account, in no input) has no place.
			steps := sarifSteps(t, []byte(out))
			if len(steps) == 0 {
				t.Fatal("no code-flow step: no finding explains a hop")
			}
			for _, st := range steps {
				if st.At == (sarifLocation{}) {
					if !strings.Contains(st.ARN, ":649384204969:") || strings.Contains(st.ARN, " -> ") {
						t.Errorf("step %q on %s has no physicalLocation", st.Message, st.ARN)
					}
					continue
				}
				if !slices.ContainsFunc(m.prefix, func(p string) bool { return strings.HasPrefix(st.At.URI, p) }) || st.At.URIBaseID != report.SRCROOT || st.At.Line < 1 {
					t.Errorf("step %q on %s at %+v, want %s… against %s at a line", st.Message, st.ARN, st.At, m.prefix, report.SRCROOT)
					continue
				}
				if strings.HasSuffix(st.At.URI, "snapshot.json") {
					snapshotObjectNames(t, "../../"+st.At.URI, st.At.Line, st.ARN)
				}
			}
		})
	}
}

// snapshotObjectNames fails unless line of the snapshot file opens the
// object of the resource id names: its "arn", or for a subscription
// without one ("topic -> endpoint"), its "endpoint".
func snapshotObjectNames(t *testing.T, file string, line int, id string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(data), "\n")
	if line > len(lines) || !strings.HasSuffix(strings.TrimSpace(lines[line-1]), "{") {
		t.Errorf("%s:%d (for %s) does not open an object", file, line, id)
		return
	}
	field := `"arn": "` + id + `"`
	if _, endpoint, pending := strings.Cut(id, " -> "); pending {
		field = `"endpoint": "` + endpoint + `"`
	}
	// The object's own fields come before any nested object closes.
	for _, l := range lines[line:] {
		if strings.Contains(l, field) {
			return
		}
		if strings.HasPrefix(strings.TrimSpace(l), "}") {
			break
		}
	}
	t.Errorf("the object at %s:%d has no %s", file, line, field)
}

// With --tf-dir, a plan's findings land on the resource blocks of the
// .tf file, at the lines of the blocks their addresses name.
func TestSARIFPlanFindingsOnTfLines(t *testing.T) {
	code, out, errs := trailgate(t, "check", "--iac", "../../fixtures/scenarios/single-account-trail-sns-broken/plan.json",
		"--tf-dir", "testdata/tfconfig/single-account-trail-sns-broken", "--format", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res report.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	blocks := map[string]int{ // main.tf's block lines
		"aws_kms_key.key_sns_encryption":        36,
		"aws_sns_topic.cloudtrail_log_delivery": 46,
		"aws_cloudtrail.management_events":      63,
	}
	placed := 0
	for _, f := range res.Findings {
		if f.Address == "" {
			continue // a resource the plan does not declare
		}
		want, ok := blocks[f.Address]
		if !ok {
			t.Errorf("%s on %s: address not in the test's table", f.RuleID, f.Address)
			continue
		}
		placed++
		if f.Location == nil || filepath.Base(f.Location.File) != "main.tf" || f.Location.Line != want {
			t.Errorf("%s on %s at %+v, want main.tf:%d", f.RuleID, f.Address, f.Location, want)
		}
	}
	if placed < 3 {
		t.Errorf("only %d findings on declared resources", placed)
	}
}

// Run from a subdirectory of the repository, URIs are still relative to
// the repository root, found from .git.
func TestSARIFRootDetected(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "infra", "prod")
	if err := os.MkdirAll(filepath.Join(root, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"template.yaml", "connector.yaml"} {
		data, err := os.ReadFile("../../fixtures/scenarios/sns-fanout-broken/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(sub)
	code, out, errs := trailgate(t, "check", "--iac", "template.yaml", "--connector", "connector.yaml", "--format", "sarif", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	locs := sarifLocations(t, []byte(out))
	if len(locs) == 0 {
		t.Fatal("no result")
	}
	for _, l := range locs {
		if l.URI != "infra/prod/template.yaml" {
			t.Errorf("result at %q, want infra/prod/template.yaml", l.URI)
		}
	}
	if !bytes.Contains([]byte(out), []byte(`"uri": "file://`+filepath.ToSlash(root)+`/"`)) {
		t.Errorf("originalUriBaseIds does not name %s", root)
	}
}

func mustJSON(t *testing.T, s string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(s))
	if err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	return v
}

// connectorExternalID is the external_id a fixture's connector file gives.
func connectorExternalID(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	id := regexp.MustCompile(`external_id: "([^"]+)"`).FindSubmatch(data)
	if id == nil {
		t.Fatal("the fixture's connector has no external ID")
	}
	return string(id[1])
}

// The connector's external ID never appears in clear, in any output: the
// explanations of the reader's AssumeRole question carry it in their
// context, and a remediation may quote it.
func TestExternalIDMaskedEverywhere(t *testing.T) {
	const sc = "../../fixtures/scenarios/controltower-broken-keypolicy/"
	id := connectorExternalID(t, sc+"connector.yaml")
	base := []string{"check", "--snapshot", sc + "snapshot.json", "--connector", sc + "connector.yaml", "--fail-on", "none"}
	runs := [][]string{{"--explain", "ID01"}}
	for _, f := range report.Formats {
		runs = append(runs, []string{"--format", f})
	}
	for _, extra := range runs {
		code, out, errs := trailgate(t, append(slices.Clone(base), extra...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		if strings.Contains(out+errs, id) {
			t.Errorf("%v prints the external ID in clear", extra)
		}
	}
}
