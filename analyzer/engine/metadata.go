package engine

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/collectors/smoke"
	"github.com/trailgate/trailgate/collectors/snapshot"
	policyfs "github.com/trailgate/trailgate/rego"
	"github.com/trailgate/trailgate/rego/profiles"
)

// Areas are the parts of the pipeline a rule is about, from the
// organization to the reader: a rule's file is in rules/<area>/.
var Areas = []string{"org", "trail", "guardduty", "bucket", "notification", "topic", "queue", "kms", "identity", "eks", "cloudwatch", "eventbridge", "redshift"}

// Policy is the set of Rego modules loaded from an embedded tree, split
// into the rules (with their decoded descriptors), the shared library and
// the tests.
type Policy struct {
	Rules   []findings.Rule
	Modules map[string]*ast.Module // rules and lib, by file name
	Tests   map[string]*ast.Module // *_test.rego, by file name
	// rulePackages maps "ct02" (the last package segment) to its rule.
	rulePackages map[string]findings.Rule
}

// LoadError lists every problem found in the rule tree; the build fails on
// any (TestRulesValid).
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string {
	return "invalid rules:\n  " + strings.Join(e.Problems, "\n  ")
}

var packageRe = regexp.MustCompile(`^data\.trailgate\.rules\.([a-z0-9]+)$`)

// LoadPolicy reads catalog_ids.txt, lib/ and rules/ from fsys, parses every
// module with its annotations, decodes each rule's package METADATA into a
// findings.Rule and validates it: unique ID, ID listed in the catalog,
// package named after the ID, file under rules/<hop>/<id>_*.rego, severity
// from the fixed list, non-empty title, description and remediation, a
// deny rule, and a _test.rego beside it. It parses the *_test.rego modules
// too (Policy.Tests), for the Rego test runner and the meta-tests.
func LoadPolicy(fsys fs.FS) (*Policy, error) { return loadPolicy(fsys, true) }

// Rules decodes the embedded rules' METADATA (validated as LoadPolicy
// does) without compiling them: the catalog for commands that judge
// nothing, such as smoke naming the rule behind a symptom.
func Rules() ([]findings.Rule, error) {
	p, err := loadPolicy(policyfs.FS, false)
	if err != nil {
		return nil, err
	}
	return p.Rules, nil
}

// SmokeRule returns the rule ID that explains each smoke symptom, from the
// rules' METADATA custom.smoke.
func SmokeRule(rules []findings.Rule) func(smoke.Symptom) string {
	m := map[smoke.Symptom]string{}
	for _, r := range rules {
		for _, sy := range r.Smoke {
			m[smoke.Symptom(sy)] = r.ID
		}
	}
	return func(s smoke.Symptom) string { return m[s] }
}

// loadPolicy is LoadPolicy; without tests it leaves Policy.Tests empty.
// New loads without them: checking never runs a Rego test, and parsing
// them cost about as much as parsing the rules. A rule still needs its
// _test.rego beside it, which the file names alone show.
func loadPolicy(fsys fs.FS, tests bool) (*Policy, error) {
	catalog, err := CatalogIDs(fsys)
	if err != nil {
		return nil, err
	}
	p := &Policy{Modules: map[string]*ast.Module{}, Tests: map[string]*ast.Module{}, rulePackages: map[string]findings.Rule{}}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	files := map[string]bool{}
	var parse []string // in WalkDir's lexical order, so that problems are listed in a stable order
	err = fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(name, ".rego") {
			return nil
		}
		files[name] = true
		if tests || !strings.HasSuffix(name, "_test.rego") {
			parse = append(parse, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	parsed, err := parseModules(fsys, parse)
	if err != nil {
		return nil, err
	}
	for i, name := range parse {
		if parsed[i].err != nil {
			bad("%v", parsed[i].err)
			continue
		}
		if strings.HasSuffix(name, "_test.rego") {
			p.Tests[name] = parsed[i].module
		} else {
			p.Modules[name] = parsed[i].module
		}
	}
	seen := map[string]string{}
	explains := map[string]string{} // smoke symptom → the rule that explains it
	for _, name := range slices.Sorted(maps.Keys(p.Modules)) {
		m := p.Modules[name]
		if strings.HasPrefix(name, "lib/") {
			continue
		}
		if !strings.HasPrefix(name, "rules/") {
			bad("%s: a module outside rules/ and lib/", name)
			continue
		}
		r, errs := describe(name, m, catalog)
		for _, e := range errs {
			bad("%s: %s", name, e)
		}
		if r.ID == "" {
			continue
		}
		if prev, dup := seen[r.ID]; dup {
			bad("%s: rule ID %s already used by %s", name, r.ID, prev)
			continue
		}
		seen[r.ID] = name
		for _, sy := range r.Smoke {
			if prev, dup := explains[sy]; dup {
				bad("%s: smoke symptom %s already explained by %s", name, sy, prev)
			}
			explains[sy] = r.ID
		}
		if !files[strings.TrimSuffix(name, ".rego")+"_test.rego"] {
			bad("%s: no %s beside it", name, path.Base(strings.TrimSuffix(name, ".rego")+"_test.rego"))
		}
		p.Rules = append(p.Rules, r)
		p.rulePackages[strings.ToLower(r.ID)] = r
	}
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	slices.SortFunc(p.Rules, func(x, y findings.Rule) int { return cmp.Compare(x.ID, y.ID) })
	acts := profiles.RuleActions()
	for i, r := range p.Rules {
		p.Rules[i].Needed, p.Rules[i].Recommended, p.Rules[i].NeededBy = acts[r.ID].Needed, acts[r.ID].Recommended, acts[r.ID].NeededBy
	}
	return p, nil
}

type parsedModule struct {
	module *ast.Module
	err    error // a syntax error, reported as a problem of the tree
}

// parseModules parses the named modules on every CPU: parsing is most of
// the start-up of a check after compiling, and modules parse independently.
// The result is in the order of names; an error is one reading fsys.
func parseModules(fsys fs.FS, names []string) ([]parsedModule, error) {
	out := make([]parsedModule, len(names))
	readErrs := make([]error, len(names))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(names)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(names) {
					return
				}
				src, err := fs.ReadFile(fsys, names[i])
				if err != nil {
					readErrs[i] = err
					continue
				}
				out[i].module, out[i].err = ast.ParseModuleWithOpts(names[i], string(src), ast.ParserOptions{ProcessAnnotation: true, RegoVersion: ast.RegoV1})
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(readErrs...); err != nil {
		return nil, err
	}
	return out, nil
}

// describe decodes and checks one rule module's METADATA.
func describe(name string, m *ast.Module, catalog map[string]bool) (findings.Rule, []string) {
	var errs []string
	var r findings.Rule
	pkg := packageRe.FindStringSubmatch(m.Package.Path.String())
	if pkg == nil {
		return r, []string{fmt.Sprintf("package %s is not trailgate.rules.<id>", strings.TrimPrefix(m.Package.Path.String(), "data."))}
	}
	var ann *ast.Annotations
	for _, a := range m.Annotations {
		if a.Scope == "package" {
			ann = a
		}
	}
	if ann == nil {
		return r, []string{"no package-scope # METADATA block"}
	}
	str := func(key string) string {
		v, ok := ann.Custom[key]
		if !ok {
			errs = append(errs, fmt.Sprintf("METADATA custom.%s missing", key))
			return ""
		}
		s, ok := v.(string)
		if !ok {
			errs = append(errs, fmt.Sprintf("METADATA custom.%s must be a string", key))
		}
		return strings.TrimSpace(s)
	}
	r.ID = str("id")
	if sev := str("severity"); sev != "" {
		var err error
		if r.Severity, err = findings.ParseSeverity(sev); err != nil {
			errs = append(errs, err.Error())
		}
	}
	r.Area = str("area")
	r.Remediation = str("remediation")
	r.Hops = strs(ann.Custom, "hops", &errs)
	r.Reads = strs(ann.Custom, "reads", &errs)
	if _, ok := ann.Custom["smoke"]; ok { // optional: most rules explain no smoke symptom
		r.Smoke = strs(ann.Custom, "smoke", &errs)
	}
	r.Title = strings.TrimSpace(ann.Title)
	r.Description = strings.TrimSpace(ann.Description)
	for _, rr := range ann.RelatedResources {
		r.RelatedResources = append(r.RelatedResources, rr.Ref.String())
	}
	for k := range ann.Custom {
		switch k {
		case "id", "severity", "area", "hops", "reads", "smoke", "remediation":
		default:
			errs = append(errs, fmt.Sprintf("METADATA custom.%s is not a known field (id, severity, area, hops, reads, smoke, remediation)", k))
		}
	}
	switch {
	case r.ID == "":
	case !catalog[r.ID]:
		errs = append(errs, fmt.Sprintf("rule ID %q is not in the catalog (rego/catalog_ids.txt)", r.ID))
	case strings.ToLower(r.ID) != pkg[1]:
		errs = append(errs, fmt.Sprintf("package trailgate.rules.%s does not match rule ID %s (want trailgate.rules.%s)", pkg[1], r.ID, strings.ToLower(r.ID)))
	}
	if r.Title == "" {
		errs = append(errs, "METADATA title is empty")
	}
	if r.Description == "" {
		errs = append(errs, "METADATA description is empty")
	}
	if r.Area != "" && !slices.Contains(Areas, r.Area) {
		errs = append(errs, fmt.Sprintf("area %q is not one of %s", r.Area, strings.Join(Areas, ", ")))
	}
	if r.Area != "" && r.ID != "" {
		dir, file := path.Split(name)
		if dir != "rules/"+r.Area+"/" || !strings.HasPrefix(file, strings.ToLower(r.ID)+"_") {
			errs = append(errs, fmt.Sprintf("file must be rules/%s/%s_<name>.rego", r.Area, strings.ToLower(r.ID)))
		}
	}
	for _, h := range r.Hops {
		if !datapath.IsHopKind(h) {
			errs = append(errs, fmt.Sprintf("hops: %q is not a hop kind (%v)", h, datapath.HopKinds))
		}
	}
	for _, rd := range r.Reads {
		if !slices.Contains(snapshot.Reads, rd) {
			errs = append(errs, fmt.Sprintf("reads: %q is not a read the collectors make (snapshot.Reads)", rd))
		}
	}
	for _, sy := range r.Smoke {
		if !slices.Contains(smoke.Symptoms, smoke.Symptom(sy)) {
			errs = append(errs, fmt.Sprintf("smoke: %q is not a smoke-test symptom (smoke.Symptoms)", sy))
		}
	}
	hasDeny := false
	for _, rule := range m.Rules {
		if rule.Head.Name.String() == "deny" || (len(rule.Head.Reference) > 0 && rule.Head.Reference[0].Value.Compare(ast.Var("deny")) == 0) {
			hasDeny = true
		}
	}
	if !hasDeny {
		errs = append(errs, "no deny rule")
	}
	return r, errs
}

// strs decodes custom[key], a list of strings (missing: an error; [] is
// valid).
func strs(custom map[string]any, key string, errs *[]string) []string {
	v, ok := custom[key]
	if !ok {
		*errs = append(*errs, fmt.Sprintf("METADATA custom.%s missing (a list, [] for none)", key))
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		*errs = append(*errs, fmt.Sprintf("METADATA custom.%s must be a list of strings", key))
		return nil
	}
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, ok := x.(string)
		if !ok {
			*errs = append(*errs, fmt.Sprintf("METADATA custom.%s must be a list of strings", key))
			return nil
		}
		out = append(out, s)
	}
	return out
}

// CatalogIDs reads catalog_ids.txt: one rule ID per line, # comments.
func CatalogIDs(fsys fs.FS) (map[string]bool, error) {
	data, err := fs.ReadFile(fsys, "catalog_ids.txt")
	if err != nil {
		return nil, fmt.Errorf("rule catalog: %w", err)
	}
	ids := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ids[line] = true
	}
	return ids, sc.Err()
}
