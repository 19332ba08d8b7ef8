package main

import (
	"os"
	"path/filepath"
	"testing"
)

// bom writes a copy of file with a UTF-8 byte order mark, as Windows
// editors save.
func bom(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, "bom-"+filepath.Base(file), "\ufeff"+string(data))
}

// TestBOMAcceptedEverywhere: one policy for byte order marks: every input
// accepts one (the snapshot and baseline once failed with "invalid
// character 'ï'").
func TestBOMAcceptedEverywhere(t *testing.T) {
	dir := filepath.Join("..", "..", "fixtures", "scenarios", "controltower-working")
	snap, conn := filepath.Join(dir, "snapshot.json"), filepath.Join(dir, "connector.yaml")
	result := filepath.Join(t.TempDir(), "result.json")
	if code, _, stderr := trailgate(t, "check", "--snapshot", snap, "--format", "json", "--output", result); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	request := filepath.Join("..", "..", "analyzer", "iam", "testdata", "simulate", "pipeline.json")
	for name, args := range map[string][]string{
		"snapshot":  {"check", "--snapshot", bom(t, snap)},
		"connector": {"check", "--snapshot", snap, "--connector", bom(t, conn)},
		"baseline":  {"check", "--snapshot", snap, "--baseline", bom(t, result)},
		"template":  {"check", "--iac", bom(t, filepath.Join(dir, "template.yaml"))},
		"plan":      {"check", "--iac", bom(t, filepath.Join(dir, "plan.json"))},
		"request":   {"iam", "simulate", bom(t, request)},
	} {
		if code, _, stderr := trailgate(t, args...); code != exitOK {
			t.Errorf("%s with a BOM: exit %d, stderr %q", name, code, stderr)
		}
	}
}
