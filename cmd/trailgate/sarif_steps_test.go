package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/iac"
)

// In every IaC fixture (each scenario's templates and plan), every step of
// every code flow lands on the file and line that declares its hop's
// resource, as GitHub needs to step through a path. A step may stay
// unplaced only when the IaC collector found no declaration of its
// resource (a vendor's queue, an AWS managed key, a key another stack
// made, a missing notification): the input does not say where it is.
func TestSARIFEveryIaCStepPlaced(t *testing.T) {
	inputs, err := filepath.Glob("../../fixtures/scenarios/*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	plans, _ := filepath.Glob("../../fixtures/scenarios/*/plan.json")
	jsons, _ := filepath.Glob("../../fixtures/scenarios/*/template.json")
	inputs = append(append(inputs, plans...), jsons...)
	steps := 0
	for _, in := range inputs {
		if filepath.Base(in) == "connector.yaml" {
			continue
		}
		dir := filepath.Dir(in)
		name := filepath.Base(dir) + "/" + filepath.Base(in)
		t.Run(name, func(t *testing.T) {
			args := []string{"check", "--iac", in, "--format", "sarif", "--fail-on", "none", "--source-root", "../.."}
			if _, err := os.Stat(filepath.Join(dir, "connector.yaml")); err == nil {
				args = append(args, "--connector", filepath.Join(dir, "connector.yaml"))
			}
			code, out, errs := trailgate(t, args...)
			switch {
			case code == exitUsage && strings.Contains(errs, "Invalid principal"):
				// A fixture AWS would refuse (cross-account-reader-missing-grants'
				// vendor-account placeholder): no report to place.
				t.Skipf("malformed by design: %s", errs)
			case code != exitOK:
				t.Fatalf("exit %d: %s", code, errs)
			}
			declared := declaredARNs(t, in)
			for _, st := range sarifSteps(t, []byte(out)) {
				steps++
				if st.At == (sarifLocation{}) {
					if declared[st.ARN] {
						t.Errorf("step %q on %s has no physicalLocation, though the input declares it", st.Message, st.ARN)
					}
					continue
				}
				if st.At.URIBaseID == "" || st.At.Line < 1 || !strings.HasPrefix(st.At.URI, "fixtures/scenarios/") {
					t.Errorf("step %q on %s at %+v, want a fixture file against %%SRCROOT%% at a line", st.Message, st.ARN, st.At)
				}
			}
		})
	}
	if steps == 0 {
		t.Error("no code-flow step in any IaC fixture")
	}
}

// declaredARNs are the ARNs of the resources the IaC collector read from
// in with a location: every element of an account's resource lists (and
// of a topic's subscriptions) with an "arn" and a "location" (not the
// ARNs a resource merely refers to, such as a notification's target).
func declaredARNs(t *testing.T, in string) map[string]bool {
	t.Helper()
	res, err := iac.Read([]string{in}, iac.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(res.Snapshot)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Accounts []map[string]json.RawMessage `json:"accounts"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	type resource struct {
		ARN           string          `json:"arn"`
		Location      json.RawMessage `json:"location"`
		Subscriptions []resource      `json:"subscriptions"`
	}
	out := map[string]bool{}
	var add func(rs []resource)
	add = func(rs []resource) {
		for _, r := range rs {
			if r.ARN != "" && len(r.Location) > 0 {
				out[r.ARN] = true
			}
			add(r.Subscriptions)
		}
	}
	for _, a := range doc.Accounts {
		for _, list := range a {
			var rs []resource
			if json.Unmarshal(list, &rs) == nil {
				add(rs)
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s declares no resource with a location", in)
	}
	return out
}
