package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/fileio"
)

func init() {
	register(command{name: "iam", summary: "ask the IAM evaluator: iam simulate FILE (decisions with explanations)", run: runIAM})
}

// iamOptions are the flags of `trailgate iam simulate`.
type iamOptions struct {
	format string
	file   string
}

func runIAM(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := pflag.NewFlagSet("iam", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	var opts iamOptions
	fl.StringVar(&opts.format, "format", "json", "output format: json or text")
	setUsage(fl, stderr, "Usage: trailgate iam simulate FILE [--format json|text]\n\n"+
		"Answers each request of FILE (one request object or an array) with a decision\n"+
		"(Allowed, ImplicitlyDenied, ExplicitlyDenied) and its explanation, in order. A request\n"+
		"holding a policy AWS would reject gets {\"error\", \"policy\", \"statement\"} in its place\n"+
		"and the exit status is then 2; the other requests are still answered.\n")
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fl.NArg() != 2 || fl.Arg(0) != "simulate" {
		fl.Usage()
		return exitUsage
	}
	if opts.format != "json" && opts.format != "text" {
		fmt.Fprintf(stderr, "trailgate iam: --format must be json or text, not %q\n", opts.format)
		return exitUsage
	}
	opts.file = fl.Arg(1)
	data, err := fileio.ReadFile(ctx, opts.file, fileio.MaxRequestBytes, "a request file")
	if err != nil {
		fmt.Fprintf(stderr, "trailgate iam: %v\n", err)
		return exitUsage
	}
	reqs, err := iam.ParseRequests(opts.file, data)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate iam: %v\n", err)
		return exitUsage
	}
	// Each request is answered on its own: a refused one (a policy AWS
	// would reject) gets its error in its place, the others their
	// decisions, and the exit status says some were refused.
	answers := iam.Simulate(reqs)
	write := report.WriteSimulateJSON
	if opts.format == "text" {
		write = report.WriteSimulateText
	}
	if err := write(stdout, answers, iam.IsRequestArray(data)); err != nil {
		fmt.Fprintf(stderr, "trailgate iam: %v\n", err)
		return exitUsage
	}
	code := exitOK
	for _, a := range answers {
		if a.Err != nil {
			fmt.Fprintf(stderr, "trailgate iam: %v\n", a.Err)
			code = exitUsage
		}
	}
	return code
}
