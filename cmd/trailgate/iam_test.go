package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
// (analyzer/iam/README.md): one decision object per request, in
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
	code, stdout, stderr = runIAMCommand(t, "simulate", file)
	if code != exitUsage || !strings.Contains(stderr, file+":1: request 0: resourcePolicy: statement 0 (Sid \"Pub\"): Missing required field Principal") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if want := `"error": "Missing required field Principal"`; !strings.Contains(stdout, want) {
		t.Fatalf("stdout %q lacks %q", stdout, want)
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

// TestIAMSimulateBatch: one refused request (a policy AWS would reject)
// does not stop the batch: every other request gets its decision, the
// refused one {"error", "policy", "statement"} in its place, its message
// goes to stderr with file, line and request, and the exit status is 2
// (analyzer/iam/README.md).
func TestIAMSimulateBatch(t *testing.T) {
	batch := `[
 {"request":{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111111111111","context":{"aws:SecureTransport":true}},
  "identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}]},
 {"request":{"principal":"*","action":"s3:GetObject","resource":"arn:aws:s3:::b/k"},
  "resourcePolicy":{"Version":"2012-10-17","Statement":[{"Sid":"NotMe","Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"*"}]}},
 {"request":{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:DeleteObject","resource":"arn:aws:s3:::b/k","resourceAccount":"111111111111"},
  "identityPolicies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}]}
]`
	file := iamRequestFile(t, batch)
	code, stdout, stderr := runIAMCommand(t, "simulate", file)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitUsage, stderr)
	}
	var out []map[string]any
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if len(out) != 3 || out[0]["decision"] != "Allowed" || out[2]["decision"] != "ImplicitlyDenied" {
		t.Fatalf("unexpected decisions: %s", stdout)
	}
	want := map[string]any{"error": `NotPrincipal must be used with "Effect":"Deny".`, "policy": "resourcePolicy", "statement": "NotMe"}
	if diff := cmp.Diff(want, out[1]); diff != "" {
		t.Fatalf("refused request (-want +got):\n%s", diff)
	}
	if wantErr := file + ":4: request 1: resourcePolicy: statement 0 (Sid \"NotMe\"): NotPrincipal must be used with"; !strings.Contains(stderr, wantErr) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("stderr %q, want one line containing %q", stderr, wantErr)
	}
	code, stdout, _ = runIAMCommand(t, "simulate", file, "--format", "text")
	if code != exitUsage || !strings.Contains(stdout, "request 1: refused\n") || !strings.Contains(stdout, "request 2: ImplicitlyDenied") {
		t.Fatalf("text output (exit %d): %s", code, stdout)
	}
}
