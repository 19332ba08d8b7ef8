package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/trailgate/trailgate/fixtures"
)

// TestCheckOutputNeverReplacesOtherFiles: --output writes to a device node
// in place (as root, renaming over /dev/stdout turned it into a regular
// file), refuses an output that is one of the inputs, keeps an existing
// file's mode and creates new files owner-only.
func TestCheckOutputNeverReplacesOtherFiles(t *testing.T) {
	dir := t.TempDir()
	snap := filepath.Join(dir, "snapshot.json")
	if err := os.WriteFile(snap, fixtures.Demo(), 0o600); err != nil {
		t.Fatal(err)
	}
	conn := writeFile(t, "connector.yaml", string(fixtures.DemoConnector()))
	check := func(out string, extra ...string) (int, string) {
		args := append([]string{"check", "--snapshot", snap, "--connector", conn, "--format", "json", "--output", out}, extra...)
		code, _, errs := trailgate(t, args...)
		return code, errs
	}

	t.Run("device", func(t *testing.T) {
		dev := filepath.Join(dir, "null")
		if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, 1<<8|3); err != nil {
			t.Skipf("mknod: %v (needs root)", err)
		}
		if code, errs := check(dev); code != exitFindings {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if st, err := os.Lstat(dev); err != nil || st.Mode()&fs.ModeCharDevice == 0 {
			t.Errorf("the device node is now %v (%v)", st.Mode(), err)
		}
	})

	t.Run("input", func(t *testing.T) {
		link := filepath.Join(dir, "link.json")
		os.Symlink(snap, link)
		for _, out := range []string{snap, link, conn} {
			code, errs := check(out)
			if code != exitUsage || !strings.Contains(errs, "is also an input") {
				t.Errorf("--output %s: exit %d, stderr %q; want 2, refused", out, code, errs)
			}
		}
		if data, _ := os.ReadFile(snap); string(data) != string(fixtures.Demo()) {
			t.Error("the snapshot was overwritten")
		}
	})

	t.Run("template in an --iac directory", func(t *testing.T) {
		iacDir := t.TempDir()
		tmpl := filepath.Join(iacDir, "topic.yaml")
		os.WriteFile(tmpl, []byte("Resources:\n  T:\n    Type: AWS::SNS::Topic\n"), 0o644)
		code, _, errs := trailgate(t, "check", "--iac", iacDir, "--format", "json", "--output", tmpl)
		if code != exitUsage || !strings.Contains(errs, "is also an input") {
			t.Errorf("exit %d, stderr %q; want 2, refused", code, errs)
		}
		// A previous report in the walked directory is not an input.
		report := filepath.Join(iacDir, "report.json")
		os.WriteFile(report, []byte(`{"findings": []}`), 0o644)
		if code, _, errs := trailgate(t, "check", "--iac", iacDir, "--format", "json", "--output", report); code != exitOK {
			t.Errorf("report in the walked directory: exit %d, stderr %q", code, errs)
		}
	})

	t.Run("mode", func(t *testing.T) {
		fresh := filepath.Join(dir, "new.json")
		check(fresh)
		if st, _ := os.Stat(fresh); st.Mode().Perm() != 0o600 {
			t.Errorf("new result file mode %v, want 0600", st.Mode().Perm())
		}
		old := filepath.Join(dir, "old.json")
		os.WriteFile(old, nil, 0o600)
		os.Chmod(old, 0o600)
		check(old)
		if st, _ := os.Stat(old); st.Mode().Perm() != 0o600 {
			t.Errorf("existing 0600 result file is now %v", st.Mode().Perm())
		}
	})
}
