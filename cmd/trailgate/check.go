package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/analyzer/engine"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func init() {
	register(command{name: "check", summary: "analyze a snapshot and/or IaC files; exit code gates CI", run: runCheck})
}

// checkOptions are the flags of `trailgate check` (shared/spec/contract.md).
type checkOptions struct {
	snapshot  string
	iac       []string
	params    []string
	account   string
	region    string
	connector string
	format    string
	output    string
	failOn    string
	baseline  string
	explain   string

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

var failOnValues = []string{"critical", "high", "medium", "low", "none"}

// outputFlags adds the flags `check` and `demo` share.
func outputFlags(fl *pflag.FlagSet, o *checkOptions) {
	fl.StringVar(&o.format, "format", "text", "output `FORMAT`: text, json or sarif")
	fl.StringVarP(&o.output, "output", "o", "", "write the result to `FILE` instead of stdout")
	fl.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding is at or above `SEVERITY`: critical, high, medium, low or none")
	fl.StringVar(&o.baseline, "baseline", "", "an earlier JSON or SARIF result `FILE`; findings already in it are reported but never fail the run")
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var o checkOptions
	fl := pflag.NewFlagSet("check", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.SortFlags = false
	fl.StringVar(&o.snapshot, "snapshot", "", "a `FILE` written by trailgate collect (the snapshot to check)")
	fl.StringArrayVar(&o.iac, "iac", nil, "a CloudFormation template, Terraform plan (terraform show -json) or directory of them: `PATH` (repeatable)")
	fl.StringArrayVar(&o.params, "param", nil, "a CloudFormation parameter or pseudo parameter as `KEY=VALUE` (repeatable)")
	fl.StringVar(&o.account, "account", "123456789012", "account `ID` for IaC that does not say")
	fl.StringVar(&o.region, "region", "us-east-1", "`REGION` for IaC that does not say")
	fl.StringVar(&o.connector, "connector", "", "the connector `FILE` (YAML or JSON) to check the pipeline against")
	outputFlags(fl, &o)
	fl.StringVar(&o.explain, "explain", "", "explain `RULE_ID`'s verdict hop by hop (not supported yet)")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: trailgate check (--snapshot FILE | --iac PATH...) [flags]\n\n"+
			"Analyze a snapshot and/or IaC files and print findings.\n"+
			"Exit 0: no finding at or above --fail-on; 1: at least one; 2: usage error or malformed input.\n\nFlags:\n")
		fl.PrintDefaults()
	}
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	o.set = map[string]bool{}
	fl.Visit(func(f *pflag.Flag) { o.set[f.Name] = true })
	return check(ctx, o, stdout, stderr)
}

// parseFlags parses args; done is true when the command should stop with
// code (after --help, or on a usage error).
func parseFlags(fl *pflag.FlagSet, args []string, stderr io.Writer) (code int, done bool) {
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK, true
		}
		fmt.Fprintf(stderr, "trailgate %s: %v\nRun 'trailgate %s --help' for usage.\n", fl.Name(), err, fl.Name())
		return exitUsage, true
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "trailgate %s: unexpected argument %q (inputs are given with flags)\nRun 'trailgate %s --help' for usage.\n", fl.Name(), fl.Arg(0), fl.Name())
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

var (
	checkAccountRe = regexp.MustCompile(`^[0-9]{12}$`)
	checkRegionRe  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	checkParamRe   = regexp.MustCompile(`^[A-Za-z0-9:]+=`)
)

func (o *checkOptions) validate() error {
	if !slices.Contains(report.Formats, o.format) {
		return usagef("--format: want text, json or sarif; got %q", o.format)
	}
	if !slices.Contains(failOnValues, strings.ToLower(o.failOn)) {
		return usagef("--fail-on: want one of %s; got %q", strings.Join(failOnValues, ", "), o.failOn)
	}
	o.failOn = strings.ToLower(o.failOn)
	if o.explain != "" {
		return usagef("--explain is not supported yet: hop-by-hop explanations arrive with the data-path analysis")
	}
	if o.snapshot != "" && o.snapshotData != nil {
		return usagef("demo checks its embedded snapshot; use check --snapshot for a file")
	}
	if o.snapshot == "" && len(o.iac) == 0 && o.snapshotData == nil {
		return usagef("nothing to check: give --snapshot FILE and/or --iac PATH")
	}
	if len(o.iac) == 0 {
		for _, name := range []string{"param", "account", "region"} {
			if o.set[name] {
				return usagef("--%s applies to --iac input only", name)
			}
		}
		return nil
	}
	for _, p := range o.params {
		if !checkParamRe.MatchString(p) {
			return usagef("--param %q: want KEY=VALUE", p)
		}
	}
	if !checkAccountRe.MatchString(o.account) {
		return usagef("--account: want a 12-digit account ID; got %q", o.account)
	}
	if !checkRegionRe.MatchString(o.region) {
		return usagef("--region: want an AWS region such as us-east-1; got %q", o.region)
	}
	return nil
}

// check runs the pipeline: inputs → snapshot → engine → findings →
// baseline → writer, and maps the outcome to the contract's exit code.
func check(ctx context.Context, o checkOptions, stdout, stderr io.Writer) int {
	fs, rules, warnings, err := evaluate(ctx, &o)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate %s: %v\n", commandName(o), err)
		return exitUsage
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "trailgate: warning: %s\n", w)
	}
	opts := report.Options{ToolVersion: version, BaselineUsed: o.baseline != ""}
	write, _ := report.WriterFor(o.format)
	if o.output == "" {
		opts.Color = o.format == "text" && report.ColorFor(stdout)
		if err := write(stdout, fs, rules, opts); err != nil {
			fmt.Fprintf(stderr, "trailgate %s: writing the result: %v\n", commandName(o), err)
			return exitUsage
		}
	} else {
		var buf bytes.Buffer
		if err := write(&buf, fs, rules, opts); err != nil {
			fmt.Fprintf(stderr, "trailgate %s: writing the result: %v\n", commandName(o), err)
			return exitUsage
		}
		if err := writeFileAtomic(o.output, buf.Bytes()); err != nil {
			fmt.Fprintf(stderr, "trailgate %s: --output: %v\n", commandName(o), err)
			return exitUsage
		}
		s := findings.Summarize(fs)
		fmt.Fprintf(stderr, "trailgate: wrote %d findings (%d critical, %d high, %d medium, %d low) to %s\n",
			len(fs), s.Critical, s.High, s.Medium, s.Low, o.output)
	}
	if findings.FailOn(fs, o.failOn) {
		return exitFindings
	}
	return exitOK
}

// evaluate loads every input and runs the engine. Every error it returns is
// about the user's input (or a rule bug reported as such) and maps to exit 2.
func evaluate(ctx context.Context, o *checkOptions) (fs []findings.Finding, rules []findings.Rule, warnings []string, err error) {
	if err := o.validate(); err != nil {
		return nil, nil, nil, err
	}
	var snap *snapshot.Snapshot
	switch {
	case o.snapshotData != nil:
		snap, err = snapshot.Parse(o.snapshotName, o.snapshotData)
	case o.snapshot != "":
		snap, err = snapshot.LoadFile(o.snapshot)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	snap, warnings, err = loadIaC(o, snap)
	if err != nil {
		return nil, nil, nil, err
	}
	var conn *connector.Connector
	switch {
	case o.connectorData != nil:
		conn, err = connector.Parse(o.connectorName, o.connectorData)
	case o.connector != "":
		conn, err = connector.LoadFile(o.connector)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var baseline map[string]bool
	if o.baseline != "" {
		if baseline, err = report.LoadBaseline(o.baseline); err != nil {
			return nil, nil, nil, err
		}
	}
	eng, err := engine.New()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("loading the rules: %w", err)
	}
	fs, err = eng.Check(ctx, snap, conn)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("evaluating the rules: %w", err)
	}
	report.ApplyBaseline(fs, baseline)
	if n := len(snap.CollectionErrors); n > 0 {
		warnings = append(warnings, fmt.Sprintf("the snapshot records %d collection error(s): rules that needed the missing data could not prove it", n))
	}
	if n := len(snap.Unknowns); n > 0 {
		warnings = append(warnings, fmt.Sprintf("%d value(s) could not be resolved from the IaC input (imports, values known only after apply): rules that depend on them could not prove them", n))
	}
	return fs, eng.Rules(), warnings, nil
}

func commandName(o checkOptions) string {
	if o.snapshotData != nil {
		return "demo"
	}
	return "check"
}

// writeFileAtomic writes through a temporary file in the same directory and
// renames it, so that a CI step reading --output never sees half a result.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}
