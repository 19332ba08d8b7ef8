package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runIAMCommand(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"iam"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func iamRequestFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "requests.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestIAMSimulate: the contract of `trailgate iam simulate FILE`
// (shared/spec/iam-request.md): one decision object per request, in
// order; malformed input is exit 2 with the request, policy and statement.
func TestIAMSimulate(t *testing.T) {
	two := `[
 {"request":{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111111111111"},
  "identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]},
 {"request":{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:DeleteObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111111111111"},
  "identityPolicies":[{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]}]}
]`
	code, stdout, stderr := runIAMCommand(t, "simulate", iamRequestFile(t, two))
	if code != exitOK {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var out []struct {
		Decision    string            `json:"decision"`
		Explanation []json.RawMessage `json:"explanation"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(out) != 2 || out[0].Decision != "Allowed" || out[1].Decision != "ExplicitlyDenied" || len(out[1].Explanation) == 0 {
		t.Fatalf("unexpected output: %s", stdout)
	}

	code, stdout, _ = runIAMCommand(t, "simulate", iamRequestFile(t, two), "--format", "text")
	if code != exitOK || !strings.Contains(stdout, "request 1: ExplicitlyDenied") || !strings.Contains(stdout, "'NoDelete'") {
		t.Fatalf("text output (exit %d): %s", code, stdout)
	}

	bad := `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},
 "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}}`
	file := iamRequestFile(t, bad)
	code, _, stderr = runIAMCommand(t, "simulate", file)
	if code != exitUsage || !strings.Contains(stderr, file+": request 0: resourcePolicy: statement 0 (Sid \"Pub\"): Missing required field Principal") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}

	for _, args := range [][]string{{}, {"simulate"}, {"evaluate", "x"}, {"simulate", "x", "--format", "sarif"}, {"simulate", filepath.Join(t.TempDir(), "missing.json")}} {
		if code, _, _ := runIAMCommand(t, args...); code != exitUsage {
			t.Errorf("iam %v: exit %d, want %d", args, code, exitUsage)
		}
	}
	if code, _, _ := runIAMCommand(t, "simulate", iamRequestFile(t, "{not json")); code != exitUsage {
		t.Errorf("invalid JSON: exit %d, want %d", code, exitUsage)
	}
}
