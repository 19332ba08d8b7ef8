package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A stack that creates one queue and says nothing of its account.
const queueTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: siem-cloudtrail
`

// Two inputs creating one resource are refused, naming both files and
// lines; neither definition silently wins.
func TestCheckDuplicateDefinitions(t *testing.T) {
	dir := t.TempDir()
	for _, env := range []string{"dev", "prod"} {
		if err := os.MkdirAll(filepath.Join(dir, env), 0o755); err != nil {
			t.Fatal(err)
		}
		body := strings.Replace(queueTemplate, "Resources:", "Metadata:\n  trailgate:\n    AccountId: \"111122223333\"\nResources:", 1)
		if err := os.WriteFile(filepath.Join(dir, env, "queue.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := trailgate(t, "check", "--iac", dir)
	for _, want := range []string{filepath.Join(dir, "dev", "queue.yaml") + ":6", filepath.Join(dir, "prod", "queue.yaml") + ":6", "arn:aws:sqs:us-east-1:111122223333:siem-cloudtrail"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr %q does not name %q", errs, want)
		}
	}
	if code != exitUsage || out != "" {
		t.Errorf("exit %d, stdout %q; want 2 and no result", code, out)
	}
	// Copies that do not say their account: each keeps its own (symbol)
	// account unless one --account puts both in the same one.
	for _, env := range []string{"dev", "prod"} {
		if err := os.WriteFile(filepath.Join(dir, env, "queue.yaml"), []byte(queueTemplate), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := trailgate(t, "check", "--iac", dir, "--format", "json"); code == exitUsage {
		t.Errorf("copies without an account: exit 2, stderr %q", errs)
	}
	if code, _, _ := trailgate(t, "check", "--iac", dir, "--account", "111122223333"); code != exitUsage {
		t.Errorf("copies in one account: exit %d, want 2", code)
	}
	code, _, errs = trailgate(t, "check", "--iac", dir, "--account", filepath.Join(dir, "dev")+"=111111111111", "--account", filepath.Join(dir, "prod")+"=222222222222", "--format", "json")
	if code == exitUsage {
		t.Errorf("with --account PATH=ID per copy: exit 2, stderr %q", errs)
	}
}

// --account PATH=ID gives the files under PATH their account; without any
// account the queue's ARN holds a symbol, never an invented ID.
func TestCheckAccountPerPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "queue.yaml")
	if err := os.WriteFile(file, []byte(queueTemplate), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := trailgate(t, "check", "--iac", file, "--explain", "SQ04")
	if strings.Contains(out, "123456789012") {
		t.Errorf("an invented account appears:\n%s", out)
	}
	for _, bad := range []string{"12345", "=111122223333", "x=abc"} {
		if code, _, errs := trailgate(t, "check", "--iac", file, "--account", bad); code != exitUsage || !strings.Contains(errs, "--account") {
			t.Errorf("--account %q: exit %d, stderr %q; want 2", bad, code, errs)
		}
	}
	code, _, errs := trailgate(t, "check", "--iac", file, "--account", dir+"=111122223333", "--explain", "SQ04")
	if code == exitUsage {
		t.Errorf("--account PATH=ID refused: %s", errs)
	}
}
