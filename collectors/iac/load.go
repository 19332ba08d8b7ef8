package iac

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/trailgate/trailgate/collectors/cfn"
	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/jsondup"
	"github.com/trailgate/trailgate/collectors/orgformation"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/collectors/terraform"
)

// Options apply to every file loaded.
type Options struct {
	// Params are CloudFormation parameter values (--param KEY=VALUE),
	// including pseudo parameters such as AWS::AccountId.
	Params map[string]string
	// AccountID is the account of IaC that does not say; Accounts the
	// account of the files under a path (--account PATH=ID), the longest
	// path first. Without either, a template's account comes from its own
	// literal ARNs or stays a symbol (collectors/cfn), a plan's from its
	// aws_caller_identity data or stays a symbol: never an invented ID.
	AccountID string
	Accounts  []PathAccount
	// Region is the region of IaC that does not say (us-east-1).
	Region string
	// Conditions fix CloudFormation conditions a template leaves undecided
	// (cfn.Options.Conditions), applied to every template, so that a
	// caller can judge each branch of the ones Skipped.Undecided names.
	Conditions map[string]bool
	// TerraformConfigDir is the directory of the .tf files Terraform plans
	// were made from (--tf-dir); see terraform.Options.ConfigDir.
	TerraformConfigDir string
}

// PathAccount says that the IaC files under Path (a file or a directory)
// are deployed in account ID.
type PathAccount struct {
	Path, ID string
}

// accountFor is the account given for file: the ID of the longest Path
// holding it, else AccountID.
func (o *Options) accountFor(file string) string {
	best, id := -1, o.AccountID
	f := filepath.Clean(file)
	for _, a := range o.Accounts {
		p := filepath.Clean(a.Path)
		if (f == p || strings.HasPrefix(f, p+string(filepath.Separator)) || p == ".") && len(p) > best {
			best, id = len(p), a.ID
		}
	}
	return id
}

// DefaultRegion is the region of IaC that does not say, unless --region
// sets another.
const DefaultRegion = "us-east-1"

// Skipped is a file (or directory) a walk passed over, and why.
type Skipped struct {
	Path   string
	Reason string
	// Line is where in Path the fault is, for a Fault; 0 otherwise.
	Line int
	// Fault marks IaC that could not be judged (a malformed template or
	// plan met in a directory walk), as opposed to a file that is not IaC
	// at all: the rest of the walk is judged without it, and every caller
	// must report it (with --strict, `check` exits 2 for it).
	Fault bool
	// Undecided are the CloudFormation conditions a Fault hangs on
	// (cfn.Error.Undecided): judged with each of their values, through
	// Options.Conditions, the file resolves.
	Undecided []string
}

// String is PATH[:LINE]: REASON.
func (s Skipped) String() string { return snapshot.ErrorText(s.Path, s.Line, "", s.Reason) }

// Result is what Read found.
type Result struct {
	Snapshot *snapshot.Snapshot
	// Skipped are the files and directories passed over, sorted by path;
	// those with Fault set could not be judged.
	Skipped []Skipped
	// Warnings are doubts about the input that do not stop the run: near
	// misses of resource types, --param names no template declares.
	Warnings []snapshot.Warning
}

// Faults are the skipped files that could not be judged.
func (r *Result) Faults() []Skipped {
	var out []Skipped
	for _, s := range r.Skipped {
		if s.Fault {
			out = append(out, s)
		}
	}
	return out
}

// Error is input Load cannot use as a whole: a named file that is not IaC,
// a path that does not exist, or paths holding no IaC at all. Malformed
// IaC is reported with the collector's own error (*cfn.Error,
// *terraform.Error), which names the file and line.
type Error struct {
	Path string
	Msg  string
}

func (e *Error) Error() string { return e.Path + ": " + e.Msg }

// extensions a walk reads; anything else in a directory is skipped unread
// (plans are .json, templates .yaml, .yml, .json or .template).
var extensions = map[string]bool{".json": true, ".yaml": true, ".yml": true, ".template": true}

// file is one input chosen for parsing; named means the user gave it
// explicitly, so that not being IaC is an error rather than a skip.
type file struct {
	path  string
	named bool
	// scope names the file in its symbols (symbolScopes).
	scope string
}

// Load is Read for callers that need only the snapshot and the skipped
// files.
func Load(paths []string, opts Options) (*snapshot.Snapshot, []Skipped, error) {
	r, err := Read(paths, opts)
	if r == nil {
		return nil, nil, err
	}
	return r.Snapshot, r.Skipped, err
}

// Read reads every CloudFormation template and Terraform plan in paths
// (files, or directories walked recursively) and returns their merged
// snapshot with the files skipped and why. Files are taken in sorted path
// order, so that the result does not depend on the order of paths; where
// two files declare the same ARN, the later one wins.
//
// One bad file never hides the rest: a template or plan met in a
// directory walk that cannot be read is listed in Skipped as a Fault
// (file, line, why) and every other file is judged. A file named in paths
// is the user's explicit input, so its fault is the error, as is a walk in
// which no file at all could be read. On error the Result still holds
// what was skipped.
func Read(paths []string, opts Options) (*Result, error) {
	return ReadContext(context.Background(), paths, opts)
}

// ReadContext is Read ending with ctx.Err() once ctx ends: between the
// files of a walk and of the parse, and while reading a FIFO or device
// named as input.
func ReadContext(ctx context.Context, paths []string, opts Options) (*Result, error) {
	if opts.Region == "" {
		opts.Region = DefaultRegion
	}
	files, skipped, err := collect(ctx, paths)
	res := &Result{Skipped: skipped}
	if err != nil {
		return res, err
	}
	results := make([]result, len(files))
	scopes := symbolScopes(files)
	for i := range files {
		files[i].scope = scopes[i]
	}
	parseAll(ctx, files, opts, results)
	if err := ctx.Err(); err != nil {
		return res, err
	}
	var snaps []*snapshot.Snapshot
	var firstFault error
	declared := map[string]bool{}
	templates := 0
	for i, r := range results {
		switch {
		case r.err != nil && files[i].named:
			return res, r.err
		case r.err != nil:
			if firstFault == nil {
				firstFault = r.err
			}
			res.Skipped = append(res.Skipped, fault(files[i].path, r.err))
		case r.snap != nil:
			snaps = append(snaps, r.snap)
			res.Warnings = append(res.Warnings, r.warnings...)
			if r.template {
				templates++
				for _, p := range r.params {
					declared[p] = true
				}
			}
		case files[i].named:
			return res, &Error{Path: files[i].path, Msg: "neither a CloudFormation template nor a Terraform plan: " + r.skip}
		default:
			res.Skipped = append(res.Skipped, Skipped{Path: files[i].path, Reason: r.skip})
		}
	}
	slices.SortStableFunc(res.Skipped, func(x, y Skipped) int { return cmp.Compare(x.Path, y.Path) })
	if len(snaps) == 0 {
		if firstFault != nil {
			return res, firstFault
		}
		return res, &Error{Path: strings.Join(paths, ", "), Msg: "no CloudFormation template or Terraform plan found"}
	}
	if err := checkDuplicates(snaps); err != nil {
		return res, err
	}
	if templates > 0 {
		res.Warnings = append(res.Warnings, unusedParams(opts.Params, declared)...)
	}
	res.Snapshot = snapshot.MergeOwned(snaps...) // each parsed for this call alone
	return res, nil
}

// fault turns a collector's error into the Skipped entry that reports it.
func fault(path string, err error) Skipped {
	s := Skipped{Path: path, Reason: err.Error(), Fault: true}
	var ce *cfn.Error
	var te *terraform.Error
	var ie *Error
	switch {
	case errors.As(err, &ce):
		s.Line, s.Reason, s.Undecided = ce.Line, ce.Msg, ce.Undecided
	case errors.As(err, &te):
		s.Line, s.Reason = te.Line, te.Msg
		if te.Address != "" {
			s.Reason = te.Address + ": " + te.Msg
		}
	case errors.As(err, &ie):
		s.Reason = ie.Msg
	}
	return s
}

// unusedParams warns about --param names no template declares: one
// --param set applies to every template of a walk, so a name one template
// lacks is normal, but a name none declares is a typo or a leftover, and
// the value meant for it is not used.
func unusedParams(params map[string]string, declared map[string]bool) []snapshot.Warning {
	var out []snapshot.Warning
	all := slices.Sorted(maps.Keys(declared))
	for _, k := range slices.Sorted(maps.Keys(params)) {
		if declared[k] || strings.HasPrefix(k, "AWS::") {
			continue
		}
		msg := fmt.Sprintf("--param %s: no template declares a parameter %s, so its value is not used", k, k)
		if near := nearest(k, all); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		} else if len(all) > 0 && len(all) <= 20 {
			msg += " (declared: " + strings.Join(all, ", ") + ")"
		}
		out = append(out, snapshot.Warning{Msg: msg})
	}
	return out
}

// nearest is the declared name that differs from k only in case or by a
// character or two, or "".
func nearest(k string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(n, k) {
			return n
		}
	}
	for _, n := range names {
		if len(n) > 3 && editDistance(strings.ToLower(n), strings.ToLower(k)) <= 2 {
			return n
		}
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// collect expands paths into the sorted, de-duplicated files to read.
func collect(ctx context.Context, paths []string) ([]file, []Skipped, error) {
	seen := map[string]int{}
	var files []file
	var skipped []Skipped
	add := func(p string, named bool) {
		key := filepath.Clean(p)
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if i, ok := seen[key]; ok {
			files[i].named = files[i].named || named
			return
		}
		seen[key] = len(files)
		files = append(files, file{path: p, named: named})
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, nil, &Error{Path: root, Msg: "cannot read: " + cause(err)}
		}
		if !info.IsDir() {
			add(root, true)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err != nil {
				return &Error{Path: p, Msg: "cannot read: " + err.Error()}
			}
			name := d.Name()
			if d.IsDir() {
				if p != root && strings.HasPrefix(name, ".") {
					// .terraform holds provider binaries and module
					// copies, .git history: neither is the change.
					skipped = append(skipped, Skipped{Path: p, Reason: "hidden directory"})
					return filepath.SkipDir
				}
				if p != root && name == "node_modules" {
					// A CDK or Serverless project's dependencies: thousands
					// of package.json files, never the change.
					skipped = append(skipped, Skipped{Path: p, Reason: "dependencies directory"})
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
					skipped = append(skipped, Skipped{Path: p, Reason: "symbolic link to something other than a file"})
					return nil
				}
			} else if !d.Type().IsRegular() {
				skipped = append(skipped, Skipped{Path: p, Reason: "not a regular file"})
				return nil
			}
			ext := strings.ToLower(filepath.Ext(name))
			if !extensions[ext] {
				skipped = append(skipped, Skipped{Path: p, Reason: extensionReason(name, ext)})
				return nil
			}
			add(p, false)
			return nil
		})
		if err != nil {
			return nil, skipped, err
		}
	}
	slices.SortStableFunc(files, func(x, y file) int { return cmp.Compare(x.path, y.path) })
	return files, skipped, nil
}

func extensionReason(name, ext string) string {
	switch {
	case ext == ".tf" || ext == ".hcl":
		return "Terraform configuration, not a plan: pass the output of `terraform show -json PLANFILE`"
	case ext == ".tfplan" || strings.HasSuffix(name, ".plan"):
		return "binary Terraform plan: pass the output of `terraform show -json " + name + "`"
	case ext == "":
		return "no extension (templates are .yaml, .yml, .json or .template; plans .json)"
	}
	return "extension " + ext + " is not read (templates are .yaml, .yml, .json or .template; plans .json)"
}

type result struct {
	snap *snapshot.Snapshot
	skip string
	err  error
	// template: a CloudFormation template, whose declared parameters
	// params are; warnings are the collector's.
	template bool
	params   []string
	warnings []snapshot.Warning
}

// parseAll parses the files on GOMAXPROCS workers; results keep the order
// of files, so the merge is deterministic.
func parseAll(ctx context.Context, files []file, opts Options, results []result) {
	workers := min(runtime.GOMAXPROCS(0), len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					continue // ReadContext returns ctx.Err()
				}
				results[i] = parseFile(ctx, files[i], opts)
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
}

// maxFileBytes bounds what is read into memory: the larger of the two
// collectors' limits (Terraform plans may be large; templates are refused
// past 1 MB by the CloudFormation collector itself).
const maxFileBytes = terraform.DefaultMaxBytes

func parseFile(ctx context.Context, in file, opts Options) result {
	path, named := in.path, in.named
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() && !st.IsDir() {
		// A FIFO or device named as input (a walk skips them): read it
		// as a stream, bounded and ending with ctx.
		data, err := fileio.ReadFile(ctx, path, maxFileBytes, "a template or plan")
		if err != nil {
			return result{err: &Error{Path: path, Msg: "cannot read: " + cause(err)}}
		}
		return parseData(in, data, opts)
	}
	f, err := os.Open(path)
	if err != nil {
		return result{err: &Error{Path: path, Msg: "cannot read: " + cause(err)}}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return result{err: &Error{Path: path, Msg: "cannot read: " + err.Error()}}
	}
	if st.Size() > maxFileBytes {
		// Too large to read whole: an error if its head says it is IaC
		// (or the user named it), a skip otherwise.
		head := make([]byte, 64<<10)
		n, _ := io.ReadFull(f, head)
		if named || looksLikePlan(head[:n]) || looksLikeTemplate(head[:n]) {
			return result{err: &Error{Path: path, Msg: fmt.Sprintf("%d bytes, more than the %d accepted", st.Size(), maxFileBytes)}}
		}
		return result{skip: fmt.Sprintf("%d bytes, more than the %d read, and its start is not IaC", st.Size(), maxFileBytes)}
	}
	data := make([]byte, st.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return result{err: &Error{Path: path, Msg: "cannot read: " + err.Error()}}
	}
	return parseData(in, data, opts)
}

// parseData parses a file's content as the IaC kind it holds, or says
// what it is instead.
func parseData(in file, data []byte, opts Options) result {
	path := in.path
	switch {
	case terraform.Detect(data):
		s, err := terraform.Parse(path, data, terraform.Options{AccountID: opts.accountFor(path), Region: opts.Region, SymbolScope: in.scope, ConfigDir: opts.TerraformConfigDir})
		return result{snap: s, err: err, warnings: planWarnings(path, data, err)}
	case orgformation.Detect(data):
		// An org-formation template or organization file: one stack per
		// bound account and Region.
		r, err := orgformation.Read(path, data, cfn.Options{Params: opts.Params, AccountID: opts.accountFor(path), Region: opts.Region, SymbolScope: in.scope})
		if err != nil {
			return result{err: err}
		}
		return result{snap: r.Snapshot, template: true, params: r.Parameters, warnings: r.Warnings}
	case looksLikeTemplate(data) || cfn.Detect(data):
		// A template too broken to detect still says what it meant to
		// be; its parser names the file and line of the fault. The cheap
		// keyword test goes first: it spares nearly every template a
		// second YAML parse.
		r, err := cfn.Read(path, data, cfn.Options{Params: opts.Params, AccountID: opts.accountFor(path), Region: opts.Region, SymbolScope: in.scope, Conditions: opts.Conditions})
		if err != nil {
			return result{err: err}
		}
		return result{snap: r.Snapshot, template: true, params: r.Parameters, warnings: r.Warnings}
	case looksLikePlan(data):
		s, err := terraform.Parse(path, data, terraform.Options{AccountID: opts.accountFor(path), Region: opts.Region, SymbolScope: in.scope, ConfigDir: opts.TerraformConfigDir})
		return result{snap: s, err: err, warnings: planWarnings(path, data, err)}
	}
	return result{skip: whatIsIt(data)}
}

// looksLikeTemplate and looksLikePlan recognise malformed IaC by its
// keywords, so that it is reported as an error instead of skipped.
func looksLikeTemplate(data []byte) bool {
	return bytes.Contains(data, []byte("AWSTemplateFormatVersion")) ||
		bytes.Contains(data, []byte("Resources")) && bytes.Contains(data, []byte("AWS::"))
}

func looksLikePlan(data []byte) bool {
	return bytes.Contains(data, []byte(`"format_version"`)) &&
		(bytes.Contains(data, []byte(`"planned_values"`)) || bytes.Contains(data, []byte(`"resource_changes"`)))
}

// whatIsIt names a JSON or YAML file that is neither IaC kind, so that
// --verbose can say what it saw.
func whatIsIt(data []byte) string {
	d := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\ufeff")))
	switch {
	case len(d) == 0:
		return "empty file"
	case bytes.Contains(d, []byte(`"format_version"`)) && bytes.Contains(d, []byte(`"values"`)) && !bytes.Contains(d, []byte(`"planned_values"`)):
		return "Terraform state, not a plan"
	case bytes.Contains(d, []byte(`"schema_version"`)) && bytes.Contains(d, []byte(`"accounts"`)):
		return "a trailgate snapshot: pass it with --snapshot"
	case d[0] == '{' || d[0] == '[':
		return "JSON without CloudFormation Resources or Terraform plan keys"
	}
	return "no CloudFormation Resources (AWS:: types) and not a Terraform plan"
}

// cause drops the operation and path an *fs.PathError repeats.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// symbolScopes names each file in its symbols (snapshot.Symbol) by the
// shortest trailing part of its path no other file shares: "template.yaml"
// alone, "dev/template.yaml" beside "prod/template.yaml". Findings then
// name a generated value briefly, and two copies of a stack stay apart.
func symbolScopes(files []file) []string {
	parts := make([][]string, len(files))
	for i, f := range files {
		parts[i] = strings.Split(filepath.ToSlash(filepath.Clean(f.path)), "/")
	}
	out := make([]string, len(files))
	for i := range files {
		for n := 1; n <= len(parts[i]); n++ {
			suffix := strings.Join(parts[i][len(parts[i])-n:], "/")
			unique := true
			for j := range files {
				if j != i && (strings.HasSuffix(strings.Join(parts[j], "/"), "/"+suffix) || strings.Join(parts[j], "/") == suffix) {
					unique = false
					break
				}
			}
			if unique || n == len(parts[i]) {
				out[i] = suffix
				break
			}
		}
	}
	return out
}

// Reads reports whether a walk of a directory holding path would read it
// as IaC (a template or plan, well-formed or not), so that a command can
// refuse to overwrite an input it found by walking.
func Reads(path string) bool {
	if !extensions[strings.ToLower(filepath.Ext(path))] {
		return false
	}
	r := parseFile(context.Background(), file{path: path, scope: filepath.Base(path)}, Options{Region: DefaultRegion})
	return r.skip == ""
}

// planWarnings warns about a duplicate key in a plan that parsed: Terraform
// never writes one, so the file was edited by hand, and of the two values
// the last is the one judged (JSON leaves the choice to each parser).
func planWarnings(path string, data []byte, err error) []snapshot.Warning {
	if err != nil {
		return nil
	}
	d, ok := jsondup.First(data)
	if !ok {
		return nil
	}
	return []snapshot.Warning{{File: path, Line: snapshot.LineAt(data, d.Offset),
		Msg: fmt.Sprintf("duplicate key %s: the last value is the one judged (Terraform never writes duplicates: was the plan edited?)", strings.Join(d.Path, "."))}}
}
