package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/analyzer/check"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/termtext"
)

func init() {
	register(command{name: "check", summary: "analyze a snapshot and/or IaC files; exit code gates CI", run: runCheck})
}

// checkOptions are the flags of `trailgate check` (README, "Commands").
type checkOptions struct {
	snapshot  string
	iac       []string
	params    []string
	accounts  []string
	region    string
	connector string
	format    string
	output    string
	failOn    string
	// threshold is --fail-on parsed; empty for none.
	threshold findings.Severity
	baseline  string
	explain   string
	// failOnUnproven makes findings that say a rule could not be proven
	// (collection errors, values unknown until apply) fail the run.
	failOnUnproven bool
	// verbose lists each file an --iac directory walk skipped and why;
	// without it only their number is printed.
	verbose bool
	// strict makes IaC files a directory walk could not judge exit 2;
	// otherwise they are listed and the findings decide.
	strict bool
	// sourceRoot is --source-root: the repository root locations are
	// written relative to (detected when empty).
	sourceRoot string
	// tfDir is --tf-dir: the .tf files Terraform plans were made from.
	tfDir string
	// linkBase is --link-base: the URL Markdown file links start with.
	linkBase string

	// snapshotName and snapshotData replace --snapshot for `demo`, which
	// checks the snapshot embedded in the binary.
	snapshotName string
	snapshotData []byte
	// connectorName and connectorData replace --connector for `demo`.
	connectorName string
	connectorData []byte
	// set records which flags were given, for flags whose meaning depends
	// on others (--param without --iac).
	set map[string]bool
}

// outputFlags adds the flags `check` and `demo` share.
func outputFlags(fl *pflag.FlagSet, o *checkOptions) {
	fl.StringVar(&o.format, "format", "text", "output `FORMAT`: text, json, sarif, markdown (pull-request comments, job summaries) or html (one self-contained file)")
	fl.StringVarP(&o.output, "output", "o", "", "write the result to `FILE` instead of stdout")
	fl.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding is at or above `SEVERITY`: critical, high, medium, low or none")
	fl.StringVar(&o.baseline, "baseline", "", "an earlier JSON or SARIF result `FILE`; findings already in it are reported but never fail the run")
	fl.StringVar(&o.sourceRoot, "source-root", "", "the repository root `DIR` SARIF, Markdown and HTML paths are relative to (default: the nearest directory above the working directory holding .git)")
	fl.StringVar(&o.linkBase, "link-base", "", "`URL` Markdown file links start with, e.g. https://github.com/OWNER/REPO/blob/SHA/ (default: links relative to the repository root)")
	fl.BoolVar(&o.failOnUnproven, "fail-on-unproven", false, "also exit 1 when a rule cannot be proven (a failed read, a value unknown until apply); such findings are low and never fail the run otherwise")
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o checkOptions
	fl := pflag.NewFlagSet("check", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.SortFlags = false
	fl.StringVar(&o.snapshot, "snapshot", "", "a `FILE` written by trailgate collect (the snapshot to check)")
	fl.StringArrayVar(&o.iac, "iac", nil, "a CloudFormation template, Terraform plan (terraform show -json) or directory of them: `PATH` (repeatable)")
	fl.StringArrayVar(&o.params, "param", nil, "a CloudFormation parameter or pseudo parameter as `KEY=VALUE` (repeatable)")
	fl.StringArrayVar(&o.accounts, "account", nil, "account `ID` of IaC that does not say, or PATH=ID for the files under PATH (repeatable)")
	fl.StringVar(&o.region, "region", "us-east-1", "`REGION` for IaC that does not say")
	fl.StringVar(&o.tfDir, "tf-dir", "", "the Terraform configuration `DIR` the --iac plans were made from, so findings point at .tf lines (default: the plan's directory when it holds .tf files)")
	fl.StringVar(&o.connector, "connector", "", "the connector `FILE` (YAML or JSON) to check the pipeline against")
	outputFlags(fl, &o)
	fl.StringVar(&o.explain, "explain", "", "print, hop by hop, the delivery paths `RULE_ID` judges: each authorization question, its decision and the deciding statements")
	fl.BoolVar(&o.verbose, "verbose", false, "list each file an --iac directory walk skipped, and why (otherwise only their number is printed)")
	fl.BoolVar(&o.strict, "strict", false, "exit 2 when an --iac directory walk meets a template or plan it cannot judge (otherwise it is listed and the rest is judged)")
	setUsage(fl, stderr, "Usage: trailgate check (--snapshot FILE | --iac PATH...) [flags]\n\n"+
		"Analyze a snapshot and/or IaC files and print findings.\n"+
		"Exit 0: no finding at or above --fail-on; 1: at least one; 2: usage error or malformed input.\n\nFlags:\n")
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	o.set = map[string]bool{}
	fl.Visit(func(f *pflag.Flag) { o.set[f.Name] = true })
	return checkAndReport(ctx, o, stdout, stderr)
}

// setUsage makes fl's --help print text, then the flags.
func setUsage(fl *pflag.FlagSet, stderr io.Writer, text string) {
	fl.Usage = func() {
		fmt.Fprint(stderr, text)
		fl.PrintDefaults()
	}
}

// parseFlags parses args, which must all be flags; done is true when the
// command should stop with code (after --help, or on a usage error).
func parseFlags(fl *pflag.FlagSet, args []string, stderr io.Writer) (code int, done bool) {
	if code, done := parseArgs(fl, args, stderr); done {
		return code, done
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "trailgate %s: unexpected argument %q (inputs are given with flags)\nRun 'trailgate %s --help' for usage.\n", fl.Name(), fl.Arg(0), fl.Name())
		return exitUsage, true
	}
	return 0, false
}

// parseArgs parses args, flags and arguments (fl.Args); done is true when
// the command should stop with code (after --help, or on a usage error).
func parseArgs(fl *pflag.FlagSet, args []string, stderr io.Writer) (code int, done bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, true
		}
		fmt.Fprintf(stderr, "trailgate %s: %v\nRun 'trailgate %s --help' for usage.\n", fl.Name(), err, fl.Name())
		return exitUsage, true
	}
	return 0, false
}

// usageError is bad input from the user: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

var ruleIDRe = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}$`)

// validate checks the flags that only shape the output; check.Run checks
// the inputs.
func (o *checkOptions) validate() error {
	if !slices.Contains(report.Formats, o.format) {
		return usagef("--format: want text, json, sarif, markdown or html; got %q", o.format)
	}
	if v := strings.ToLower(o.failOn); v != "none" {
		sev, err := findings.ParseSeverity(v)
		if err != nil {
			return usagef("--fail-on: want one of critical, high, medium, low, none; got %q", o.failOn)
		}
		o.threshold = sev
	}
	if o.explain != "" {
		o.explain = strings.ToUpper(o.explain)
		if !ruleIDRe.MatchString(o.explain) {
			return usagef("--explain: want a rule ID such as KM01; got %q", o.explain)
		}
		if o.format != "text" {
			return usagef("--explain writes text; drop --format %s", o.format)
		}
	}
	if len(o.iac) == 0 {
		for _, name := range []string{"param", "account", "region", "strict", "tf-dir"} {
			if o.set[name] {
				return usagef("--%s applies to --iac input only", name)
			}
		}
	}
	return nil
}

// checkAndReport runs check.Run, writes the result with the report
// package and maps the outcome to the contract's exit code.
func checkAndReport(ctx context.Context, o checkOptions, stdout, stderr io.Writer) int {
	res, err := runInputs(ctx, &o)
	var bad check.MalformedPolicies
	if errors.As(err, &bad) {
		for _, p := range bad {
			fmt.Fprintf(stderr, "trailgate %s: %s\n", commandName(o), termtext.Escape(fmt.Sprint(p)))
		}
		fmt.Fprintf(stderr, "trailgate %s: %s\n", commandName(o), bad.Error())
		return exitUsage
	}
	// File names and values from the input are escaped: a name holding
	// a newline or a terminal escape sequence must not forge or hide lines.
	if err != nil {
		fmt.Fprintf(stderr, "trailgate %s: %s\n", commandName(o), termtext.Escape(err.Error()))
		return exitUsage
	}
	fs, rules, paths := res.Findings, res.Rules, res.Paths
	for _, n := range res.Notes {
		fmt.Fprintf(stderr, "trailgate: %s\n", termtext.Escape(n))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(stderr, "trailgate: warning: %s\n", termtext.Escape(w))
	}
	opts := report.Options{ToolVersion: version, BaselineUsed: o.baseline != "", Paths: paths, Notes: res.ReportNotes, Unjudged: res.Unjudged, NotModeled: res.NotModeled}
	write, _ := report.WriterFor(o.format)
	if o.format == "sarif" || o.format == "markdown" || o.format == "html" {
		if err := placeOutput(&o, &opts, &fs, res); err != nil {
			fmt.Fprintf(stderr, "trailgate %s: %v\n", commandName(o), err)
			return exitUsage
		}
	}
	if o.explain != "" {
		write = func(w io.Writer, fs []findings.Finding, rules []findings.Rule, _ report.Options) error {
			return report.Explain(w, o.explain, fs, rules, paths)
		}
	}
	toStdout := o.output == "" || o.output == fileio.Stdout
	opts.Color = toStdout && o.format == "text" && report.ColorFor(stdout)
	var buf bytes.Buffer
	if err := write(&buf, fs, rules, opts); err != nil {
		fmt.Fprintf(stderr, "trailgate %s: writing the result: %v\n", commandName(o), err)
		return exitUsage
	}
	text := buf.String()
	if o.explain != "" {
		// --explain writes no colour: every control character but the
		// line breaks it writes itself comes from the input.
		text = termtext.EscapeLines(text)
	}
	out := []byte(report.Redact(text, res.Sensitive))
	if toStdout {
		if _, err := stdout.Write(out); err != nil {
			fmt.Fprintf(stderr, "trailgate %s: writing the result: %v\n", commandName(o), err)
			return exitUsage
		}
	} else {
		if err := fileio.WriteFile(ctx, o.output, out, stdout, o.inputs()); err != nil {
			fmt.Fprintf(stderr, "trailgate %s: --output: %v\n", commandName(o), err)
			return exitUsage
		}
		s := findings.Summarize(fs)
		fmt.Fprintf(stderr, "trailgate: wrote %d findings (%d critical, %d high, %d medium, %d low) to %s\n",
			len(fs), s.Critical, s.High, s.Medium, s.Low, o.output)
	}
	if o.strict && len(res.Unjudged) > 0 {
		fmt.Fprintf(stderr, "trailgate %s: --strict: %d IaC file(s) could not be judged\n", commandName(o), len(res.Unjudged))
		return exitUsage
	}
	if findings.FailOn(fs, o.threshold) || (o.failOnUnproven && findings.FailOnUnproven(fs)) {
		return exitFindings
	}
	return exitOK
}

// runInputs validates the flags and hands the inputs to check.Run.
func runInputs(ctx context.Context, o *checkOptions) (*check.Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	return check.Run(ctx, check.Input{
		SnapshotFile: o.snapshot, SnapshotName: o.snapshotName, SnapshotData: o.snapshotData,
		IaC: o.iac, Params: o.params, Accounts: o.accounts, Region: o.region, Verbose: o.verbose,
		ConnectorFile: o.connector, ConnectorName: o.connectorName, ConnectorData: o.connectorData,
		Baseline: o.baseline, Explain: o.explain, TerraformConfigDir: o.tfDir,
	})
}

func commandName(o checkOptions) string {
	if o.snapshotData != nil {
		return "demo"
	}
	return "check"
}
