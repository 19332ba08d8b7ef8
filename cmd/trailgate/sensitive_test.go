package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSensitiveValuesNeverPrinted: a value the plan marks sensitive (here
// the trail's kms_key_id, in after_sensitive) is judged as any other, so
// the path is still proven, but no output shows it, in any form: not the
// ARN, not key/ID, not the ID.
func TestSensitiveValuesNeverPrinted(t *testing.T) {
	const keyID = "6f3c2a1e-8b7d-4e5f-9a0b-1c2d3e4f5a6b"
	dir := filepath.Join("..", "..", "fixtures", "scenarios", "controltower-working")
	data, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan map[string]any
	if err := json.Unmarshal(data, &plan); err != nil {
		t.Fatal(err)
	}
	marked := false
	for _, rc := range plan["resource_changes"].([]any) {
		rc := rc.(map[string]any)
		if rc["type"] == "aws_cloudtrail" {
			rc["change"].(map[string]any)["after_sensitive"] = map[string]any{"kms_key_id": true}
			marked = true
		}
	}
	if !marked {
		t.Fatal("no aws_cloudtrail in the plan")
	}
	out, _ := json.Marshal(plan)
	planFile := writeFile(t, "plan.json", string(out))
	conn := filepath.Join(dir, "connector.yaml")
	for _, args := range [][]string{
		{"--format", "text"},
		{"--format", "json"},
		{"--format", "sarif"},
		{"--explain", "KM01"},
	} {
		code, stdout, stderr := trailgate(t, append([]string{"check", "--iac", planFile, "--connector", conn}, args...)...)
		if code != exitOK {
			t.Fatalf("%v: exit %d, stderr %q", args, code, stderr)
		}
		if strings.Contains(stdout, keyID) || strings.Contains(stderr, keyID) {
			t.Errorf("%v: the sensitive key ID is printed:\n%s", args, stdout)
		}
		if args[0] == "--format" && args[1] == "text" && !strings.Contains(stdout, "(sensitive value)") {
			t.Errorf("text output does not show where the sensitive value was:\n%s", stdout)
		}
	}
}

// TestExplainMasksExternalID: --explain shows the sts:ExternalId of the
// assume-role question masked, as every other output does, with a mask
// that does not reveal the ID's length.
func TestExplainMasksExternalID(t *testing.T) {
	const id = "8d3c0c6e-4b1f-4f5e-9b7a-2c9d1e0f3a41"
	dir := filepath.Join("..", "..", "fixtures", "scenarios", "controltower-working")
	code, stdout, stderr := trailgate(t, "check", "--snapshot", filepath.Join(dir, "snapshot.json"),
		"--connector", filepath.Join(dir, "connector.yaml"), "--explain", "ID01")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stdout, id) || strings.Contains(stdout, id[2:len(id)-2]) {
		t.Errorf("--explain prints the external ID:\n%s", stdout)
	}
	if !strings.Contains(stdout, "sts:ExternalId = 8d****41") {
		t.Errorf("--explain does not show the masked external ID:\n%s", stdout)
	}
}

// TestInputNamesAreEscaped: a template whose file name holds a newline and
// a terminal escape sequence can neither forge a report line nor reach the
// terminal: text output and --explain show them escaped.
func TestInputNamesAreEscaped(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "scenarios", "sns-fanout-broken")
	data, err := os.ReadFile(filepath.Join(dir, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	evil := filepath.Join(t.TempDir(), "logs\nCRITICAL (9)\x1b[2J.yaml")
	if err := os.WriteFile(evil, data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]string{nil, {"--explain", "SQ04"}} {
		_, stdout, stderr := trailgate(t, append([]string{"check", "--iac", evil, "--connector", filepath.Join(dir, "connector.yaml")}, extra...)...)
		if strings.Contains(stdout+stderr, "\x1b") {
			t.Errorf("%v: an escape character from the file name reaches the output", extra)
		}
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(line, "CRITICAL (9)") {
				t.Errorf("%v: the file name forged the line %q", extra, line)
			}
		}
		if extra == nil && !strings.Contains(stdout, `logs\nCRITICAL (9)\x1b[2J.yaml`) {
			t.Errorf("the file name is not shown escaped:\n%s", stdout)
		}
	}
}
