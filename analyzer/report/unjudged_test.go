package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var unjudged = []Unjudged{{File: "cloudformation/broken.yaml", Line: 6, Reason: `Fn::GetAtt: no resource "Nowhere"`}}

func TestUnjudgedFilesInEveryFormat(t *testing.T) {
	text, doc, sb := writeEveryFormat(t, Options{ToolVersion: "0.1.0", Unjudged: unjudged})
	if !strings.Contains(text, "1 file could not be judged:\n  cloudformation/broken.yaml:6: Fn::GetAtt: no resource \"Nowhere\"") {
		t.Errorf("text summary does not list the unjudged file:\n%s", text)
	}
	if diff := cmp.Diff(unjudged, doc.Unjudged); diff != "" {
		t.Errorf("JSON unjudged (-want +got):\n%s", diff)
	}
	var log struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful bool `json:"executionSuccessful"`
				Notes               []struct {
					Level   string `json:"level"`
					Message struct {
						Text string `json:"text"`
					} `json:"message"`
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct {
								URI string `json:"uri"`
							} `json:"artifactLocation"`
							Region struct {
								StartLine int `json:"startLine"`
							} `json:"region"`
						} `json:"physicalLocation"`
					} `json:"locations"`
				} `json:"toolExecutionNotifications"`
			} `json:"invocations"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sb, &log); err != nil {
		t.Fatal(err)
	}
	inv := log.Runs[0].Invocations
	if len(inv) != 1 || len(inv[0].Notes) != 1 {
		t.Fatalf("invocations = %+v, want one with one notification", inv)
	}
	n := inv[0].Notes[0]
	pl := n.Locations[0].PhysicalLocation
	if n.Level != "error" || n.Message.Text != `not judged: Fn::GetAtt: no resource "Nowhere"` ||
		pl.ArtifactLocation.URI != "cloudformation/broken.yaml" || pl.Region.StartLine != 6 {
		t.Errorf("notification = %+v", n)
	}
}

// writeEveryFormat writes an empty result with opts as text, JSON (decoded)
// and SARIF (checked against the schema), for tests of what every format
// says besides the findings.
func writeEveryFormat(t *testing.T, opts Options) (text string, doc Result, sarif []byte) {
	t.Helper()
	var tb, js, sb bytes.Buffer
	if err := WriteText(&tb, nil, sampleRules, opts); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&js, nil, sampleRules, opts); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if err := WriteSARIF(&sb, nil, sampleRules, opts); err != nil {
		t.Fatal(err)
	}
	if err := validate(t, sarifSchema(t), sb.Bytes()); err != nil {
		t.Errorf("SARIF does not validate: %v", err)
	}
	return tb.String(), doc, sb.Bytes()
}
