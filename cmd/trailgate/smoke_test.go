package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/smoke/smoketest"
)

func TestSmokeUsage(t *testing.T) {
	bad := writeFile(t, "connector.yaml", "profile: expel\nrole: arn:aws:iam::222222222222:role/R\nextrnal_id: x\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"smoke"}, "--connector FILE is required"},
		{[]string{"smoke", "--connector", bad, "--format", "sarif"}, "--format must be text or json"},
		{[]string{"smoke", "--connector", bad, "extra"}, `unexpected argument "extra"`},
		{[]string{"smoke", "--connector", bad, "--canary-bucket", "b"}, "need --canary"},
		{[]string{"smoke", "--connector", bad}, bad + ":3:"},
		{[]string{"smoke", "--connector", bad + ".missing"}, "no such file"},
	} {
		code, _, stderr := trailgate(t, tc.args...)
		if code != exitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

// TestSmokeEndToEnd runs the command against the loopback world through
// the standard environment (AWS_ENDPOINT_URL_<SERVICE>, static keys), as a
// user would run it.
func TestSmokeEndToEnd(t *testing.T) {
	h := smoketest.New(t, smoketest.Scenario{Raw: true})
	h.DeliverLog(smoketest.LogKey)
	h.Env.Setenv(t, smoketest.CallerAKID, smoketest.Region)
	file := func(externalID string) string {
		return writeFile(t, "connector.yaml", "profile: expel\nrole: "+smoketest.RoleARN+"\nexternal_id: "+externalID+
			"\nqueue: "+smoketest.QueueARN+"\nregion: "+smoketest.Region+"\nsources: [cloudtrail]\n")
	}
	secrets := []string{"vendor-secret", "loopback-secret", "loopback-session-token", smoketest.ExternalID}

	code, stdout, stderr := trailgate(t, "smoke", "--connector", file(smoketest.ExternalID), "--format", "json", "--timeout", "3s")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, want 0 and nothing on stderr\n%s\n%s", code, stdout, stderr)
	}
	var doc struct {
		Passed bool `json:"passed"`
		Steps  []struct {
			Name, Status string
			DurationMS   *float64 `json:"duration_ms"`
		} `json:"steps"`
		ExternalID string `json:"external_id"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("JSON output: %v\n%s", err, stdout)
	}
	if !doc.Passed || len(doc.Steps) != 7 || doc.ExternalID != "8d****le" {
		t.Errorf("passed=%v, %d steps, external ID %q", doc.Passed, len(doc.Steps), doc.ExternalID)
	}
	for _, s := range doc.Steps {
		if s.Status != "pass" || s.DurationMS == nil {
			t.Errorf("step %+v", s)
		}
	}
	noSecrets := func(outs ...string) {
		t.Helper()
		for _, out := range outs {
			for _, s := range append(secrets, "wrong-id-0000") {
				if strings.Contains(out, s) {
					t.Errorf("output shows a secret %q:\n%s", s, out)
				}
			}
		}
	}
	noSecrets(stdout, stderr)
	if got := h.Visible(); got != "1" {
		t.Errorf("the queue holds %s messages after the smoke test, want the 1 it had", got)
	}

	code, stdout, stderr = trailgate(t, "smoke", "--connector", file("wrong-id-0000"), "--timeout", "1s")
	if code != exitFindings || !strings.Contains(stdout, "assume-role           FAIL") || !strings.Contains(stdout, "ID01") {
		t.Errorf("wrong external ID: exit %d, want 1 with a failed assume-role explained by ID01\n%s%s", code, stdout, stderr)
	}
	noSecrets(stdout, stderr)

	// The external ID need not be on the command line nor in the connector
	// file: from a file, or from the environment.
	plain := writeFile(t, "plain.yaml", "profile: expel\nrole: "+smoketest.RoleARN+"\nqueue: "+smoketest.QueueARN+"\nregion: "+smoketest.Region+"\nsources: [cloudtrail]\n")
	idFile := writeFile(t, "external-id", smoketest.ExternalID+"\n")
	code, stdout, stderr = trailgate(t, "smoke", "--connector", plain, "--external-id-file", idFile, "--timeout", "1s")
	if code != exitOK {
		t.Errorf("--external-id-file: exit %d\n%s%s", code, stdout, stderr)
	}
	noSecrets(stdout, stderr)
	t.Setenv(externalIDEnv, smoketest.ExternalID)
	code, stdout, stderr = trailgate(t, "smoke", "--connector", plain, "--timeout", "1s")
	if code != exitOK {
		t.Errorf("%s: exit %d\n%s%s", externalIDEnv, code, stdout, stderr)
	}
	noSecrets(stdout, stderr)
	code, _, stderr = trailgate(t, "smoke", "--connector", file("wrong-id-0000"), "--timeout", "1s")
	if code != exitUsage || !strings.Contains(stderr, "a different one was given") {
		t.Errorf("connector and environment disagree: exit %d, stderr %q; want 2", code, stderr)
	}
}

// TestSmokeWithoutCredentials: no credentials anywhere in the chain is a
// usage problem (exit 2), not a broken pipeline (exit 1).
func TestSmokeWithoutCredentials(t *testing.T) {
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_SHARED_CREDENTIALS_FILE": dir + "/none", "AWS_CONFIG_FILE": dir + "/none",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_REGION": "us-east-1",
	} {
		t.Setenv(k, v)
	}
	file := writeFile(t, "connector.yaml", "profile: expel\nrole: arn:aws:iam::222222222222:role/ExpelRole\nexternal_id: x-1234567890\nqueue: arn:aws:sqs:us-east-1:222222222222:q\nregion: us-east-1\nsources: [cloudtrail]\n")
	code, stdout, stderr := trailgate(t, "smoke", "--connector", file)
	if code != exitUsage || !strings.Contains(stderr, "no usable AWS credentials") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 2 and a message about credentials", code, stdout, stderr)
	}
}
