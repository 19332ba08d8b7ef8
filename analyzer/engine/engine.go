package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/storage"
	"github.com/open-policy-agent/opa/v1/storage/inmem"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/iacref"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	policyfs "github.com/trailgate/trailgate/rego"
	"github.com/trailgate/trailgate/rego/profiles"
)

// Engine holds the rules, compiled once, with one prepared query per rule
// so that each authorization answer a rule could not prove is attributed
// to that rule (see Check). It is safe for concurrent use.
type Engine struct {
	policy  *Policy
	queries []ruleQuery
	// compiler compiled the queries; expiry is built from it once, by
	// the first Judge (see sharedCache).
	compiler   *ast.Compiler
	expiryOnce sync.Once
	expiry     *ruleExpiry
	// unshared gives each rule's query its own cache, as OPA does by
	// default; tests compare it with the shared cache (see ruleCache).
	unshared bool
}

type ruleQuery struct {
	rule findings.Rule
	pkg  string // the rule's package under data.trailgate.rules
	pq   rego.PreparedEvalQuery
}

// New loads the embedded rules (rego.FS) and prepares one query per rule.
//
// The rules come compiled (compiledRules, compiled.go: parsed, their
// METADATA validated and compiled by `go generate`): New decodes them and
// builds only the rule indices, about a fifth of parsing and compiling
// the Rego. When that encoding is stale (the sources differ from those it
// was compiled from) New parses, validates and compiles the sources as it
// did before, skipping the compiler's check-only stages (checkOnlyStages):
// the embedded tree is fixed when trailgate is built, and
// TestEmbeddedRulesPassEveryCompilerCheck compiles it with every stage and
// shows that the skipped stages change nothing in the compiled rules.
func New() (*Engine, error) {
	dr, err := compiledPolicy(policyfs.FS, compiledRules)
	if err != nil {
		return nil, err
	}
	if dr == nil {
		return newEngine(policyfs.FS, checkOnlyStages)
	}
	return newEngineFromCompiled(dr)
}

// newEngineFromCompiled prepares the queries over decoded compiled rules.
func newEngineFromCompiled(dr *decodedRules) (*Engine, error) {
	compiler := compilerForCompiled()
	compiler.Compile(dr.modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("indexing the compiled rules: %w", compiler.Errors)
	}
	// The names the compiler gave local variables, for OPA's messages.
	compiler.RewrittenVars = dr.rewritten
	return prepare(policyFromCompiled(dr), compiler)
}

// NewFromFS is New over another rule tree (tests use it for broken trees),
// compiled with every check of OPA's compiler.
func NewFromFS(fsys fs.FS) (*Engine, error) { return newEngine(fsys, nil) }

// checkOnlyStages are the stages of OPA's compiler (v1 ast/compile.go)
// that only report errors in modules that compile otherwise (unused or
// duplicate imports, keyword overrides, void calls, rule conflicts,
// undefined functions, recursion, types, unsafe or deprecated built-ins),
// or record what the modules need (required capabilities). They are about
// a third of compiling the rules, which is most of a check's start-up.
//
// CheckTypes also leaves the type environment, which evaluation reads
// only to replace a function with `with`; no rule uses `with`
// (TestEmbeddedRulesPassEveryCompilerCheck again).
var checkOnlyStages = []ast.StageID{
	ast.StageCheckUnusedImports,
	ast.StageCheckKeywordOverrides,
	ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls,
	ast.StageCheckRuleConflicts,
	ast.StageCheckUndefinedFuncs,
	ast.StageCheckRecursion,
	ast.StageCheckTypes,
	ast.StageCheckUnsafeBuiltins,
	ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRequiredCapabilities,
	// The rule dependency graph: only the recursion check and the type
	// checker, both skipped, read it (evaluation and query compilation do
	// not). It was 7% of compiling.
	ast.StageSetGraph,
	// Rewrites of constructs the embedded rules do not use: each is a
	// walk of every expression that finds nothing to do (print calls,
	// template strings, rego.metadata calls and the annotation set they
	// read, `with`), together about a tenth of compiling. The test
	// compares the compiled modules with and without them.
	ast.StageRewritePrintCalls,
	ast.StageRewriteTemplateStrings,
	ast.StageParseMetadataBlocks,
	ast.StageSetAnnotationSet,
	ast.StageRewriteRegoMetadataCalls,
	ast.StageRewriteWithValues,
}

func newEngine(fsys fs.FS, skip []ast.StageID) (*Engine, error) {
	p, err := loadPolicy(fsys, false)
	if err != nil {
		return nil, err
	}
	// One compiler for every query: the modules are compiled once, and
	// each rule's query only compiles "data.trailgate.rules.<pkg>.deny[f]".
	// Compiling is most of a check's start-up (about 40 ms of the 75 ms
	// of `check --iac` on one template, 2 vCPUs), on one CPU. Splitting
	// the rules between compilers on two CPUs, each with the library, was
	// tried: faster on an idle machine, but a quarter more CPU and slower
	// on a loaded one (CI runners, laptops running tests), so it is not.
	compiler := newCompiler(skip)
	compiler.Compile(p.Modules)
	if compiler.Failed() {
		return nil, fmt.Errorf("compiling rules: %w", compiler.Errors)
	}
	return prepare(p, compiler)
}

// prepare prepares one query per rule over the compiled modules.
func prepare(p *Policy, compiler *ast.Compiler) (*Engine, error) {
	store, err := Store()
	if err != nil {
		return nil, err
	}
	e := &Engine{policy: p, compiler: compiler}
	for _, pkg := range slices.Sorted(maps.Keys(p.rulePackages)) {
		opts := []func(*rego.Rego){
			rego.Compiler(compiler),
			rego.Query("data.trailgate.rules." + pkg + ".deny[f]"),
			rego.SetRegoVersion(ast.RegoV1),
			rego.Store(store),
		}
		opts = append(opts, regoBuiltins()...)
		pq, err := rego.New(opts...).PrepareForEval(context.Background())
		if err != nil {
			return nil, fmt.Errorf("compiling rule %s: %w", p.rulePackages[pkg].ID, err)
		}
		e.queries = append(e.queries, ruleQuery{rule: p.rulePackages[pkg], pkg: pkg, pq: pq})
	}
	return e, nil
}

func newCompiler(skip []ast.StageID) *ast.Compiler {
	c := ast.NewCompiler().
		WithDefaultRegoVersion(ast.RegoV1).
		WithBuiltins(builtinDecls())
	if len(skip) > 0 {
		c = c.WithSkipStages(skip...)
	}
	return c
}

// Store holds the data documents rules read besides their input: the
// vendor profiles (rego/profiles/*.json) at data.trailgate.profiles and
// the table of what a reader needs and what is only recommended
// (profiles.ReaderActions) at data.trailgate.reader_actions. The engine and
// the Rego test runner share it, so a profile step is checked by the same
// data in both.
func Store() (storage.Store, error) {
	p, err := profiles.Data()
	if err != nil {
		return nil, fmt.Errorf("loading the vendor profiles: %w", err)
	}
	return inmem.NewFromObject(map[string]any{"trailgate": map[string]any{
		"profiles":       p,
		"reader_actions": profiles.ReaderActionsData(),
	}}), nil
}

// Rules returns the rule descriptors, sorted by ID.
func (e *Engine) Rules() []findings.Rule {
	return append([]findings.Rule(nil), e.policy.Rules...)
}

// Policy returns the loaded rule and library modules. It holds no test
// modules (New does not parse them); LoadPolicy does.
func (e *Engine) Policy() *Policy { return e.policy }

// Check evaluates every rule against the snapshot (and the connector, when
// one is given) and returns the findings sorted, with fingerprints.
//
// Besides what the rules report, Check never stays silent about what it
// could not prove: each collection error of the snapshot becomes an
// unproven finding per rule that depends on the failed read, and each
// cause of the Unknown answers the rules' authorization questions got (a
// value the input does not determine, a managed policy or boundary whose
// document is not in it) becomes one unproven finding, naming the rules
// and resources whose questions it leaves open (Finding.Blocks).
func (e *Engine) Check(ctx context.Context, snap *snapshot.Snapshot, conn *connector.Connector) ([]findings.Finding, error) {
	s, err := NewSubject(snap, conn, nil)
	if err != nil {
		return nil, err
	}
	return e.Judge(ctx, s)
}

// Judge evaluates every rule against a subject built once (NewSubject),
// as Check does.
func (e *Engine) Judge(ctx context.Context, s *Subject) ([]findings.Finding, error) {
	ctx = withIndex(withAnswers(ctx, s.answers), s.snap, s.Index)
	locs := s.Locations
	var out []findings.Finding
	var unknowns []ruleUnknowns
	var expiry *ruleExpiry // nil: every shared value kept to the end
	if len(s.Snapshot.Accounts) >= expireFromAccounts {
		expiry = e.ruleExpiry()
	}
	shared := newSharedCache(expiry) // see ruleCache
	for i, q := range e.queries {
		var log unknownLog
		if e.unshared {
			shared = newSharedCache(expiry)
		}
		rs, err := q.pq.Eval(withUnknownLog(ctx, &log), rego.EvalParsedInput(s.input), rego.EvalVirtualCache(newRuleCache(shared, i, &log)))
		shared.done(i)
		if err != nil {
			return nil, fmt.Errorf("evaluating rule %s: %w", q.rule.ID, err)
		}
		reported := map[string]bool{}
		var own []stepped
		for _, r := range rs {
			f, em, err := decodeFinding(q.rule, r.Bindings["f"], locs)
			if err != nil {
				return nil, err
			}
			reported[f.Resource.ID] = true
			own = append(own, stepped{f: f, step: em.Step, fact: em.Fact})
		}
		out = append(out, mergeSteps(own)...)
		if !orgRuleWithoutOrg(q.rule.ID, s.Snapshot) {
			unknowns = append(unknowns, ruleUnknowns{rule: q.rule, answers: log.answers, reported: reported})
		}
	}
	out = append(out, unprovenAnswers(unknowns, s.Snapshot, locs)...)
	out = append(out, unprovenReads(e.policy.Rules, s.Snapshot)...)
	out = append(out, unprovenHops(e.policy.Rules, s.Snapshot, s.Paths, out, locs)...)
	findings.Sort(out)
	return out, nil
}

// expireFromAccounts is the size of organization from which a Check drops
// each shared value after the last rule that may read it (sharedCache).
// Placing the rules costs about 15-25 ms (OPA's rule dependency graph), a
// third of `check --iac` on one template, and gains memory only at scale;
// below it the values are kept to the end, as before. Either way the
// findings are the same (TestSharedCacheSameFindings).
var expireFromAccounts = 100

// ruleExpiry is, for each rule, the last query that may read it (see
// sharedCache).
func (e *Engine) ruleExpiry() *ruleExpiry {
	e.expiryOnce.Do(func() {
		pkgs := make([]ast.Ref, len(e.queries))
		for i, q := range e.queries {
			pkgs[i] = ast.MustParseRef("data.trailgate.rules." + q.pkg)
		}
		e.expiry = newRuleExpiry(e.compiler, pkgs)
	})
	return e.expiry
}

// toValue converts a model value to Rego once, through its JSON form so
// that Rego sees exactly the field names of the contract.
func toValue(v any) (ast.Value, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return jsonValue(data)
}

// emitted is what a rule puts in its deny set.
type emitted struct {
	Resource struct {
		ID      string `json:"id"`
		Type    string `json:"type"`
		Account string `json:"account"`
		Region  string `json:"region"`
	} `json:"resource"`
	Message     string             `json:"message"`
	Fact        string             `json:"fact"`
	Location    *snapshot.Location `json:"location"`
	Remediation string             `json:"remediation"`
	Address     string             `json:"address"`
	Fix         *findings.Fix      `json:"fix"`
	// Severity, when set, lowers the rule's severity for this finding (a
	// recommended action: low).
	Severity string `json:"severity"`
	// Step names the vendor guide step a profile finding fails
	// ("expel E4: title"): mergeSteps folds it into the rule's own finding
	// on the same resource.
	Step string `json:"step"`
}

func decodeFinding(rule findings.Rule, raw any, locs map[string]*snapshot.Location) (findings.Finding, emitted, error) {
	data, err := json.Marshal(raw)
	if err != nil {
		return findings.Finding{}, emitted{}, err
	}
	var em emitted
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&em); err != nil {
		return findings.Finding{}, emitted{}, fmt.Errorf("rule %s emitted a malformed finding %s: %v", rule.ID, data, err)
	}
	var missing []string
	if em.Resource.ID == "" {
		missing = append(missing, "resource.id")
	}
	if em.Resource.Type == "" {
		missing = append(missing, "resource.type")
	}
	if em.Message == "" {
		missing = append(missing, "message")
	}
	if em.Fact == "" {
		missing = append(missing, "fact")
	}
	if len(missing) > 0 {
		return findings.Finding{}, emitted{}, fmt.Errorf("rule %s emitted a finding without %s: %s", rule.ID, strings.Join(missing, ", "), data)
	}
	severity := rule.Severity
	if em.Severity != "" {
		sev, err := findings.ParseSeverity(em.Severity)
		if err != nil || sev.Rank() > rule.Severity.Rank() {
			return findings.Finding{}, emitted{}, fmt.Errorf("rule %s emitted severity %q: a finding may only lower its rule's severity (%s)", rule.ID, em.Severity, rule.Severity)
		}
		severity = sev
	}
	f := findings.Finding{
		RuleID:      rule.ID,
		Severity:    severity,
		Title:       rule.Title,
		Message:     em.Message,
		Resource:    findings.Resource{ID: em.Resource.ID, Type: em.Resource.Type, Account: em.Resource.Account, Region: em.Resource.Region},
		Remediation: iacref.Remediation(em.Remediation),
		Address:     em.Address,
		Fingerprint: findings.Fingerprint(rule.ID, em.Resource.ID, em.Fact),
		Fix:         em.Fix,
	}
	if f.Remediation == "" {
		f.Remediation = rule.Remediation
	}
	loc := em.Location
	if loc == nil || loc.File == "" {
		loc = locs[em.Resource.ID]
	}
	if loc != nil && loc.File != "" {
		f.Location = &findings.Location{File: loc.File, Line: loc.Line}
		if f.Address == "" {
			f.Address = loc.Address
		}
	}
	return f, em, nil
}
