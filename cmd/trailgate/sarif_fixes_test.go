package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/remedy"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/analyzer/report/sariftest"
)

// An IaC check's SARIF carries each exact fix as a fix with
// artifactChanges (SARIF 2.1.0 §3.55), in every IaC format: a
// CloudFormation template in YAML and in JSON, and a Terraform plan whose
// configuration is beside it (the .tf file is what the fix edits). The
// document is valid SARIF that GitHub accepts, and every replacement
// applies to the file it names.
func TestSARIFFixesInEveryIaCFormat(t *testing.T) {
	schema := sariftest.Schema(t)
	const sc = "../../fixtures/scenarios/single-account-trail-sns/"
	for _, in := range []string{"template.yaml", "template.json", "plan.json"} {
		t.Run(in, func(t *testing.T) {
			code, out, errs := trailgate(t, "check", "--iac", sc+in, "--connector", sc+"connector.yaml",
				"--format", "sarif", "--fail-on", "none", "--source-root", "../..")
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			if err := schema.Validate(mustJSON(t, out)); err != nil {
				t.Errorf("not valid SARIF 2.1.0: %v", err)
			}
			if p := report.GitHubUploadProblems([]byte(out)); p != nil {
				t.Errorf("GitHub would refuse it: %v", p)
			}
			edits := sarifFixEdits(t, []byte(out))
			if len(edits) == 0 {
				t.Fatal("no result carries a fix")
			}
			for uri, es := range edits {
				data, err := os.ReadFile(filepath.Join("../..", filepath.FromSlash(uri)))
				if err != nil {
					t.Fatalf("a fix edits %s: %v", uri, err)
				}
				for _, e := range es {
					// Each fix on its own, as a viewer applies one.
					edited, err := remedy.Edit(data, []findings.Replacement{e})
					if err != nil || string(edited) == string(data) {
						t.Errorf("%s: replacement %+v does not apply: %v", uri, e, err)
					}
				}
			}
		})
	}
}

// sarifFixEdits returns the replacements of every result's fixes, by the
// URI of the artifact they change.
func sarifFixEdits(t *testing.T, data []byte) map[string][]findings.Replacement {
	t.Helper()
	var doc struct {
		Runs []struct {
			Results []struct {
				Fixes []struct {
					ArtifactChanges []struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Replacements []struct {
							DeletedRegion struct {
								StartLine   int `json:"startLine"`
								StartColumn int `json:"startColumn"`
								EndLine     int `json:"endLine"`
								EndColumn   int `json:"endColumn"`
							} `json:"deletedRegion"`
							InsertedContent struct {
								Text string `json:"text"`
							} `json:"insertedContent"`
						} `json:"replacements"`
					} `json:"artifactChanges"`
				} `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := map[string][]findings.Replacement{}
	for _, r := range doc.Runs[0].Results {
		for _, f := range r.Fixes {
			for _, c := range f.ArtifactChanges {
				for _, rp := range c.Replacements {
					d := rp.DeletedRegion
					out[c.ArtifactLocation.URI] = append(out[c.ArtifactLocation.URI], findings.Replacement{
						StartLine: d.StartLine, StartColumn: d.StartColumn, EndLine: d.EndLine, EndColumn: d.EndColumn, Text: rp.InsertedContent.Text})
				}
			}
		}
	}
	return out
}

// The connector's external ID is masked in IaC fixes too: the trust
// statement a fix adds names it by a placeholder, never in clear, in every
// output format and for every IaC format.
func TestExternalIDMaskedInIaCFixes(t *testing.T) {
	const sc = "../../fixtures/scenarios/single-account-trail-sns/"
	id := connectorExternalID(t, sc+"connector.yaml")
	for _, in := range []string{"template.yaml", "template.json", "plan.json"} {
		for _, format := range report.Formats {
			code, out, errs := trailgate(t, "check", "--iac", sc+in, "--connector", sc+"connector.yaml", "--format", format, "--fail-on", "none")
			if code != exitOK {
				t.Fatalf("%s %s: exit %d: %s", in, format, code, errs)
			}
			if strings.Contains(out+errs, id) {
				t.Errorf("%s --format %s prints the external ID in clear", in, format)
			}
			if format == "json" && !strings.Contains(out, "<external_id from the connector file>") {
				t.Errorf("%s: no fix names the external ID by its placeholder", in)
			}
		}
	}
}
