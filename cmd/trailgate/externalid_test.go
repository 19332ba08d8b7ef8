package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func TestExternalIDSources(t *testing.T) {
	ctx := context.Background()
	t.Setenv(externalIDEnv, "from-env-1234")
	file := writeFile(t, "id", "  from-file-1234\n")
	for _, tc := range []struct {
		flag, file, want, err string
	}{
		{"from-flag", "", "from-flag", ""},
		{"", file, "from-file-1234", ""},
		{"", "", "from-env-1234", ""},
		{"from-flag", file, "", "not both"},
		{"", writeFile(t, "empty", "\n"), "", "one line"},
		{"", writeFile(t, "two", "a\nb\n"), "", "one line"},
		{"", file + ".missing", "", "no such file"},
	} {
		got, err := externalID(ctx, tc.flag, tc.file)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("externalID(%q, %q) = %q, %v; want %q, %q", tc.flag, tc.file, got, err, tc.want, tc.err)
		}
	}
}

// TestCollectExternalIDFromEnvironment: collect takes the external ID
// from TRAILGATE_EXTERNAL_ID or --external-id-file; a member role whose
// trust requires it is then assumed (no collection error), and refused
// without it.
func TestCollectExternalIDFromEnvironment(t *testing.T) {
	w := collectWorld(t)
	sec := w.Account("333333333333")
	sec.Roles[0].TrustPolicy = &snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow",` +
		`"Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"right-id-123"}}}]}`)}
	args := []string{"collect", "--member-role", "OrganizationAccountAccessRole"}
	if code, _, stderr := trailgate(t, args...); code != exitPartial {
		t.Fatalf("without the external ID: exit %d, want 3 (%s)", code, stderr)
	}
	if code, _, stderr := trailgate(t, append(args, "--external-id-file", writeFile(t, "id", "right-id-123\n"))...); code != exitOK {
		t.Errorf("--external-id-file: exit %d, want 0 (%s)", code, stderr)
	}
	t.Setenv(externalIDEnv, "right-id-123")
	if code, _, stderr := trailgate(t, args...); code != exitOK {
		t.Errorf("%s: exit %d, want 0 (%s)", externalIDEnv, code, stderr)
	}
}
