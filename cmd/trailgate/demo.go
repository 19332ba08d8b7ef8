package main

import (
	"context"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/fixtures"
)

func init() {
	register(command{name: "demo", summary: "run check on the embedded sample organization (no AWS needed)", run: runDemo})
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := checkOptions{
		snapshotName: fixtures.DemoSnapshotName, snapshotData: fixtures.Demo(),
		connectorName: fixtures.DemoConnectorName, connectorData: fixtures.DemoConnector(),
	}
	fl := pflag.NewFlagSet("demo", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.SortFlags = false
	outputFlags(fl, &o)
	setUsage(fl, stderr, "Usage: trailgate demo [flags]\n\n"+
		"Check the sample organization embedded in trailgate (a Control Tower landing zone and an\n"+
		"Expel connector), exactly as 'trailgate check --snapshot ... --connector ...' would.\n"+
		"The sample is broken on purpose, so with the default --fail-on it exits 1.\n\nFlags:\n")
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	return checkAndReport(ctx, o, stdout, stderr)
}
