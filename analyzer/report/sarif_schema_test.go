package report

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// sarifSchema compiles the OASIS SARIF 2.1.0 schema kept in testdata
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/), so the test needs no
// network.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "file:///sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	// The shared copy of the schema keeps the root document's constraints
	// under definitions/Root and has no top-level $ref, so compiling the
	// bare URL would yield a schema that accepts anything (the negative
	// test below proved it). Validate against the Root definition.
	s, err := c.Compile(url + "#/definitions/Root")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return s.Validate(doc)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	s := sarifSchema(t)
	for name, fs := range map[string][]findings.Finding{"findings": sampleFindings, "empty": nil} {
		for _, baseline := range []bool{false, true} {
			var b bytes.Buffer
			// With the delivery paths, each finding carries codeFlows.
			if err := WriteSARIF(&b, fs, sampleRules, Options{ToolVersion: "0.1.0", BaselineUsed: baseline, Paths: samplePaths()}); err != nil {
				t.Fatal(err)
			}
			if err := validate(t, s, b.Bytes()); err != nil {
				t.Errorf("%s (baseline=%v): SARIF does not validate: %v", name, baseline, err)
			}
		}
	}
}

// The validator must be able to fail: each mutation below breaks a
// constraint of the SARIF schema, and each must be caught.
func TestSARIFSchemaCatchesBrokenDocuments(t *testing.T) {
	s := sarifSchema(t)
	var b bytes.Buffer
	if err := WriteSARIF(&b, sampleFindings, sampleRules, Options{ToolVersion: "0.1.0", BaselineUsed: true}); err != nil {
		t.Fatal(err)
	}
	mutations := map[string]func(doc map[string]any){
		"wrong version": func(doc map[string]any) { doc["version"] = "2.0.0" },
		"no runs":       func(doc map[string]any) { delete(doc, "runs") },
		"bad level": func(doc map[string]any) {
			firstResult(doc)["level"] = "fatal"
		},
		"bad baselineState": func(doc map[string]any) {
			firstResult(doc)["baselineState"] = "same"
		},
		"startLine zero": func(doc map[string]any) {
			loc := firstResult(doc)["locations"].([]any)[0].(map[string]any)
			loc["physicalLocation"].(map[string]any)["region"].(map[string]any)["startLine"] = 0
		},
		"rule without id": func(doc map[string]any) {
			run := doc["runs"].([]any)[0].(map[string]any)
			rules := run["tool"].(map[string]any)["driver"].(map[string]any)["rules"].([]any)
			delete(rules[0].(map[string]any), "id")
		},
		"unknown top-level property": func(doc map[string]any) { doc["surprise"] = true },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			mutate(doc)
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			if err := validate(t, s, data); err == nil {
				t.Errorf("schema accepted a document with %s", name)
			}
		})
	}
}

// firstResult returns the first result of the run: KM01 in the sample
// (critical, sorted first), the one with a file, a line and a baseline state.
func firstResult(doc map[string]any) map[string]any {
	run := doc["runs"].([]any)[0].(map[string]any)
	r := run["results"].([]any)[0].(map[string]any)
	if r["ruleId"] != "KM01" {
		panic("sample order changed: expected KM01 first")
	}
	return r
}

func TestArtifactURI(t *testing.T) {
	for in, want := range map[string]string{
		"templates/logging.yaml":      "templates/logging.yaml",
		"./templates/logging.yaml":    "templates/logging.yaml",
		"plans/my dir/plan.json":      "plans/my%20dir/plan.json",
		"a:b.yaml":                    "./a:b.yaml",
		"/work/repo/t.yaml":           "file:///work/repo/t.yaml",
		"templates/100%/logging.yaml": "templates/100%25/logging.yaml",
	} {
		if got := artifactURI(in); got != want {
			t.Errorf("artifactURI(%q) = %q, want %q", in, got, want)
		}
	}
}
