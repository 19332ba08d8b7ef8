package main

import (
	"bufio"
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

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
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
	snapshot string
	iac      []string
	params   []string
	accounts []string
	region   string
	// runNotes are the report's notes on what the check could not cover
	// (engine.Notes), set once the snapshot is known.
	runNotes  []string
	connector string
	format    string
	output    string
	failOn    string
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
	// unjudged are those files, set while loading the IaC.
	unjudged []report.Unjudged
	// notModeled counts the input's resources of types no rule models.
	notModeled []report.NotModeled

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
	fl.StringVar(&o.connector, "connector", "", "the connector `FILE` (YAML or JSON) to check the pipeline against")
	outputFlags(fl, &o)
	fl.StringVar(&o.explain, "explain", "", "print, hop by hop, the delivery paths `RULE_ID` judges: each authorization question, its decision and the deciding statements")
	fl.BoolVar(&o.verbose, "verbose", false, "list each file an --iac directory walk skipped, and why (otherwise only their number is printed)")
	fl.BoolVar(&o.strict, "strict", false, "exit 2 when an --iac directory walk meets a template or plan it cannot judge (otherwise it is listed and the rest is judged)")
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
	checkRuleIDRe  = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}$`)
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
		o.explain = strings.ToUpper(o.explain)
		if !checkRuleIDRe.MatchString(o.explain) {
			return usagef("--explain: want a rule ID such as KM01; got %q", o.explain)
		}
		if o.format != "text" {
			return usagef("--explain writes text; drop --format %s", o.format)
		}
	}
	if o.snapshot != "" && o.snapshotData != nil {
		return usagef("demo checks its embedded snapshot; use check --snapshot for a file")
	}
	if o.snapshot == "" && len(o.iac) == 0 && o.snapshotData == nil {
		return usagef("nothing to check: give --snapshot FILE and/or --iac PATH")
	}
	if len(o.iac) == 0 {
		for _, name := range []string{"param", "account", "region", "strict"} {
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
	for _, a := range o.accounts {
		path, id, scoped := strings.Cut(a, "=")
		if !scoped {
			id = path
		}
		if !checkAccountRe.MatchString(id) || scoped && path == "" {
			return usagef("--account: want a 12-digit account ID or PATH=ID; got %q", a)
		}
	}
	if !checkRegionRe.MatchString(o.region) {
		return usagef("--region: want an AWS region such as us-east-1; got %q", o.region)
	}
	return nil
}

// check runs the pipeline: inputs → snapshot → engine → findings →
// baseline → writer, and maps the outcome to the contract's exit code.
func check(ctx context.Context, o checkOptions, stdout, stderr io.Writer) int {
	fs, rules, paths, notes, warnings, err := evaluate(ctx, &o)
	var bad malformedPolicies
	if errors.As(err, &bad) {
		for _, p := range bad {
			fmt.Fprintf(stderr, "trailgate %s: %s\n", commandName(o), p)
		}
		fmt.Fprintf(stderr, "trailgate %s: %s\n", commandName(o), bad.Error())
		return exitUsage
	}
	if err != nil {
		fmt.Fprintf(stderr, "trailgate %s: %v\n", commandName(o), err)
		return exitUsage
	}
	for _, n := range notes {
		fmt.Fprintf(stderr, "trailgate: %s\n", n)
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "trailgate: warning: %s\n", w)
	}
	opts := report.Options{ToolVersion: version, BaselineUsed: o.baseline != "", Notes: o.runNotes, Unjudged: o.unjudged, NotModeled: o.notModeled}
	write, _ := report.WriterFor(o.format)
	if o.format == "text" {
		for _, p := range paths {
			opts.Paths = append(opts.Paths, p.Line())
		}
	}
	if o.explain != "" {
		write = func(w io.Writer, fs []findings.Finding, rules []findings.Rule, _ report.Options) error {
			return explain(w, o.explain, fs, rules, paths)
		}
	}
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
	if o.strict && len(o.unjudged) > 0 {
		fmt.Fprintf(stderr, "trailgate %s: --strict: %d IaC file(s) could not be judged\n", commandName(o), len(o.unjudged))
		return exitUsage
	}
	if findings.FailOn(fs, o.failOn) || (o.failOnUnproven && findings.FailOnUnproven(fs)) {
		return exitFindings
	}
	return exitOK
}

// explain writes what `--explain RULE_ID` shows: the rule, its findings,
// then each delivery path whose hops the rule judges, hop by hop. Paths
// with a broken or unproven hop of those kinds come first; when there is
// none, every path is shown, so that the user sees what was proven.
func explain(w io.Writer, id string, fs []findings.Finding, rules []findings.Rule, paths []datapath.Path) error {
	var rule *findings.Rule
	for i := range rules {
		if rules[i].ID == id {
			rule = &rules[i]
		}
	}
	if rule == nil {
		return fmt.Errorf("no rule %s", id)
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s  %s (%s)\n", rule.ID, rule.Title, rule.Severity)
	var mine []findings.Finding
	for _, f := range fs {
		if f.RuleID == id {
			mine = append(mine, f)
		}
	}
	if len(mine) == 0 {
		fmt.Fprintf(bw, "%s reports nothing.\n", id)
	}
	for _, f := range mine {
		mark := ""
		if f.Unproven {
			mark = " [unproven]"
		}
		fmt.Fprintf(bw, "  finding: %s: %s%s\n", f.Resource.ID, f.Message, mark)
	}
	hops := datapath.HopsForRule(id)
	selected := datapath.ForRule(paths, hops...)
	switch {
	case len(paths) == 0:
		fmt.Fprintf(bw, "\nNo delivery path: the snapshot has no log source the connector reads.\n")
	case len(hops) == 0:
		fmt.Fprintf(bw, "\n%s judges no hop of a delivery path; the %d path(s):\n", id, len(paths))
		selected = paths
	case len(selected) == 0:
		fmt.Fprintf(bw, "\nNo path has a broken or unproven %s hop; the %d path(s):\n", joinHops(hops), len(paths))
		selected = paths
	default:
		fmt.Fprintf(bw, "\n%d of %d path(s) have a broken or unproven %s hop:\n", len(selected), len(paths), joinHops(hops))
	}
	for _, p := range selected {
		bw.WriteString("\n")
		p.Explain(bw)
	}
	return bw.Flush()
}

func joinHops(hops []datapath.HopKind) string {
	s := make([]string, len(hops))
	for i, h := range hops {
		s[i] = string(h)
	}
	return strings.Join(s, " or ")
}

// evaluate loads every input and runs the engine. Every error it returns is
// about the user's input (or a rule bug reported as such) and maps to exit 2.
// Notes say what the run passed over (files an --iac walk skipped);
// warnings say what it could not prove.
func evaluate(ctx context.Context, o *checkOptions) (fs []findings.Finding, rules []findings.Rule, paths []datapath.Path, notes, warnings []string, err error) {
	if err := o.validate(); err != nil {
		return nil, nil, nil, nil, nil, err
	}
	var snap *snapshot.Snapshot
	switch {
	case o.snapshotData != nil:
		snap, err = snapshot.Parse(o.snapshotName, o.snapshotData)
	case o.snapshot != "":
		snap, err = snapshot.LoadFile(o.snapshot)
	}
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	snap, notes, warnings, err = loadIaC(o, snap)
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	// A policy AWS would refuse is bad input when it is written in the IaC
	// (the deploy would fail: judging the rest as deployed would judge a
	// fiction). A collected one AWS did accept, so where the evaluator
	// disagrees the audit goes on, saying so; the index answers as it does
	// for any malformed document.
	var bad malformedPolicies
	for _, p := range authz.Validate(snap) {
		if p.FromIaC() {
			bad = append(bad, p)
			continue
		}
		warnings = append(warnings, fmt.Sprintf("the collected %s, which AWS accepted, does not parse here (%s): answers that depend on it take it as granting nothing", p.Policy, p.Detail()))
	}
	if len(bad) > 0 {
		return nil, nil, nil, nil, nil, bad
	}
	var conn *connector.Connector
	switch {
	case o.connectorData != nil:
		conn, err = connector.Parse(o.connectorName, o.connectorData)
	case o.connector != "":
		conn, err = connector.LoadFile(o.connector)
	}
	if err != nil {
		return nil, nil, nil, nil, nil, err
	}
	if conn != nil && !conn.IsRoleARN() && len(o.iac) == 0 {
		// A logical ID or Terraform address names a role only in the IaC
		// that declares it; against a snapshot alone every question about
		// it would be about no role at all.
		return nil, nil, nil, nil, nil, &connector.Error{File: conn.File, Line: conn.RoleLine,
			Msg: fmt.Sprintf("role: %q is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME); a logical ID or Terraform address needs the --iac input that declares it", conn.Role)}
	}
	if conn != nil && !conn.IsRoleARN() {
		// The contract lets IaC users name the role by logical ID or
		// Terraform address; every rule reasons about ARNs, so resolve it
		// once here, against the IaC that declares it.
		roles := snap.RolesByAddress(conn.Role)
		switch {
		case len(roles) == 0:
			return nil, nil, nil, nil, nil, &connector.Error{File: conn.File, Line: conn.RoleLine,
				Msg: fmt.Sprintf("role: %q is neither a role ARN nor the logical ID or Terraform address of a role in the --iac input", conn.Role)}
		case len(roles) > 1:
			var where []string
			for _, r := range roles {
				where = append(where, fmt.Sprintf("%s:%d", r.Location.File, r.Location.Line))
			}
			return nil, nil, nil, nil, nil, &connector.Error{File: conn.File, Line: conn.RoleLine,
				Msg: fmt.Sprintf("role: %q names a role in several --iac stacks (%s); give the role's ARN, or check one stack at a time", conn.Role, strings.Join(where, ", "))}
		}
		resolved := *conn
		resolved.Role = roles[0].ARN
		conn = &resolved
	}
	var baseline map[string]bool
	if o.baseline != "" {
		if baseline, err = report.LoadBaseline(o.baseline); err != nil {
			return nil, nil, nil, nil, nil, err
		}
	}
	eng, err := engine.New()
	if err != nil {
		return nil, nil, nil, nil, nil, fmt.Errorf("loading the rules: %w", err)
	}
	fs, err = eng.Check(ctx, snap, conn)
	o.runNotes = engine.Notes(snap)
	if err != nil {
		return nil, nil, nil, nil, nil, fmt.Errorf("evaluating the rules: %w", err)
	}
	report.ApplyBaseline(fs, baseline)
	if o.format == "text" || o.explain != "" {
		if paths, err = engine.Paths(snap, conn); err != nil {
			return nil, nil, nil, nil, nil, err
		}
		if o.explain != "" && !slices.ContainsFunc(eng.Rules(), func(r findings.Rule) bool { return r.ID == o.explain }) {
			return nil, nil, nil, nil, nil, usagef("--explain: no rule %s (trailgate rules lists them)", o.explain)
		}
	}
	if n := len(snap.CollectionErrors); n > 0 {
		warnings = append(warnings, fmt.Sprintf("the snapshot records %d collection error(s): rules that needed the missing data could not prove it", n))
	}
	if n := len(snap.Unknowns); n > 0 {
		warnings = append(warnings, fmt.Sprintf("%d value(s) the IaC input does not determine (imports, parameters without a value, plan values known only after apply): rules that depend on them could not prove them", n))
	}
	return fs, eng.Rules(), paths, notes, warnings, nil
}

// malformedPolicies are the policies of the IaC input AWS would refuse;
// check prints one line per problem.
type malformedPolicies []authz.PolicyProblem

func (m malformedPolicies) Error() string {
	noun, it := "policy document", "it"
	if len(m) > 1 {
		noun, it = "policy documents", "them"
	}
	return fmt.Sprintf("%d malformed %s in the IaC input: AWS would refuse %s (MalformedPolicyDocument), so the deployment would fail", len(m), noun, it)
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
