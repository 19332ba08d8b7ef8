package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/analyzer/engine"
	"github.com/trailgate/trailgate/analyzer/report"
)

func init() {
	register(command{name: "rules", summary: "list every rule: ID, severity, title", run: runRules})
}

func runRules(_ context.Context, args []string, stdout, stderr io.Writer) int {
	var format string
	fl := pflag.NewFlagSet("rules", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&format, "format", "text", "output `FORMAT`: text or json")
	setUsage(fl, stderr, "Usage: trailgate rules [--format text|json]\n\nList every rule with its severity and title (json: all metadata).\n\nFlags:\n")
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	if format != "text" && format != "json" {
		fmt.Fprintf(stderr, "trailgate rules: --format: want text or json; got %q\n", format)
		return exitUsage
	}
	eng, err := engine.New()
	if err != nil {
		fmt.Fprintf(stderr, "trailgate rules: loading the rules: %v\n", err)
		return exitUsage
	}
	if format == "json" {
		err = report.WriteRulesJSON(stdout, eng.Rules(), report.Options{ToolVersion: version})
	} else {
		err = report.WriteRulesText(stdout, eng.Rules())
	}
	if err != nil {
		fmt.Fprintf(stderr, "trailgate rules: %v\n", err)
		return exitUsage
	}
	return exitOK
}
