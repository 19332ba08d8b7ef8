package check

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/engine"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/remedy"
	"github.com/trailgate/trailgate/analyzer/report"
	"github.com/trailgate/trailgate/collectors/cfn"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/iac"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Input is what one run checks. At least a snapshot or one IaC path is
// needed.
type Input struct {
	// SnapshotFile is a file written by trailgate collect; or give the
	// snapshot in memory with SnapshotName and SnapshotData (demo).
	SnapshotFile string
	SnapshotName string
	SnapshotData []byte

	// IaC are CloudFormation templates, Terraform plans or directories of
	// them, laid over the snapshot (same ARN, IaC wins).
	IaC []string
	// Params are CloudFormation parameters as KEY=VALUE.
	Params []string
	// Accounts give the account of IaC that does not say: an account ID
	// for every file, or PATH=ID for the files under PATH. Without one the
	// account comes from the input itself (iac.AdoptAccount) or stays a
	// symbol; none is ever invented.
	Accounts []string
	// Region stands for the region IaC does not say (iac.DefaultRegion
	// when empty).
	Region string
	// TerraformConfigDir is the directory of the .tf files the Terraform
	// plans were made from (--tf-dir), so that their findings point at the
	// resource blocks.
	TerraformConfigDir string
	// Verbose lists each file an IaC directory walk skipped in Notes;
	// otherwise Notes gives their number.
	Verbose bool

	// ConnectorFile is the connector file; or ConnectorName and
	// ConnectorData in memory.
	ConnectorFile string
	ConnectorName string
	ConnectorData []byte

	// Baseline is an earlier JSON or SARIF result: findings already in it
	// are marked Baselined.
	Baseline string

	// Explain, a rule ID, must name a loaded rule.
	Explain string

	// Engine evaluates the rules; nil loads the embedded rules. Tests that
	// run many inputs share one.
	Engine *engine.Engine

	// conditions fix CloudFormation conditions the IaC leaves undecided:
	// one branch of Run. With oneBranch, a template that hangs on
	// undecided conditions is the fault it was before Run judged branches.
	conditions map[string]bool
	oneBranch  bool
}

// Result is what a run found.
type Result struct {
	// Findings are sorted, with fingerprints and baseline marks.
	Findings []findings.Finding
	// Rules are the loaded rules, sorted by ID.
	Rules []findings.Rule
	// Paths are the delivery paths the rules judged, sorted by ID, each hop
	// with the fingerprints of the findings that explain it.
	Paths []datapath.Path
	// Notes say what the run passed over (files an IaC walk skipped, each
	// file it could not judge).
	Notes []string
	// Unjudged are the IaC files a directory walk could not judge (a
	// malformed template) while it judged the rest.
	Unjudged []report.Unjudged
	// NotModeled counts the input's resources of types a rule would need
	// that trailgate does not model, per type (snapshot.NotModeled).
	NotModeled []report.NotModeled
	// Warnings say what the run could not prove.
	Warnings []string
	// Sensitive are the input's secret values (Terraform's sensitive
	// attributes): writers of the result redact them (report.Redact).
	Sensitive []string
	// ReportNotes say once, in the report itself, what the whole check
	// could not cover (engine.Notes: "SCPs and RCPs were not given").
	ReportNotes []string
	// ResourceLines map the resource IDs findings name to the line of the
	// resource's object in the snapshot (snapshot.ResourceLines), for the
	// writers that place every finding in a file (SARIF).
	ResourceLines map[string]int
	// Locations map the resource IDs hops name to where the IaC input
	// declares them (engine.HopLocations), for the writers
	// that place each hop of a path (SARIF codeFlows).
	Locations map[string]findings.Location
}

// InputError is bad input from the user (a flag value, a connector that
// names no role): the command maps it to exit status 2, as it does every
// error of Run.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func inputErrorf(format string, args ...any) error {
	return &InputError{Msg: fmt.Sprintf(format, args...)}
}

// MalformedPolicies are the policies of the IaC input AWS would refuse.
type MalformedPolicies []authz.PolicyProblem

func (m MalformedPolicies) Error() string {
	noun, it := "policy document", "it"
	if len(m) > 1 {
		noun, it = "policy documents", "them"
	}
	return fmt.Sprintf("%d malformed %s in the IaC input: AWS would refuse %s (MalformedPolicyDocument), so the deployment would fail", len(m), noun, it)
}

// runOnce checks in with the conditions in.conditions fixed (Run).
func runOnce(ctx context.Context, in Input) (*Result, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	res := &Result{}
	snap, err := in.loadSnapshot(ctx, res)
	if err != nil {
		return nil, err
	}
	if snap, err = in.loadIaC(ctx, snap, res); err != nil {
		return nil, err
	}
	if snap != nil {
		res.Sensitive = snap.Sensitive
	}
	// A policy AWS would refuse is bad input when it is written in the IaC
	// (the deploy would fail: judging the rest as deployed would judge a
	// fiction). A collected one AWS did accept, so where the evaluator
	// disagrees the audit goes on, saying so; the index answers as it does
	// for any malformed document.
	// The index parses every document once: its problems are what Validate
	// reports, and the same index answers the paths and the rules.
	ix, err := authz.NewIndex(snap)
	if err != nil {
		return nil, fmt.Errorf("indexing the snapshot: %w", err)
	}
	var bad MalformedPolicies
	for _, p := range ix.Problems() {
		if p.FromIaC() {
			bad = append(bad, p)
			continue
		}
		res.Warnings = append(res.Warnings, fmt.Sprintf("the collected %s, which AWS accepted, does not parse here (%s): answers that depend on it take it as granting nothing", p.Policy, p.Detail()))
	}
	if len(bad) > 0 {
		return nil, bad
	}
	conn, err := in.loadConnector(ctx, snap)
	if err != nil {
		return nil, err
	}
	var baseline map[string]bool
	if in.Baseline != "" {
		if baseline, err = fileio.Load(ctx, in.Baseline, fileio.MaxResultBytes, "a baseline result", warnDuplicates(report.ParseBaseline, &res.Warnings)); err != nil {
			return nil, err
		}
	}
	eng := in.Engine
	if eng == nil {
		if eng, err = engine.New(); err != nil {
			return nil, fmt.Errorf("loading the rules: %w", err)
		}
	}
	res.Rules = eng.Rules()
	if in.Explain != "" && !slices.ContainsFunc(res.Rules, func(r findings.Rule) bool { return r.ID == in.Explain }) {
		return nil, inputErrorf("--explain: no rule %s (trailgate rules lists them)", in.Explain)
	}
	subject, err := engine.NewSubject(snap, conn, ix)
	if err != nil {
		return nil, err
	}
	forgetPolicyText(snap)
	if res.Findings, err = eng.Judge(ctx, subject); err != nil {
		return nil, fmt.Errorf("evaluating the rules: %w", err)
	}
	res.ReportNotes = engine.Notes(snap)
	res.Locations = make(map[string]findings.Location, len(subject.HopLocations))
	for id, l := range subject.HopLocations {
		res.Locations[id] = findings.Location{File: l.File, Line: l.Line}
	}
	report.ApplyBaseline(res.Findings, baseline)
	// IaC findings say their fix in the input's own language.
	remedy.Apply(res.Findings, os.ReadFile)
	hops := map[string][]datapath.HopKind{}
	for _, r := range res.Rules {
		for _, h := range r.Hops {
			hops[r.ID] = append(hops[r.ID], datapath.HopKind(h))
		}
	}
	res.Paths = datapath.Attribute(subject.Paths, res.Findings, hops)
	maskExternalID(res, conn)
	if n := len(snap.CollectionErrors); n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("the snapshot records %d collection error(s): rules that needed the missing data could not prove it", n))
	}
	if n := len(snap.Unknowns); n > 0 {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d value(s) the IaC input does not determine (imports, parameters without a value, plan values known only after apply): rules that depend on them could not prove them", n))
	}
	return res, nil
}

func (in *Input) validate() error {
	if in.SnapshotFile != "" && in.SnapshotData != nil {
		return inputErrorf("give the snapshot as a file or in memory, not both")
	}
	if in.SnapshotFile == "" && len(in.IaC) == 0 && in.SnapshotData == nil {
		return inputErrorf("nothing to check: give --snapshot FILE and/or --iac PATH")
	}
	if len(in.IaC) == 0 {
		return nil
	}
	if in.Region == "" {
		in.Region = iac.DefaultRegion
	}
	for _, p := range in.Params {
		if k, _, ok := strings.Cut(p, "="); !ok || k == "" {
			return inputErrorf("--param %q: want KEY=VALUE", p)
		}
	}
	for _, a := range in.Accounts {
		path, id, scoped := strings.Cut(a, "=")
		if !scoped {
			id = path
		}
		if !snapshot.IsAccountID(id) || scoped && path == "" {
			return inputErrorf("--account: want a 12-digit account ID or PATH=ID; got %q", a)
		}
	}
	if !snapshot.IsRegion(in.Region) {
		return inputErrorf("--region: want an AWS region such as us-east-1; got %q", in.Region)
	}
	return nil
}

// loadSnapshot reads the snapshot, bounded in size and ending with ctx (a
// FIFO with no writer, Ctrl-C), and keeps, in res, the line of each
// resource's object in it (for SARIF's placement of findings).
func (in *Input) loadSnapshot(ctx context.Context, res *Result) (*snapshot.Snapshot, error) {
	parse := func(name string, data []byte) (*snapshot.Snapshot, error) {
		s, err := snapshot.Parse(name, data)
		if err == nil {
			res.ResourceLines = snapshot.ResourceLines(data)
		}
		return s, err
	}
	switch {
	case in.SnapshotData != nil:
		return parse(in.SnapshotName, in.SnapshotData)
	case in.SnapshotFile != "":
		return fileio.Load(ctx, in.SnapshotFile, fileio.MaxSnapshotBytes, "a snapshot", warnDuplicates(parse, &res.Warnings))
	}
	return nil, nil
}

// loadIaC reads the IaC paths and lays them over snap (the live snapshot,
// or nil): same ARN, IaC wins, so a change is judged against the live SCPs,
// keys and roles it will meet. It accounts in res for the files a
// directory walk passed over: with Verbose each one and why, otherwise
// their number, so that a template with an unexpected extension is never
// silently left unchecked, yet a repository walk does not repeat its
// README and node_modules on every run. Files that are IaC but could not
// be judged are always named (Notes and Unjudged); the collectors' doubts
// are Warnings.
func (in *Input) loadIaC(ctx context.Context, snap *snapshot.Snapshot, res *Result) (*snapshot.Snapshot, error) {
	if len(in.IaC) == 0 {
		return snap, nil
	}
	params := map[string]string{}
	for _, p := range in.Params {
		k, v, _ := strings.Cut(p, "=")
		if _, dup := params[k]; dup {
			return nil, inputErrorf("--param %s given twice", k)
		}
		params[k] = v
	}
	opts := iac.Options{Params: params, Region: in.Region, Conditions: in.conditions, TerraformConfigDir: in.TerraformConfigDir}
	for _, a := range in.Accounts {
		if path, id, scoped := strings.Cut(a, "="); scoped {
			opts.Accounts = append(opts.Accounts, iac.PathAccount{Path: path, ID: id})
		} else {
			opts.AccountID = a
		}
	}
	read, err := iac.ReadContext(ctx, in.IaC, opts)
	var ce *cfn.Error
	if errors.As(err, &ce) && len(ce.Undecided) > 0 && !in.oneBranch {
		return nil, &undecidedError{conds: ce.Undecided, err: err}
	}
	if err != nil {
		return nil, err
	}
	for _, s := range read.Skipped {
		if len(s.Undecided) > 0 && !in.oneBranch {
			return nil, &undecidedError{conds: s.Undecided, err: &cfn.Error{File: s.Path, Line: s.Line, Msg: s.Reason, Undecided: s.Undecided}}
		}
	}
	overlay, err := iac.AdoptAccount(read.Snapshot, snap)
	if err != nil {
		return nil, err
	}
	var others []iac.Skipped
	for _, s := range read.Skipped {
		if !s.Fault {
			others = append(others, s)
			continue
		}
		res.Unjudged = append(res.Unjudged, report.Unjudged{File: s.Path, Line: s.Line, Reason: s.Reason})
		res.Notes = append(res.Notes, "not judged: "+s.String())
	}
	res.Notes = append(res.Notes, skipNotes(others, in.Verbose)...)
	for _, w := range read.Warnings {
		res.Warnings = append(res.Warnings, w.String())
	}
	// With no live snapshot the IaC one is this check's own (iac.Read
	// built it, merged and sorted, for this call alone): Overlay's
	// defensive copy of it was a JSON round trip of the whole snapshot,
	// 5% of a check of 300 stacks.
	merged := overlay
	if snap != nil {
		merged = snapshot.Overlay(snap, overlay)
	}
	if merged != nil {
		for _, n := range merged.NotModeled {
			res.NotModeled = append(res.NotModeled, report.NotModeled{Type: n.Type, Count: n.Count})
		}
	}
	return merged, nil
}

// skipNotes spells what a walk skipped: one line per file with verbose,
// else one summary line (none when nothing was skipped).
func skipNotes(skipped []iac.Skipped, verbose bool) []string {
	if len(skipped) == 0 {
		return nil
	}
	if !verbose {
		noun := "files"
		if len(skipped) == 1 {
			noun = "file"
		}
		return []string{fmt.Sprintf("%d %s skipped (use --verbose to list them)", len(skipped), noun)}
	}
	notes := make([]string, len(skipped))
	for i, s := range skipped {
		notes[i] = fmt.Sprintf("skipped %s: %s", s.Path, s.Reason)
	}
	return notes
}

// loadConnector reads the connector file and resolves a role named by
// logical ID or Terraform address to its ARN, once, before the rules run.
func (in *Input) loadConnector(ctx context.Context, snap *snapshot.Snapshot) (*connector.Connector, error) {
	var conn *connector.Connector
	var err error
	switch {
	case in.ConnectorData != nil:
		conn, err = connector.Parse(in.ConnectorName, in.ConnectorData)
	case in.ConnectorFile != "":
		conn, err = fileio.Load(ctx, in.ConnectorFile, fileio.MaxConnectorBytes, "a connector file", connector.Parse)
	}
	if err != nil || conn == nil {
		return conn, err
	}
	// The contract lets IaC users name a role (role, queue_role,
	// object_role) by logical ID or Terraform address; every rule reasons
	// about ARNs, so each is resolved once here.
	resolved := *conn
	for _, r := range resolved.RoleRefs() {
		if connector.IsARN(*r.Value) {
			continue
		}
		if len(in.IaC) == 0 {
			// A logical ID or Terraform address names a role only in the
			// IaC that declares it; against a snapshot alone every
			// question about it would be about no role at all.
			return nil, &connector.Error{File: conn.File, Line: r.Line,
				Msg: fmt.Sprintf("%s: %q is not a role ARN (arn:aws:iam::ACCOUNT:role/NAME); a logical ID or Terraform address needs the --iac input that declares it", r.Key, *r.Value)}
		}
		if r.Key == "role" && resolved.Basic() {
			// SkyFormation "Basic": role names the IAM user whose
			// access key the connector signs with.
			if users := snap.UsersByAddress(*r.Value); len(users) == 1 {
				*r.Value = users[0].ARN
				continue
			}
		}
		roles := snap.RolesByAddress(*r.Value)
		switch {
		case len(roles) == 0:
			return nil, &connector.Error{File: conn.File, Line: r.Line,
				Msg: fmt.Sprintf("%s: %q is neither a role ARN nor the logical ID or Terraform address of a role in the --iac input", r.Key, *r.Value)}
		case len(roles) > 1:
			var where []string
			for _, x := range roles {
				where = append(where, fmt.Sprintf("%s:%d", x.Location.File, x.Location.Line))
			}
			return nil, &connector.Error{File: conn.File, Line: r.Line,
				Msg: fmt.Sprintf("%s: %q names a role in several --iac stacks (%s); give the role's ARN, or check one stack at a time", r.Key, *r.Value, strings.Join(where, ", "))}
		}
		*r.Value = roles[0].ARN
	}
	return &resolved, nil
}
