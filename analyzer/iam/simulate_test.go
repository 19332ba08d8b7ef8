package iam

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSimulateErrors: a file that is not JSON, or not a request or an array
// of requests, is refused as a whole with its line; a request AWS would
// refuse (a malformed policy, a missing field) is refused on its own, naming
// the file, the line where the request starts, the request, the policy and
// the statement, and the other requests are still parsed
// (analyzer/iam/README.md).
func TestSimulateErrors(t *testing.T) {
	files := []struct {
		name, input, want string
	}{
		{"not JSON", "{\n  \"request\": {,\n}", "req.json:2: "},
		{"empty array", "[]", "req.json: no requests"},
		{"a string, not a request", `"s3:GetObject"`, "req.json:1: the file is not a request object"},
		{"an array element that is not a request", "[\n {\"request\":{\"principal\":\"*\",\"action\":\"s3:GetObject\",\"resource\":\"*\"}},\n 42\n]", "req.json:3: element 1 is not a request object"},
	}
	for _, tc := range files {
		t.Run(tc.name, func(t *testing.T) {
			reqs, err := ParseRequests("req.json", []byte(tc.input))
			if err == nil || reqs != nil {
				t.Fatalf("want an error for the file, got %v, %d requests", err, len(reqs))
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

	ok := `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"}}`
	requests := []struct {
		name, input, want string
	}{
		{"unknown field", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"identityPolicy":[]}`, `req.json:1: request 0: json: unknown field "identityPolicy"`},
		{"missing action", `{"request":{"principal":"*","resource":"*"}}`, "req.json:1: request 0: request.action is required"},
		{"missing principal", `{"request":{"action":"s3:GetObject","resource":"*"}}`, "req.json:1: request 0: request.principal is required"},
		{"context null", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*","context":{"s3:max-keys":null}}}`, `req.json:1: request 0: request.context["s3:max-keys"]: a value must be a string, a boolean, a number or a list of them`},
		{"context object in a list", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*","context":{"aws:TagKeys":["a",{}]}}}`, `req.json:1: request 0: request.context["aws:TagKeys"]: a value must be a string, a boolean, a number or a list of them`},
		{"management flag of the wrong type", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*","principalInManagementAccount":"yes"}}`, `req.json:1: request 0: json: cannot unmarshal string`},
		{"malformed identity policy", `[` + ok + `,` + "\n" + `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"identityPolicies":[{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"B","Effect":"Allow","Resource":"*"}]}]}]`,
			`req.json:2: request 1: identityPolicies[0]: statement 1 (Sid "B"): Policy statement must contain actions.`},
		{"resource policy without principal", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"resourcePolicy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}}`,
			`req.json:1: request 0: resourcePolicy: statement 0: Missing required field Principal`},
		{"SCP with a principal", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"scps":[{"target":"ou-1","policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}]}]}`,
			`req.json:1: request 0: scps[0] (ou-1) policies[0]: statement 0: Policy document should not specify a principal.`},
		{"trust policy with a Resource", `{"request":{"principal":"arn:aws:iam::1:root","action":"sts:AssumeRole","resource":"arn:aws:iam::1:role/x"},"resourcePolicy":{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"1"},"Action":"sts:AssumeRole","Resource":"*"}}}`,
			`req.json:1: request 0: resourcePolicy: statement 0: Has prohibited field Resource`},
		{"endpoint policy without a principal", `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"vpcEndpointPolicies":[{"Version":"2012-10-17","Statement":{"Sid":"E","Effect":"Allow","Action":"*","Resource":"*"}}]}`,
			`req.json:1: request 0: vpcEndpointPolicies[0]: statement 0 (Sid "E"): Missing required field Principal`},
	}
	for _, tc := range requests {
		t.Run(tc.name, func(t *testing.T) {
			reqs, err := ParseRequests("req.json", []byte(tc.input))
			if err != nil {
				t.Fatalf("the file was refused as a whole: %v", err)
			}
			last := reqs[len(reqs)-1]
			if last.Err == nil {
				t.Fatal("want the request refused")
			}
			if !strings.HasPrefix(last.Err.Error(), tc.want) {
				t.Fatalf("got  %q\nwant prefix %q", last.Err.Error(), tc.want)
			}
			for i, r := range reqs[:len(reqs)-1] {
				if r.Err != nil {
					t.Fatalf("request %d refused too: %v", i, r.Err)
				}
			}
		})
	}
}

// TestSimulateRequestFields: the management-account flags reach the
// evaluator (SCPs do not apply to the management account's principals, RCPs
// not to its resources), and JSON booleans and numbers in context are read
// as the strings AWS sends.
func TestSimulateRequestFields(t *testing.T) {
	reqs, err := ParseRequests("req.json", []byte(`{"request":{"principal":"arn:aws:iam::111111111111:user/alice","action":"s3:GetObject","resource":"*",
		"principalInManagementAccount":true,"resourceInManagementAccount":true,
		"context":{"aws:SecureTransport":true,"aws:MultiFactorAuthPresent":false,"s3:max-keys":10,"s3:x":-1.50,"aws:TagKeys":["a",true,7]}}}`))
	if err != nil || reqs[0].Err != nil {
		t.Fatalf("%v %v", err, reqs[0].Err)
	}
	got := reqs[0]
	want := map[string][]string{"aws:SecureTransport": {"true"}, "aws:MultiFactorAuthPresent": {"false"}, "s3:max-keys": {"10"}, "s3:x": {"-1.50"}, "aws:TagKeys": {"a", "true", "7"}}
	if diff := cmp.Diff(want, got.Request.Context); diff != "" {
		t.Fatalf("context (-want +got):\n%s", diff)
	}
	if !got.Set.PrincipalInManagementAccount || !got.Set.ResourceInManagementAccount {
		t.Fatalf("management flags not set: %+v", got.Set)
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
