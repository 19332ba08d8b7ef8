package cfn

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

var update = flag.Bool("update", false, "rewrite the golden snapshots in testdata/")

// templates lists the vendor-style templates of testdata/.
func templates(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"testdata/*.yaml", "testdata/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, ".golden.json") {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no templates in testdata")
	}
	return out
}

// TestGolden parses every template of testdata/ and compares the snapshot
// with its golden file: resources, policies, statement lines, unknowns.
func TestGolden(t *testing.T) {
	for _, f := range templates(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !Detect(data) {
				t.Errorf("Detect(%s) = false", f)
			}
			s, err := Parse(filepath.ToSlash(f), data, Options{Params: map[string]string{"ExternalId": "8d3c0c6e-example"}})
			if err != nil {
				t.Fatal(err)
			}
			got, err := snapshot.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			// The snapshot must load back through the strict loader.
			if _, err := snapshot.Parse(f, got); err != nil {
				t.Fatalf("snapshot does not validate: %v", err)
			}
			golden := strings.TrimSuffix(f, filepath.Ext(f)) + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("snapshot of %s differs from %s (-want +got):\n%s", f, golden, diff)
			}
		})
	}
}
