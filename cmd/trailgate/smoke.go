package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/analyzer/engine"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/smoke"
)

func init() {
	register(command{name: "smoke", summary: "non-destructive ingest smoke test of one connector", run: runSmoke})
}

// smokeOptions are the flags of `trailgate smoke`.
type smokeOptions struct {
	connector, format string
	// externalIDFile holds the external ID when the connector file has
	// none (--external-id-file; default TRAILGATE_EXTERNAL_ID).
	externalIDFile string
	aws            awsFlags
	smoke          smoke.Options
}

func runSmoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := pflag.NewFlagSet("smoke", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	var o smokeOptions
	fl.StringVar(&o.connector, "connector", "", "connector file (YAML or JSON), required")
	fl.DurationVar(&o.smoke.Timeout, "timeout", smoke.DefaultTimeout, "how long to wait for a message (and for the canary's notification)")
	fl.BoolVar(&o.smoke.Canary, "canary", false, "write one test object, wait for its notification, read it as the connector, delete it")
	fl.StringVar(&o.smoke.CanaryBucket, "canary-bucket", "", "bucket for the canary (default: the bucket of the notification received)")
	fl.StringVar(&o.smoke.CanaryPrefix, "canary-prefix", "", "key prefix for the canary (default: the folder of the log object received)")
	fl.BoolVar(&o.smoke.Consume, "consume", false, "delete the message once it has been read, as the connector would (default: leave the queue untouched)")
	fl.StringVar(&o.format, "format", "text", "output format: text or json")
	fl.StringVar(&o.externalIDFile, "external-id-file", "", "read the external ID from `FILE` when the connector file has no external_id (default: the "+externalIDEnv+" environment variable)")
	o.aws.log = stderr
	o.aws.add(fl, "AWS shared-config profile of the caller (default: AWS_PROFILE or the default chain)",
		"region of the caller's STS calls (default: AWS_REGION, else the connector's region)")
	setUsage(fl, stderr, "Usage: trailgate smoke --connector FILE [--timeout 60s] [--canary] [--consume] [--format text|json]\n\n"+
		"Acts as the connector: assumes its role with the external ID (and checks the role\n"+
		"refuses the caller without it), reads one message from its queue and makes it\n"+
		"visible again at once, decodes it, and reads and decrypts the log object it names.\n"+
		"The caller's credentials come from the default AWS chain and must be allowed to\n"+
		"assume the connector's role. Secrets are never printed; the external ID is masked.\n"+
		"Exit 0: every step passed (an empty queue is not a failure); 1: a step failed;\n"+
		"2: usage error or unreadable connector file.\n\n")
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	switch {
	case o.connector == "":
		fmt.Fprintln(stderr, "trailgate smoke: --connector FILE is required")
		return exitUsage
	case o.format != "text" && o.format != "json":
		fmt.Fprintf(stderr, "trailgate smoke: --format must be text or json; got %q\n", o.format)
		return exitUsage
	case o.smoke.Timeout <= 0:
		fmt.Fprintln(stderr, "trailgate smoke: --timeout must be positive")
		return exitUsage
	case (o.smoke.CanaryBucket != "" || o.smoke.CanaryPrefix != "") && !o.smoke.Canary:
		fmt.Fprintln(stderr, "trailgate smoke: --canary-bucket and --canary-prefix need --canary")
		return exitUsage
	}
	conn, err := fileio.Load(ctx, o.connector, fileio.MaxConnectorBytes, "a connector file", connector.Parse)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate smoke: %v\n", err)
		return exitUsage
	}
	id, err := externalID(ctx, "", o.externalIDFile)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "trailgate smoke: %v\n", err)
		return exitUsage
	case id != "" && conn.ExternalID != "" && id != conn.ExternalID:
		fmt.Fprintf(stderr, "trailgate smoke: %s sets an external_id, and a different one was given (--external-id-file or %s)\n", o.connector, externalIDEnv)
		return exitUsage
	case id != "":
		conn.ExternalID = id
	}
	cfg, err := o.aws.load(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate smoke: %v\n", err)
		return exitUsage
	}
	rules, err := engine.Rules()
	if err != nil {
		fmt.Fprintf(stderr, "trailgate smoke: loading the rules: %v\n", err)
		return exitUsage
	}
	o.smoke.Warn = func(msg string) { fmt.Fprintf(stderr, "trailgate smoke: warning: %s\n", msg) }
	rep, err := smoke.Run(ctx, cfg, conn, o.smoke)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate smoke: %v\n", err)
		return exitUsage
	}
	rep.Explain(engine.SmokeRule(rules))
	write := report.WriteSmokeText
	if o.format == "json" {
		write = report.WriteSmokeJSON
	}
	if err := write(stdout, &rep); err != nil {
		fmt.Fprintf(stderr, "trailgate smoke: %v\n", err)
		return exitUsage
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "trailgate smoke: interrupted")
	}
	if rep.Failed() {
		return exitFindings
	}
	return exitOK
}
