package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/findings"
)

func sampleFingerprints() map[string]bool {
	want := map[string]bool{}
	for _, f := range sampleFindings {
		want[f.Fingerprint] = true
	}
	return want
}

// A result written by either writer reads back as exactly its fingerprints.
func TestBaselineRoundTrip(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			w, _ := WriterFor(format)
			var b bytes.Buffer
			if err := w(&b, sampleFindings, sampleRules, Options{ToolVersion: "0.1.0"}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "previous."+format)
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := LoadBaseline(path)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(sampleFingerprints(), got); diff != "" {
				t.Errorf("fingerprints (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBaselineEmptyResultIsEmptySet(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		w, _ := WriterFor(format)
		var b bytes.Buffer
		if err := w(&b, nil, sampleRules, Options{}); err != nil {
			t.Fatal(err)
		}
		got, err := ParseBaseline("prev", b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if len(got) != 0 {
			t.Errorf("%s: got %v, want empty", format, got)
		}
	}
}

func TestBaselineErrorsNameTheFile(t *testing.T) {
	cases := []struct {
		name, data, want string
	}{
		{"empty", "", "base.json: empty file"},
		{"syntax", "{\n  \"findings\": [\n  }\n", "base.json:3: invalid JSON"},
		{"not an object", "[1,2]", "base.json:1: expected map"},
		{"neither format", `{"results": []}`, `base.json: not a trailgate result`},
		{"other tool json", `{"tool":{"name":"checkov"},"findings":[]}`, `base.json: tool.name: written by "checkov"`},
		{"finding without fingerprint", `{"tool":{"name":"trailgate"},"findings":[{"rule_id":"KM01","fingerprint":"ab"},{"rule_id":"CT02"}]}`, "base.json: findings[1].fingerprint: missing"},
		{"wrong type", "{\"tool\":{\"name\":\"trailgate\"},\n\"findings\":{}}", "base.json:2: findings: expected"},
		{"sarif from another tool", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"tfsec"}},"results":[]}]}`, "base.json: runs: no run written by trailgate"},
		{"sarif old version", `{"version":"2.0.0","runs":[]}`, `base.json: version: SARIF version "2.0.0" is not 2.1.0`},
		{"sarif result without fingerprint", `{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"trailgate"}},"results":[{"ruleId":"KM01","partialFingerprints":{"other/v1":"x"}}]}]}`, `base.json: runs[0].results[0].partialFingerprints["trailgate/v1"]: missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseBaseline("base.json", []byte(c.data))
			if err == nil {
				t.Fatal("accepted")
			}
			var be *BaselineError
			if !errors.As(err, &be) {
				t.Errorf("error %T is not a *BaselineError", err)
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q does not start with %q", err, c.want)
			}
		})
	}
}

func TestLoadBaselineMissingFile(t *testing.T) {
	_, err := LoadBaseline(filepath.Join(t.TempDir(), "nope.json"))
	if err == nil || !strings.Contains(err.Error(), "nope.json") {
		t.Fatalf("err = %v, want one naming the file", err)
	}
}

// SARIF logs merged from several tools keep only trailgate's fingerprints.
func TestBaselineSARIFIgnoresOtherRuns(t *testing.T) {
	data := `{"version":"2.1.0","runs":[
	  {"tool":{"driver":{"name":"tfsec"}},"results":[{"ruleId":"X","partialFingerprints":{"trailgate/v1":"notours"}}]},
	  {"tool":{"driver":{"name":"trailgate"}},"results":[{"ruleId":"KM01","partialFingerprints":{"trailgate/v1":"ours"}}]}]}`
	got, err := ParseBaseline("merged.sarif", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]bool{"ours": true}, got); diff != "" {
		t.Error(diff)
	}
}

func TestApplyBaseline(t *testing.T) {
	fs := []findings.Finding{
		{RuleID: "KM01", Fingerprint: "a"},
		{RuleID: "CT02", Fingerprint: "b"},
		{RuleID: "NT01"}, // no fingerprint: never matches, even an empty key
	}
	n := ApplyBaseline(fs, map[string]bool{"a": true, "": true, "zzz": true})
	if n != 1 || !fs[0].Baselined || fs[1].Baselined || fs[2].Baselined {
		t.Errorf("ApplyBaseline marked %d: %+v", n, fs)
	}
	// A baselined critical finding never fails the run; a new one does.
	if findings.FailOn(fs[:1], "low") {
		t.Error("baselined finding failed the run")
	}
}

func FuzzParseBaseline(f *testing.F) {
	var j, s bytes.Buffer
	_ = WriteJSON(&j, sampleFindings, sampleRules, Options{})
	_ = WriteSARIF(&s, sampleFindings, sampleRules, Options{})
	f.Add(j.Bytes())
	f.Add(s.Bytes())
	f.Add([]byte(`{"runs":null,"version":"2.1.0"}`))
	f.Add([]byte(`{"findings":[{}],"tool":{"name":"trailgate"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := ParseBaseline("fuzz.json", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json") {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		for fp := range set {
			if fp == "" {
				t.Error("empty fingerprint accepted")
			}
		}
	})
}
