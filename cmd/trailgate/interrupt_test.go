package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain runs main itself when a test re-executes the test binary with
// TRAILGATE_RUN_MAIN set, so that signals are tested on the real process.
func TestMain(m *testing.M) {
	if os.Getenv("TRAILGATE_RUN_MAIN") == "1" {
		os.Args = append([]string{"trailgate"}, os.Args[1:]...)
		main()
	}
	os.Exit(m.Run())
}

func mkfifo(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fifo.json")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	return p
}

// TestInputsHonourCancellation: each input flag named to a FIFO no one
// writes (which blocked forever and ignored Ctrl-C) ends with the context,
// exit 130; an endless device is refused at the size cap, saying so.
func TestInputsHonourCancellation(t *testing.T) {
	snap := demoFile(t)
	for _, tc := range []struct {
		name string
		args func(fifo string) []string
	}{
		{"snapshot", func(f string) []string { return []string{"check", "--snapshot", f} }},
		{"connector", func(f string) []string { return []string{"check", "--snapshot", snap, "--connector", f} }},
		{"baseline", func(f string) []string { return []string{"check", "--snapshot", snap, "--baseline", f} }},
		{"iac", func(f string) []string { return []string{"check", "--iac", f} }},
		{"iam simulate", func(f string) []string { return []string{"iam", "simulate", f} }},
		{"smoke connector", func(f string) []string { return []string{"smoke", "--connector", f} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			var out, errb bytes.Buffer
			start := time.Now()
			code := run(ctx, tc.args(mkfifo(t)), &out, &errb)
			if code != exitInterrupted || time.Since(start) > 5*time.Second {
				t.Errorf("exit %d after %v, stderr %q; want %d soon after the context ends", code, time.Since(start), errb.String(), exitInterrupted)
			}
		})
	}
	t.Run("endless device", func(t *testing.T) {
		zero := filepath.Join(t.TempDir(), "zero")
		if err := syscall.Mknod(zero, syscall.S_IFCHR|0o666, 1<<8|5); err != nil {
			t.Skipf("mknod: %v (needs root)", err)
		}
		code, _, errs := trailgate(t, "check", "--snapshot", snap, "--connector", zero)
		if code != exitUsage || !strings.Contains(errs, "larger than 1 MiB, the most trailgate reads for a connector file") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

// TestCtrlCEndsTheProcess: SIGINT to a real trailgate blocked on a FIFO
// ends it within a second, exit 130.
func TestCtrlCEndsTheProcess(t *testing.T) {
	fifo := mkfifo(t)
	cmd := exec.Command(os.Args[0], "check", "--snapshot", fifo)
	cmd.Env = append(os.Environ(), "TRAILGATE_RUN_MAIN=1")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // let it block in open(2)
	sent := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != exitInterrupted {
		t.Fatalf("wait: %v, stderr %q; want exit %d", err, errb.String(), exitInterrupted)
	}
	if d := time.Since(sent); d > time.Second {
		t.Errorf("ended %v after SIGINT, want within a second", d)
	}
}
