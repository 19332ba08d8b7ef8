package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/trailgate/trailgate/analyzer/engine"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/fixtures"
)

// trailgate runs the CLI in-process, as main does, and returns the exit
// code and both streams.
func trailgate(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func demoFile(t *testing.T) string {
	t.Helper()
	return writeFile(t, "demo.json", string(fixtures.Demo()))
}

// demoArgs are the check flags that judge the demo organization the way
// `trailgate demo` does: its snapshot and its connector.
func demoArgs(t *testing.T) []string {
	t.Helper()
	return []string{"--snapshot", demoFile(t), "--connector", writeFile(t, "connector.yaml", string(fixtures.DemoConnector()))}
}

func checkDemo(t *testing.T, extra ...string) (int, string, string) {
	t.Helper()
	return trailgate(t, append(append([]string{"check"}, demoArgs(t)...), extra...)...)
}

func TestDispatch(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		inStdout string
		inStderr string
	}{
		{nil, exitUsage, "", "Usage: trailgate COMMAND"},
		{[]string{"help"}, exitOK, "check", ""},
		{[]string{"--help"}, exitOK, "Commands:", ""},
		{[]string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{[]string{"help", "check"}, exitOK, "", "--fail-on"},
		{[]string{"check", "--help"}, exitOK, "", "--snapshot"},
	}
	for _, c := range cases {
		code, out, errs := trailgate(t, c.args...)
		if code != c.code || !strings.Contains(out, c.inStdout) || !strings.Contains(errs, c.inStderr) {
			t.Errorf("trailgate %q = %d, stdout %q, stderr %q; want %d, stdout ∋ %q, stderr ∋ %q",
				c.args, code, out, errs, c.code, c.inStdout, c.inStderr)
		}
	}
	for _, name := range []string{"check", "rules", "demo", "version"} {
		if _, ok := commands[name]; !ok {
			t.Errorf("command %s not registered", name)
		}
	}
}

// A panic inside a command is a bug: reported as one, exit 2, no crash.
func TestPanicIsReportedAsBug(t *testing.T) {
	register(command{name: "test-panic", summary: "panics", run: func(context.Context, []string, io.Writer, io.Writer) int {
		panic("boom")
	}})
	defer delete(commands, "test-panic")
	code, _, errs := trailgate(t, "test-panic")
	if code != exitUsage || !strings.Contains(errs, "internal error") || !strings.Contains(errs, "boom") {
		t.Errorf("code %d, stderr %q", code, errs)
	}
}

func TestCheckUsageErrors(t *testing.T) {
	snap := demoFile(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no input", []string{"check"}, "nothing to check"},
		{"unknown flag", []string{"check", "--snapshot", snap, "--frobnicate"}, "unknown flag: --frobnicate"},
		{"positional argument", []string{"check", snap}, "unexpected argument"},
		{"bad format", []string{"check", "--snapshot", snap, "--format", "xml"}, `--format: want text, json or sarif; got "xml"`},
		{"bad fail-on", []string{"check", "--snapshot", snap, "--fail-on", "severe"}, `--fail-on: want one of`},
		{"param without iac", []string{"check", "--snapshot", snap, "--param", "Env=prod"}, "--param applies to --iac input only"},
		{"missing snapshot", []string{"check", "--snapshot", "/nonexistent/org.json"}, "/nonexistent/org.json"},
		{"missing connector", []string{"check", "--snapshot", snap, "--connector", "/nonexistent/c.yaml"}, "/nonexistent/c.yaml"},
		{"missing baseline", []string{"check", "--snapshot", snap, "--baseline", "/nonexistent/b.json"}, "/nonexistent/b.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := trailgate(t, c.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			if !strings.Contains(errs, c.want) {
				t.Errorf("stderr %q does not contain %q", errs, c.want)
			}
			if out != "" {
				t.Errorf("a usage error wrote to stdout: %q", out)
			}
		})
	}
}

// Malformed input is exit 2 with a message naming the file and the field
// or line, never a panic.
func TestCheckMalformedInputNamesTheProblem(t *testing.T) {
	snap := demoFile(t)
	cases := []struct {
		name, flag, file, content string
		want                      []string
	}{
		{"snapshot version", "--snapshot", "old.json", `{"schema_version": "0", "source": "live", "accounts": []}`, []string{"old.json", "schema_version", "unsupported version"}},
		{"snapshot bad field type", "--snapshot", "typed.json", "{\"schema_version\": \"1\",\n \"source\": \"live\",\n \"accounts\": [{\"id\": 5}]}", []string{"typed.json:3", "accounts.id"}},
		{"snapshot unknown field", "--snapshot", "extra.json", `{"schema_version": "1", "source": "live", "accounts": [], "trails": []}`, []string{"extra.json", "trails", "unknown field"}},
		{"snapshot not JSON", "--snapshot", "garbage.json", "{\n\"schema_version\": \"1\",\n]", []string{"garbage.json:3", "invalid JSON"}},
		{"connector typo", "--connector", "c.yaml", "profile: expel\nrole: arn:aws:iam::222222222222:role/ExpelRole\nextrnal_id: x\n", []string{"c.yaml:3", "extrnal_id"}},
		{"baseline not JSON", "--baseline", "b.json", "{\n  \"findings\": [\n}", []string{"b.json:3", "invalid JSON"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := writeFile(t, c.file, c.content)
			args := []string{"check", "--snapshot", snap, c.flag, path}
			if c.flag == "--snapshot" {
				args = []string{"check", "--snapshot", path}
			}
			code, _, errs := trailgate(t, args...)
			if code != exitUsage {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q does not contain %q", errs, w)
				}
			}
		})
	}
}

// The demo organization is broken on purpose: exit 1 at the default
// threshold, 0 with --fail-on none, and the same findings either way.
func TestDemoExitCodes(t *testing.T) {
	code, out, errs := trailgate(t, "demo")
	if code != exitFindings {
		t.Fatalf("demo exit %d, want 1 (stderr %q)", code, errs)
	}
	if !strings.Contains(out, "CRITICAL") && !strings.Contains(out, "HIGH") {
		t.Errorf("demo output has no critical or high group:\n%s", out)
	}
	code2, out2, _ := trailgate(t, "demo", "--fail-on", "none")
	if code2 != exitOK {
		t.Errorf("demo --fail-on none exit %d, want 0", code2)
	}
	if diff := cmp.Diff(out, out2); diff != "" {
		t.Errorf("--fail-on changed the report:\n%s", diff)
	}
	// check --snapshot on the same document gives the same verdict.
	code3, out3, _ := checkDemo(t)
	if code3 != code || out3 != out {
		t.Errorf("check on the demo snapshot: exit %d, want %d; same output: %v", code3, code, out3 == out)
	}
}

// --format json has exactly the contract's shape.
func TestCheckJSONShape(t *testing.T) {
	code, out, errs := checkDemo(t, "--format", "json")
	if code != exitFindings {
		t.Fatalf("exit %d (stderr %q)", code, errs)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"findings", "paths", "summary", "tool"}, sortedKeys(doc)); diff != "" {
		t.Errorf("top-level keys (-want +got):\n%s", diff)
	}
	var tool map[string]string
	if err := json.Unmarshal(doc["tool"], &tool); err != nil || tool["name"] != "trailgate" || tool["version"] != version {
		t.Errorf("tool = %s", doc["tool"])
	}
	var fs []map[string]json.RawMessage
	if err := json.Unmarshal(doc["findings"], &fs); err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatal("the demo produced no findings")
	}
	required := []string{"fingerprint", "message", "remediation", "resource", "rule_id", "severity", "title"}
	allowed := append(slices.Clone(required), "location", "address", "baselined")
	for i, f := range fs {
		for _, k := range required {
			if _, ok := f[k]; !ok {
				t.Errorf("findings[%d] lacks %q", i, k)
			}
		}
		for k := range f {
			if !slices.Contains(allowed, k) {
				t.Errorf("findings[%d] has unexpected key %q", i, k)
			}
		}
	}
	var typed struct {
		Findings []findings.Finding `json:"findings"`
		Summary  findings.Summary   `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &typed); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(findings.Summarize(typed.Findings), typed.Summary); diff != "" {
		t.Errorf("summary does not count the findings:\n%s", diff)
	}
	fps := map[string]bool{}
	for _, f := range typed.Findings {
		if f.Severity.Rank() == 0 || f.Fingerprint == "" {
			t.Errorf("finding %s: severity %q, fingerprint %q", f.RuleID, f.Severity, f.Fingerprint)
		}
		fps[f.Fingerprint] = true
	}
	// paths: each hop names its kind, status and the fingerprints of the
	// findings that explain it (README, "JSON paths").
	var paths []report.PathView
	if err := json.Unmarshal(doc["paths"], &paths); err != nil || len(paths) == 0 {
		t.Fatalf("paths = %s (%v)", doc["paths"], err)
	}
	for _, p := range paths {
		for _, h := range p.Hops {
			if h.Kind == "" || !slices.Contains([]string{"ok", "degraded", "unknown", "broken"}, h.Status) || h.Findings == nil {
				t.Errorf("path %s: hop %+v", p.ID, h)
			}
			for _, fp := range h.Findings {
				if !fps[fp] {
					t.Errorf("path %s: hop %s names fingerprint %s, which no finding has", p.ID, h.Kind, fp)
				}
			}
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestCheckSARIFValidates(t *testing.T) {
	code, out, errs := checkDemo(t, "--format", "sarif")
	if code != exitFindings {
		t.Fatalf("exit %d (stderr %q)", code, errs)
	}
	f, err := os.Open("../../analyzer/report/testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("file:///sarif.json", schemaDoc); err != nil {
		t.Fatal(err)
	}
	// The shared schema keeps the root constraints under definitions/Root.
	s, err := c.Compile("file:///sarif.json#/definitions/Root")
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(inst); err != nil {
		t.Errorf("SARIF output does not validate: %v", err)
	}
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if got, want := len(log.Runs[0].Tool.Driver.Rules), len(eng.Rules()); got != want {
		t.Errorf("SARIF registers %d rules, the engine has %d", got, want)
	}
}

// --output writes the file (stdout stays empty) and keeps the exit code;
// --baseline from that file turns every finding into a known one.
func TestCheckOutputAndBaseline(t *testing.T) {
	for _, format := range []string{"json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "result."+format)
			code, stdout, errs := checkDemo(t, "--format", format, "--output", out)
			if code != exitFindings || stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
			}
			if !strings.Contains(errs, "wrote ") || !strings.Contains(errs, out) {
				t.Errorf("stderr %q does not say where the result went", errs)
			}
			if _, err := os.Stat(out); err != nil {
				t.Fatal(err)
			}
			code, stdout, errs = checkDemo(t, "--baseline", out, "--format", "json")
			if code != exitOK {
				t.Errorf("with its own baseline: exit %d, want 0 (stderr %q)", code, errs)
			}
			var doc struct {
				Findings []findings.Finding `json:"findings"`
			}
			if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.Findings) == 0 {
				t.Fatal("baselined findings must still be reported")
			}
			for _, f := range doc.Findings {
				if !f.Baselined {
					t.Errorf("%s %s not marked baselined", f.RuleID, f.Resource.ID)
				}
			}
		})
	}
}

// A baseline from an unrelated result leaves every finding new.
func TestCheckBaselineWithOtherFindings(t *testing.T) {
	base := writeFile(t, "base.json", `{"tool":{"name":"trailgate","version":"0"},"findings":[{"rule_id":"KM01","fingerprint":"0000"}],"summary":{}}`)
	code, _, errs := checkDemo(t, "--baseline", base)
	if code != exitFindings {
		t.Errorf("exit %d, want 1 (stderr %q)", code, errs)
	}
}

func TestRules(t *testing.T) {
	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := trailgate(t, "rules", "--format", "json")
	if code != exitOK {
		t.Fatalf("exit %d (stderr %q)", code, errs)
	}
	var doc struct {
		Tool  map[string]string `json:"tool"`
		Rules []findings.Rule   `json:"rules"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := slices.Clone(eng.Rules())
	slices.SortFunc(want, func(a, b findings.Rule) int { return strings.Compare(a.ID, b.ID) })
	if diff := cmp.Diff(want, doc.Rules); diff != "" {
		t.Errorf("rules --format json (-engine +listed):\n%s", diff)
	}
	for _, r := range doc.Rules {
		if r.Title == "" || r.Description == "" || r.Remediation == "" || r.Severity.Rank() == 0 {
			t.Errorf("rule %s has incomplete metadata: %+v", r.ID, r)
		}
		// What a reader needs and what is only recommended
		// (shared/profiles.md, "generic").
		if r.ID == "SQ06" {
			want := findings.Rule{Needed: []string{"sqs:DeleteMessage", "sqs:ReceiveMessage"},
				Recommended: []string{"sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"},
				NeededBy:    map[string][]string{"lambda-esm": {"sqs:GetQueueAttributes"}}}
			got := findings.Rule{Needed: r.Needed, Recommended: r.Recommended, NeededBy: r.NeededBy}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("SQ06 needed/recommended (-want +got):\n%s", diff)
			}
		}
		if r.ID == "S305" && (!slices.Equal(r.Needed, []string{"s3:GetObject"}) || !slices.Equal(r.Recommended, []string{"s3:ListBucket"})) {
			t.Errorf("S305 needs %v, recommends %v; want [s3:GetObject], [s3:ListBucket]", r.Needed, r.Recommended)
		}
	}
	code, out, _ = trailgate(t, "rules")
	if code != exitOK {
		t.Fatalf("rules exit %d", code)
	}
	for _, r := range doc.Rules {
		if !strings.Contains(out, r.ID) {
			t.Errorf("text listing lacks %s", r.ID)
		}
	}
	if code, _, _ := trailgate(t, "rules", "--format", "sarif"); code != exitUsage {
		t.Errorf("rules --format sarif exit %d, want 2", code)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := trailgate(t, "version")
	if code != exitOK || !strings.Contains(out, "trailgate "+version) || !strings.Contains(out, "opa:") {
		t.Errorf("exit %d, output %q", code, out)
	}
	if code, _, _ := trailgate(t, "version", "extra"); code != exitUsage {
		t.Errorf("version extra: exit %d, want 2", code)
	}
}

// A partial snapshot is still judged, but the user is told that some rules
// could not see all the data.
func TestCheckWarnsAboutCollectionErrors(t *testing.T) {
	var doc map[string]any
	if err := json.Unmarshal(fixtures.Demo(), &doc); err != nil {
		t.Fatal(err)
	}
	doc["collection_errors"] = []any{map[string]any{
		"account": "111111111111", "region": "us-east-1", "service": "s3",
		"operation": "GetBucketPolicy", "resource": "arn:aws:s3:::x", "code": "AccessDenied",
	}}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	code, _, errs := trailgate(t, "check", "--snapshot", writeFile(t, "partial.json", string(data)), "--fail-on", "none")
	if code != exitOK || !strings.Contains(errs, "1 collection error") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
