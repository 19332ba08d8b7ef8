package main

import (
	"context"
	"io"
	"path/filepath"
	"testing"
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
