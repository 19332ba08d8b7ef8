package terraform

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGoldenPlans parses every plan in testdata and compares the snapshot
// with its golden file, byte for byte after deterministic marshalling.
func TestGoldenPlans(t *testing.T) {
	plans, err := filepath.Glob("testdata/*.json")
	if err != nil || len(plans) == 0 {
		t.Fatalf("no plans in testdata: %v", err)
	}
	for _, plan := range plans {
		name := strings.TrimSuffix(filepath.Base(plan), ".json")
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(plan)
			if err != nil {
				t.Fatal(err)
			}
			if !Detect(data) {
				t.Fatalf("Detect(%s) = false", plan)
			}
			s, err := Parse(plan, data, Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := snapshot.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", name+".snapshot.json")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("snapshot of %s differs from %s (-want +got):\n%s", plan, golden, diff)
			}
			// The snapshot must be one the strict loader accepts.
			if _, err := snapshot.Parse(golden, got); err != nil {
				t.Errorf("snapshot.Parse refuses the result: %v", err)
			}
		})
	}
}

// TestEveryBuiltTypeHasAHandler guards the build order against a resource
// type without a mapping.
func TestEveryBuiltTypeHasAHandler(t *testing.T) {
	for _, typ := range buildOrder {
		if handlers[typ] == nil {
			t.Errorf("no handler for %s", typ)
		}
	}
	if len(handlers) != len(buildOrder) {
		t.Errorf("%d handlers for %d types in the build order", len(handlers), len(buildOrder))
	}
}

// TestEveryTypeHasAPlan: each resource type the parser maps appears in a
// golden plan or a fixture scenario's plan.
func TestEveryTypeHasAPlan(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	more, _ := filepath.Glob("../../fixtures/scenarios/*/plan.json")
	realworld, _ := filepath.Glob("../../fixtures/realworld/*/plan.json")
	more = append(more, realworld...)
	seen := map[string]bool{}
	for _, f := range append(files, more...) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			ResourceChanges []struct{ Type, Mode string } `json:"resource_changes"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, rc := range p.ResourceChanges {
			if rc.Mode == "managed" {
				seen[rc.Type] = true
			}
		}
	}
	for _, typ := range buildOrder {
		if !seen[typ] {
			t.Errorf("no test plan declares %s", typ)
		}
	}
}
