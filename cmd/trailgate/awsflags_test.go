package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/aws/smithy-go/logging"
)

// TestSDKLogsOnlyWithVerbose: the SDK's own warnings (its default logger
// writes them to the process's stderr) reach stderr only with --verbose.
func TestSDKLogsOnlyWithVerbose(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "us-east-1")
	for _, verbose := range []bool{false, true} {
		var stderr bytes.Buffer
		a := awsFlags{verbose: verbose, log: &stderr}
		cfg, err := a.load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Logger == nil {
			t.Fatal("no logger: the SDK would use its default, which writes to os.Stderr")
		}
		cfg.Logger.Logf(logging.Warn, "Response has no supported checksum. Not validating response payload.")
		if got := stderr.Len() > 0; got != verbose {
			t.Errorf("verbose=%v: SDK warning on stderr = %v (%q)", verbose, got, stderr.String())
		}
	}
}
