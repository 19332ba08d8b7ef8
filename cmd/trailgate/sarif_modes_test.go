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

// sarifLocations lists every result's first physical location.
func sarifLocations(t *testing.T, data []byte) []sarifLocation {
	t.Helper()
	var doc struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI       string `json:"uri"`
							URIBaseID string `json:"uriBaseId"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
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
		p := r.Locations[0].PhysicalLocation
		out = append(out, sarifLocation{p.ArtifactLocation.URI, p.ArtifactLocation.URIBaseID, p.Region.StartLine})
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
		})
	}
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
