package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/analyzer/iam"
	"github.com/trailgate/trailgate/internal/fileio"
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
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: trailgate iam simulate FILE [--format json|text]")
		fmt.Fprintln(stderr, "\nAnswers each request of FILE (one request object or an array) with a decision")
		fmt.Fprintln(stderr, "(Allowed, ImplicitlyDenied, ExplicitlyDenied) and its explanation, in order.")
		fl.PrintDefaults()
	}
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
	results := iam.Simulate(reqs)
	write := iam.WriteJSON
	if opts.format == "text" {
		write = iam.WriteText
	}
	if err := write(stdout, results, iam.IsRequestArray(data)); err != nil {
		fmt.Fprintf(stderr, "trailgate iam: %v\n", err)
		return exitUsage
	}
	return exitOK
}
