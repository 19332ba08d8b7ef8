package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/analyzer/iam"
)

// TestSimulateGolden runs the request files of analyzer/iam (also its fuzz
// seeds) through iam.ParseRequests and iam.Simulate and both writers, and
// compares with testdata/golden/simulate.
func TestSimulateGolden(t *testing.T) {
	files, err := filepath.Glob("../iam/testdata/simulate/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no request files: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			reqs, err := iam.ParseRequests(f, data)
			if err != nil {
				t.Fatal(err)
			}
			answers := iam.Simulate(reqs)
			var js, txt bytes.Buffer
			if err := WriteSimulateJSON(&js, answers, iam.IsRequestArray(data)); err != nil {
				t.Fatal(err)
			}
			if err := WriteSimulateText(&txt, answers, false); err != nil {
				t.Fatal(err)
			}
			golden(t, "simulate/"+name+".json", js.Bytes())
			golden(t, "simulate/"+name+".txt", txt.Bytes())
		})
	}
}

// TestSimulateRefusalObject: a refused request's place in the JSON output
// is {"error": AWS's message, "policy": which policy, "statement": its Sid
// or index} (README, iam simulate).
func TestSimulateRefusalObject(t *testing.T) {
	pol := func(stmt string) string {
		return `{"request":{"principal":"*","action":"s3:GetObject","resource":"*"},"resourcePolicy":{"Version":"2012-10-17","Statement":[` + stmt + `]}}`
	}
	cases := []struct{ name, input, want string }{
		{"statement with a Sid", pol(`{"Sid":"Pub","Effect":"Allow","Principal":"alice","Action":"s3:GetObject","Resource":"*"}`),
			`{"error":"Invalid principal in policy: \"alice\"","policy":"resourcePolicy","statement":"Pub"}`},
		{"statement without a Sid", pol(`{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"*"}`),
			`{"error":"NotPrincipal must be used with \"Effect\":\"Deny\".","policy":"resourcePolicy","statement":0}`},
		{"not a policy field", `{"request":{"principal":"*","action":"s3:GetObject"}}`,
			`{"error":"request.resource is required (\"*\" for actions without resource-level permissions)"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reqs, err := iam.ParseRequests("req.json", []byte(tc.input))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(simAnswer(iam.Simulate(reqs)[0]))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Fatalf("refusal object (-want +got):\n%s", diff)
			}
		})
	}
}
