package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/synth"
)

// BenchmarkCheckTemplate is `trailgate check --iac template.yaml` end to end,
// as a CI job runs it: load the rules, parse the template, evaluate, write
// SARIF.
func BenchmarkCheckTemplate(b *testing.B) {
	tmpl := filepath.Join(scenarioDir, "controltower-broken-keypolicy", "template.yaml")
	args := []string{"check", "--iac", tmpl, "--format", "sarif", "--fail-on", "none"}
	for b.Loop() {
		if code := run(context.Background(), args, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkDemo is `trailgate demo --format json`: the embedded Control
// Tower organization with its connector.
func BenchmarkDemo(b *testing.B) {
	args := []string{"demo", "--format", "json", "--fail-on", "none"}
	for b.Loop() {
		if code := run(context.Background(), args, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
}

// benchLarge adds the 10,000-account organization to BenchmarkCheckOrg
// (go test ./cmd/trailgate -run '^$' -bench CheckOrg -benchtime 1x -large):
// it takes minutes, which `make bench` should not.
var benchLarge = flag.Bool("large", false, "BenchmarkCheckOrg: also check a 10,000-account organization")

// benchAccounts replaces BenchmarkCheckOrg's sizes with one (-accounts 300),
// to profile the growth between the standard sizes.
var benchAccounts = flag.Int("accounts", 0, "BenchmarkCheckOrg: check only an organization of this many accounts")

// benchPeakProfile writes BenchmarkCheckOrg's heap profile at the largest
// live heap a collection measured (-test.memprofile writes it at the end,
// when the check's values are gone): the profile to read for peak memory.
var benchPeakProfile = flag.String("peakprofile", "", "BenchmarkCheckOrg: write the heap profile at the check's peak live heap to this file")

// BenchmarkCheckOrg is `trailgate check --snapshot org.json` end to end
// on synthetic organizations (collectors/synth) in which every account has
// its own pipeline: load the snapshot, compile the rules, evaluate, write
// JSON. ns/op over accounts shows how analysis grows with the
// organization.
func BenchmarkCheckOrg(b *testing.B) {
	sizes := []int{100, 1000}
	if *benchLarge {
		sizes = append(sizes, 10000)
	}
	if *benchAccounts > 0 {
		sizes = []int{*benchAccounts}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("accounts=%d", n), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "org.json")
			if err := writeTestSnapshot(path, synth.Org(synth.Options{Accounts: n})); err != nil {
				b.Fatal(err)
			}
			args := []string{"check", "--snapshot", path, "--format", "json", "--fail-on", "none"}
			runtime.GC()
			peak := watchPeakHeap(*benchPeakProfile)
			b.ResetTimer()
			before := cpuTime()
			for b.Loop() {
				if code := run(context.Background(), args, io.Discard, io.Discard); code != exitOK {
					b.Fatalf("exit %d", code)
				}
			}
			// CPU time (user+sys) of the check alone: on a shared machine
			// wall time (ns/op) says more about the neighbours.
			b.ReportMetric((cpuTime()-before).Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric(float64(peak())/1e6, "peak-live-MB")
		})
	}
}

// watchPeakHeap follows the live heap after each collection until the
// returned function is called, which gives the largest seen (bytes). With
// a file name, it also writes the heap profile there each time the live
// heap grows by a tenth past the largest so far.
func watchPeakHeap(profile string) func() uint64 {
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	done := make(chan struct{})
	var max uint64
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var cycles, written uint64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			metrics.Read(samples)
			if c := samples[1].Value.Uint64(); c == cycles {
				continue
			} else {
				cycles = c
			}
			live := samples[0].Value.Uint64()
			if live > max {
				max = live
			}
			if profile != "" && live > written+written/10 {
				written = live
				if f, err := os.Create(profile); err == nil {
					_ = pprof.Lookup("heap").WriteTo(f, 0)
					f.Close()
				}
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return max
	}
}

// cpuTime is the CPU time the process has used so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCheckStacks is `trailgate check --iac DIR` on one and on 300
// independent stacks (the single-account-trail-sns template, each copy in
// its own account): the target is 300 stacks in at most 20x the time of
// one.
func BenchmarkCheckStacks(b *testing.B) {
	for _, n := range []int{1, 300} {
		b.Run(fmt.Sprintf("stacks=%d", n), func(b *testing.B) {
			args := []string{"check", "--iac", writeStacks(b, n), "--format", "sarif", "--fail-on", "none"}
			b.ResetTimer()
			for b.Loop() {
				if code := run(context.Background(), args, io.Discard, io.Discard); code != exitOK {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// writeStacks writes n copies of the single-account-trail-sns template to
// a directory, each in its own account, and returns the directory.
func writeStacks(b *testing.B, n int) string {
	b.Helper()
	tmpl, err := os.ReadFile(filepath.Join(scenarioDir, "single-account-trail-sns", "template.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	for i := range n {
		acct := fmt.Sprintf("%012d", 500000000000+i)
		data := strings.ReplaceAll(string(tmpl), "444444444444", acct)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("stack%03d.yaml", i)), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkProcess runs the built binary as a CI job does, a new process
// per check, and reports what the targets are stated in: the CPU time of
// the whole process (user+sys, as /usr/bin/time gives it; start-up, Go's
// runtime and collector included) in cpu-ms/op, and its peak resident
// memory in maxrss-MB. CPU time, not ns/op, is the number to compare on a
// shared machine. Targets: one template under 120 ms; 300 independent
// stacks at most 20x one.
func BenchmarkProcess(b *testing.B) {
	bin := buildTrailgate(b)
	for _, tc := range []struct {
		name   string
		target func(b *testing.B) string
	}{
		{"template", func(*testing.B) string {
			return filepath.Join(scenarioDir, "single-account-trail-sns", "template.yaml")
		}},
		{"stacks=300", func(b *testing.B) string { return writeStacks(b, 300) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			args := []string{"check", "--iac", tc.target(b), "--format", "sarif", "--fail-on", "none"}
			var cpu time.Duration
			var rss int64
			b.ResetTimer()
			for b.Loop() {
				cmd := exec.Command(bin, args...) // stdout to the null device
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Run(); err != nil {
					b.Fatalf("%v: %v\n%.2000s", cmd, err, stderr.String())
				}
				cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
				if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
					rss = max(rss, ru.Maxrss) // KiB on Linux
				}
			}
			b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
			b.ReportMetric(float64(rss)/1024, "maxrss-MB")
		})
	}
}
