package iam

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestSimulateGolden runs request files through ParseRequests, Simulate and
// both writers, and compares with the golden outputs.
func TestSimulateGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/simulate/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no request files: %v", err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.json") {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			reqs, err := ParseRequests(f, data)
			if err != nil {
				t.Fatal(err)
			}
			results := Simulate(reqs)
			var js, txt bytes.Buffer
			if err := WriteJSON(&js, results, IsRequestArray(data)); err != nil {
				t.Fatal(err)
			}
			if err := WriteText(&txt, results, false); err != nil {
				t.Fatal(err)
			}
			base := strings.TrimSuffix(f, ".json")
			compareGolden(t, base+".golden.json", js.String())
			compareGolden(t, base+".golden.txt", txt.String())
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// TestSimulateErrors: malformed input names the file, the request, the
// policy and the statement (docs: /work/shared/spec/iam-request.md).
func TestSimulateErrors(t *testing.T) {
	cases := []struct {
		name, input, want string
	}{
		{"not JSON", "{\n  \"request\": {,\n}", "req.json:2: "},
		{"empty array", "[]", "req.json: no requests"},
		{"unknown field", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"identityPolicy":[]}`, `req.json: request 0: json: unknown field "identityPolicy"`},
		{"missing action", `{"request":{"principal":"*","resource":"*"}}`, "req.json: request 0: request.action is required"},
		{"missing principal", `{"request":{"action":"s3:GetObject","resource":"*"}}`, "req.json: request 0: request.principal is required"},
		{"context number", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*","context":{"s3:max-keys":10}}}`, `req.json: request 0: request.context["s3:max-keys"]: a value must be a string or a list of strings`},
		{"malformed identity policy", `[{"request":{"principal":"*","action":"s3:GetObject","resource":"*"}},{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Allow","Resource":"*"}]}]}]`,
			`req.json: request 1: identityPolicies[0]: statement 1 (Sid "B"): Policy statement must contain actions.`},
		{"resource policy without principal", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"resourcePolicy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}`,
			`req.json: request 0: resourcePolicy: statement 0: Missing required field Principal`},
		{"SCP with a principal", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"scps":[{"target":"ou-1","policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}]}]}`,
			`req.json: request 0: scps[0] (ou-1) policies[0]: statement 0: Policy document should not specify a principal.`},
		{"trust policy with a Resource", `{"request":{"principal":"arn:aws:iam::1:root","action":"sts:AssumeRole","resource":"arn:aws:iam::1:role/x"},"resourcePolicy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"sts:AssumeRole","Resource":"*"}}}`,
			`req.json: request 0: resourcePolicy: statement 0: Has prohibited field Resource`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRequests("req.json", []byte(tc.input))
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got  %q\nwant prefix %q", err.Error(), tc.want)
			}
			var se *SimError
			if !errors.As(err, &se) {
				t.Fatalf("want a *SimError, got %T", err)
			}
		})
	}
}

func TestProofWording(t *testing.T) {
	key := mustParse(t, stmts(
		rs("Enable IAM User Permissions", "Allow", aws(rootA), "kms:*", "*", ""),
		rs("Deny-outside-org", "Deny", `"*"`, "kms:*", "*", `{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc123"}}`),
	), KindResource)
	res := Evaluate(Request{Principal: "arn:aws:iam::222222222222:role/ExpelRole", Action: "kms:Decrypt", Resource: keyA, Context: kv{"aws:PrincipalOrgID": {"o-x"}}}, PolicySet{Resource: key})
	want := "no statement in the key policy allows kms:Decrypt for role/ExpelRole; no statement in the identity policies allows kms:Decrypt for role/ExpelRole; statement 'Deny-outside-org' in the key policy denies it"
	if got := res.Proof(); got != want {
		t.Fatalf("proof:\n got %q\nwant %q", got, want)
	}
	res = Evaluate(Request{Principal: sessA, Action: "kms:Decrypt", Resource: keyA, Context: kv{"aws:PrincipalOrgID": {"o-abc123"}}}, PolicySet{Resource: key})
	want = "no statement in the identity policies allows kms:Decrypt for assumed-role/Reader/s1"
	if got := res.Proof(); got != want {
		t.Fatalf("proof:\n got %q\nwant %q", got, want)
	}
}
