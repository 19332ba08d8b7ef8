package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// iacDir is a repository-like directory: one template and two files a
// walk skips (a README and a script).
func iacDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"queue.yaml": "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: logs\n",
		"README.md":  "# templates\n",
		"deploy.sh":  "#!/bin/sh\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// Issue 4: "--iac takes files and directories (walked, non-IaC files
// skipped, with --verbose saying why)". Without --verbose a walk prints
// only how many files it skipped; with it, each file and the reason.
func TestCheckIaCSkippedFiles(t *testing.T) {
	dir := iacDir(t)
	readme, script := filepath.Join(dir, "README.md"), filepath.Join(dir, "deploy.sh")

	code, _, stderr := trailgate(t, "check", "--iac", dir, "--format", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if !strings.Contains(stderr, "trailgate: 2 files skipped (use --verbose to list them)\n") {
		t.Errorf("without --verbose, stderr lacks the summary line:\n%s", stderr)
	}
	if strings.Contains(stderr, readme) || strings.Contains(stderr, script) {
		t.Errorf("without --verbose, stderr lists skipped files:\n%s", stderr)
	}

	code, _, stderr = trailgate(t, "check", "--iac", dir, "--format", "json", "--fail-on", "none", "--verbose")
	if code != exitOK {
		t.Fatalf("--verbose: exit %d, stderr:\n%s", code, stderr)
	}
	for _, p := range []string{readme, script} {
		if !strings.Contains(stderr, "trailgate: skipped "+p+": ") {
			t.Errorf("--verbose: stderr does not say why %s was skipped:\n%s", p, stderr)
		}
	}
	if strings.Contains(stderr, "use --verbose") {
		t.Errorf("--verbose: stderr still prints the summary line:\n%s", stderr)
	}
}

func TestCheckIaCNothingSkipped(t *testing.T) {
	dir := iacDir(t)
	for _, name := range []string{"README.md", "deploy.sh"} {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	code, _, stderr := trailgate(t, "check", "--iac", dir, "--format", "json", "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "skipped") {
		t.Errorf("nothing was skipped, yet stderr says so:\n%s", stderr)
	}
}

// Issue 13, item 6: one bad file never hides the rest. The walk judges
// the good template, names the bad one (file, line, why) on stderr and in
// the JSON result; --strict makes it exit 2.
func TestCheckIaCUnjudgedFile(t *testing.T) {
	dir := iacDir(t)
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !GetAtt Nowhere.TopicName\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := trailgate(t, "check", "--iac", dir, "--format", "json", "--fail-on", "none", "--param", "QueueNmae=x")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	line := broken + `:6: Fn::GetAtt: no resource "Nowhere"`
	if !strings.Contains(stderr, "trailgate: not judged: "+line+"\n") {
		t.Errorf("stderr does not name the unjudged template:\n%s", stderr)
	}
	if !strings.Contains(stderr, "trailgate: warning: --param QueueNmae: no template declares a parameter QueueNmae, so its value is not used\n") {
		t.Errorf("stderr does not warn about the unused --param:\n%s", stderr)
	}
	if !strings.Contains(stdout, `"unjudged": [`) || !strings.Contains(stdout, `"line": 6`) {
		t.Errorf("JSON result does not list the unjudged template:\n%s", stdout)
	}
	code, _, stderr = trailgate(t, "check", "--iac", dir, "--format", "json", "--fail-on", "none", "--strict")
	if code != exitUsage || !strings.Contains(stderr, "--strict: 1 IaC file(s) could not be judged") {
		t.Errorf("--strict: exit %d, stderr:\n%s", code, stderr)
	}
}

// Issue 17: "A resource type in the input that a rule would need but
// trailgate does not model is named once in the summary ("not judged:
// AWS::X::Y ×3"), never dropped silently."
func TestCheckIaCNotModeledTypes(t *testing.T) {
	dir := t.TempDir()
	tpl := "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n" +
		"  A:\n    Type: AWS::IAM::Group\n  B:\n    Type: AWS::IAM::Group\n  C:\n    Type: AWS::IAM::Group\n" +
		"  S:\n    Type: AWS::Kinesis::Stream\n    Properties:\n      ShardCount: 1\n" +
		"  Q:\n    Type: AWS::SQS::Queue\n"
	if err := os.WriteFile(filepath.Join(dir, "t.yaml"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := trailgate(t, "check", "--iac", dir, "--fail-on", "none")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Count(stdout, "not judged: AWS::IAM::Group ×3, AWS::Kinesis::Stream ×1") != 1 {
		t.Errorf("text summary does not name each type once:\n%s", stdout)
	}
	_, stdout, _ = trailgate(t, "check", "--iac", dir, "--fail-on", "none", "--format", "json")
	if !strings.Contains(stdout, `"not_judged": [`) || !strings.Contains(stdout, `"type": "AWS::IAM::Group"`) {
		t.Errorf("JSON does not list the types:\n%s", stdout)
	}
}
