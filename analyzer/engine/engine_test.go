package engine

import (
	"context"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/trailgate/trailgate/collectors/smoke"
	"github.com/trailgate/trailgate/collectors/snapshot"
	policyfs "github.com/trailgate/trailgate/rego"
)

// TestRulesValid is the meta-test: the embedded rule tree must load
// without a single METADATA violation.
func TestRulesValid(t *testing.T) {
	// New serves the rules from compiled.bin: validate the sources.
	if _, err := LoadPolicy(policyfs.FS); err != nil {
		t.Fatal(err)
	}
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range e.Rules() {
		ids = append(ids, r.ID)
		if len(r.RelatedResources) == 0 {
			t.Errorf("%s: METADATA related_resources is empty: cite the AWS documentation behind the rule", r.ID)
		}
	}
	if !sort.StringsAreSorted(ids) {
		t.Errorf("Rules() not sorted: %v", ids)
	}
	for _, want := range []string{"CT02", "CT03", "ID01", "KM01", "NT01", "S305", "SN01", "SQ01"} {
		if !slices.Contains(ids, want) {
			t.Errorf("rule %s missing; have %v", want, ids)
		}
	}
}

// TestRegoUnitTests runs every *_test.rego through OPA's test runner with
// the same custom built-ins the engine offers.
func TestRegoUnitTests(t *testing.T) {
	p, err := LoadPolicy(policyfs.FS)
	if err != nil {
		t.Fatal(err)
	}
	modules := map[string]*ast.Module{}
	for k, v := range p.Modules {
		modules[k] = v
	}
	for k, v := range p.Tests {
		modules[k] = v
	}
	store, err := Store()
	if err != nil {
		t.Fatal(err)
	}
	before := indexBuilds.Load()
	ch, err := tester.NewRunner().
		SetStore(store).
		SetDefaultRegoVersion(ast.RegoV1).
		AddCustomBuiltins(TesterBuiltins()).
		RaiseBuiltinErrors(true).
		SetModules(modules).
		RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r := range ch {
		n++
		name := r.Package + "." + r.Name
		switch {
		case r.Error != nil:
			t.Errorf("%s: error: %v", name, r.Error)
		case r.Fail:
			t.Errorf("%s: FAIL (%s)", name, r.Location)
		case r.Skip:
			t.Logf("%s: skipped", name)
		}
	}
	if n == 0 {
		t.Fatal("no Rego tests ran")
	}
	t.Logf("%d Rego tests", n)
	if indexBuilds.Load() == before {
		t.Error("no Rego test reached the trailgate.authz built-in")
	}
}

// TestEveryRuleHasTests: a rule's _test.rego must test the pass case, a
// failure and a near miss.
func TestEveryRuleHasTests(t *testing.T) {
	p, err := LoadPolicy(policyfs.FS)
	if err != nil {
		t.Fatal(err)
	}
	for name, m := range p.Modules {
		if !strings.HasPrefix(name, "rules/") {
			continue
		}
		tm := p.Tests[strings.TrimSuffix(name, ".rego")+"_test.rego"]
		if tm == nil {
			t.Errorf("%s: no test module", name)
			continue
		}
		kinds := map[string]bool{}
		for _, r := range tm.Rules {
			n := r.Head.Name.String()
			if n == "" && len(r.Head.Reference) > 0 {
				n = r.Head.Reference[0].String()
			}
			for _, k := range []string{"test_pass", "test_fail", "test_near_miss"} {
				if strings.HasPrefix(n, k) {
					kinds[k] = true
				}
			}
		}
		for _, k := range []string{"test_pass", "test_fail", "test_near_miss"} {
			if !kinds[k] {
				t.Errorf("%s: no %s* test in %s", name, k, tm.Package.Path)
			}
		}
		_ = m
	}
}

const goodRule = `# METADATA
# title: T
# description: D
# related_resources:
#   - ref: https://docs.aws.amazon.com/x
# custom:
#   id: CT02
#   severity: high
#   area: trail
#   hops: [writer]
#   reads: [cloudtrail:DescribeTrails]
#   remediation: R
package trailgate.rules.ct02

deny contains 1 if false
`

func TestLoadPolicyRejects(t *testing.T) {
	base := func() fstest.MapFS {
		return fstest.MapFS{
			"catalog_ids.txt":                     {Data: []byte("# ids\nCT02\nCT03\n")},
			"rules/trail/ct02_gaps.rego":          {Data: []byte(goodRule)},
			"rules/trail/ct02_gaps_test.rego":     {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if true\n")},
			"lib/lib.rego":                        {Data: []byte("package trailgate.lib\n\nx := 1\n")},
			"rules/trail/ct03_writer_test.rego":   {Data: []byte("package trailgate.rules.ct03_test\n\ntest_x if true\n")},
			"rules/trail/unrelated_notrule.txt":   {Data: []byte("ignored")},
			"rules/trail/ct03_writer.rego":        {Data: []byte(strings.ReplaceAll(strings.ReplaceAll(goodRule, "CT02", "CT03"), "ct02", "ct03"))},
			"rules/trail/ct03_writer_extra.txt":   {Data: []byte("ignored")},
			"rules/trail/nothing_here_test.rego":  {Data: []byte("package trailgate.rules.nothing_test\n\ntest_y if true\n")},
			"rules/trail/ct03_writer.rego.backup": {Data: []byte("ignored")},
		}
	}
	if _, err := LoadPolicy(base()); err != nil {
		t.Fatalf("valid tree refused: %v", err)
	}
	cases := []struct {
		name   string
		mutate func(fstest.MapFS)
		want   string
	}{
		{"unknown id", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(strings.ReplaceAll(goodRule, "CT02", "ZZ99"), "ct02", "zz99"))}
		}, `rule ID "ZZ99" is not in the catalog`},
		{"duplicate id", func(m fstest.MapFS) {
			m["rules/trail/ct02_copy.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "package trailgate.rules.ct02", "package trailgate.rules.ct02", 1))}
			m["rules/trail/ct02_copy_test.rego"] = &fstest.MapFile{Data: []byte("package trailgate.rules.ct02b_test\n\ntest_x if true\n")}
		}, "already used by"},
		{"bad severity", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "severity: high", "severity: severe", 1))}
		}, `severity "severe" is not one of`},
		{"missing remediation", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "#   remediation: R\n", "", 1))}
		}, "custom.remediation missing"},
		{"empty title", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "# title: T\n", "", 1))}
		}, "title is empty"},
		{"empty description", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "# description: D\n", "", 1))}
		}, "description is empty"},
		{"package mismatch", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "package trailgate.rules.ct02", "package trailgate.rules.ct03x", 1))}
		}, "does not match rule ID"},
		{"wrong directory", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "area: trail", "area: bucket", 1))}
		}, "file must be rules/bucket/ct02_<name>.rego"},
		{"no test", func(m fstest.MapFS) {
			delete(m, "rules/trail/ct02_gaps_test.rego")
		}, "no ct02_gaps_test.rego beside it"},
		{"no metadata", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte("package trailgate.rules.ct02\n\ndeny contains 1 if false\n")}
		}, "no package-scope # METADATA"},
		{"no deny", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "deny contains 1 if false", "other := 1", 1))}
		}, "no deny rule"},
		{"unknown custom field", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "#   area: trail\n", "#   area: trail\n#   sevrity: low\n", 1))}
		}, "custom.sevrity is not a known field"},
		{"unknown hop kind", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "hops: [writer]", "hops: [trail]", 1))}
		}, `hops: "trail" is not a hop kind`},
		{"unknown read", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "reads: [cloudtrail:DescribeTrails]", "reads: [cloudtrail:DescribeTrail]", 1))}
		}, `reads: "cloudtrail:DescribeTrail" is not a read`},
		{"reads missing", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "#   reads: [cloudtrail:DescribeTrails]\n", "", 1))}
		}, "custom.reads missing"},
		{"unknown smoke symptom", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "#   area: trail\n", "#   area: trail\n#   smoke: [queue-gone]\n", 1))}
		}, `smoke: "queue-gone" is not a smoke-test symptom`},
		{"smoke symptom explained twice", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(strings.Replace(goodRule, "#   area: trail\n", "#   area: trail\n#   smoke: [object-gone]\n", 1))}
			m["rules/trail/ct03_more.rego"] = &fstest.MapFile{Data: []byte(strings.NewReplacer("ct02", "ct03", "CT02", "CT03", "#   area: trail\n", "#   area: trail\n#   smoke: [object-gone]\n").Replace(goodRule))}
			m["rules/trail/ct03_more_test.rego"] = &fstest.MapFile{Data: []byte("package trailgate.rules.ct03_test\n")}
		}, "smoke symptom object-gone already explained by CT02"},
		{"syntax error", func(m fstest.MapFS) {
			m["rules/trail/ct02_gaps.rego"] = &fstest.MapFile{Data: []byte(goodRule + "\ndeny contains if {\n")}
		}, "rules/trail/ct02_gaps.rego:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := base()
			c.mutate(m)
			_, err := LoadPolicy(m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error containing %q", err, c.want)
			}
		})
	}
}

// TestSmokeSymptomsExplained: every symptom the smoke test can observe is
// explained by exactly one rule's METADATA (custom.smoke; two is a load
// error), so a failed smoke step always names its catalog rule.
func TestSmokeSymptomsExplained(t *testing.T) {
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	rule := SmokeRule(rules)
	for _, sy := range smoke.Symptoms {
		if rule(sy) == "" {
			t.Errorf("no rule explains the smoke symptom %s (custom.smoke)", sy)
		}
	}
	if got := rule(smoke.DeniedBySCP); got != "OR01" {
		t.Errorf("denied-by-scp explained by %q, want OR01", got)
	}
}

// TestCatalogIDsInSync keeps rego/catalog_ids.txt listing every ID of the
// shared catalog when it is present (it lives outside the repository). An
// ID beyond the catalog (EK01-EK03: the hops of sources the catalog
// predates) is allowed only when an embedded rule declares it with
// METADATA citing the AWS documentation behind it.
func TestCatalogIDsInSync(t *testing.T) {
	data, err := os.ReadFile("../../../shared/catalog.md")
	if err != nil {
		t.Skipf("shared catalog not present: %v", err)
	}
	want := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^- \*\*([A-Z][A-Z0-9]{3}) `).FindAllStringSubmatch(string(data), -1) {
		want[m[1]] = true
	}
	got, err := CatalogIDs(policyfs.FS)
	if err != nil {
		t.Fatal(err)
	}
	rules, err := Rules()
	if err != nil {
		t.Fatal(err)
	}
	cited := map[string]bool{}
	for _, r := range rules {
		if len(r.RelatedResources) > 0 && r.Title != "" {
			cited[r.ID] = true
		}
	}
	for id := range got {
		if !want[id] && cited[id] {
			want[id] = true
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rego/catalog_ids.txt differs from shared/catalog.md and the rules beyond it (-catalog +ids):\n%s", diff)
	}
}

// TestEmbeddedRulesPassEveryCompilerCheck: New skips the compiler's
// check-only stages for the embedded rules. The tree must pass them all,
// and skipping them must leave every compiled module as it is; and no rule
// may use `with`, the one place evaluation reads the type environment
// CheckTypes would have built.
func TestEmbeddedRulesPassEveryCompilerCheck(t *testing.T) {
	p, err := loadPolicy(policyfs.FS, false)
	if err != nil {
		t.Fatal(err)
	}
	full := newCompiler(nil)
	full.Compile(p.Modules)
	if full.Failed() {
		t.Fatalf("the embedded rules fail the compiler's checks: %v", full.Errors)
	}
	fast := newCompiler(checkOnlyStages)
	fast.Compile(p.Modules)
	if fast.Failed() {
		t.Fatal(fast.Errors)
	}
	if len(fast.Modules) != len(full.Modules) || len(full.Modules) == 0 {
		t.Fatalf("%d modules compiled without the checks, %d with them", len(fast.Modules), len(full.Modules))
	}
	for name, m := range full.Modules {
		if diff := cmp.Diff(m.String(), fast.Modules[name].String()); diff != "" {
			t.Errorf("%s compiles differently without the check-only stages (-all stages +New's):\n%s", name, diff)
		}
		ast.WalkExprs(m, func(x *ast.Expr) bool {
			if len(x.With) > 0 {
				t.Errorf("%s: %v uses with: New's compiler has no type environment for it", x.Location, x)
			}
			return false
		})
	}
}

// TestNewFromFSRunsEveryCheck: another tree is compiled with every check,
// so a type error is an error, not a rule that silently never fires.
func TestNewFromFSRunsEveryCheck(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog_ids.txt":                  {Data: []byte("CT02\n")},
		"rules/trail/ct02_typed.rego":      {Data: []byte(strings.Replace(goodRule, "deny contains 1 if false", `deny contains 1 if startswith(input.snapshot.source, 1)`, 1))},
		"rules/trail/ct02_typed_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if true\n")},
	}
	if _, err := NewFromFS(fsys); err == nil || !strings.Contains(err.Error(), "rego_type_error") {
		t.Fatalf("got %v, want a type error", err)
	}
	if _, err := newEngine(fsys, checkOnlyStages); err != nil {
		t.Fatalf("without the check-only stages the tree should compile (else this test shows nothing): %v", err)
	}
}

// TestNewSkipsTestModules: New neither parses nor needs the *_test.rego
// modules (a broken one is LoadPolicy's and the Rego test runner's to
// report), but a rule without one beside it is still refused.
func TestNewSkipsTestModules(t *testing.T) {
	fsys := fstest.MapFS{
		"catalog_ids.txt":                 {Data: []byte("CT02\n")},
		"rules/trail/ct02_gaps.rego":      {Data: []byte(goodRule)},
		"rules/trail/ct02_gaps_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n\ntest_x if {\n")},
	}
	p, err := loadPolicy(fsys, false)
	if err != nil {
		t.Fatalf("loading without tests: %v", err)
	}
	if len(p.Tests) != 0 {
		t.Errorf("loading without tests parsed %d test modules", len(p.Tests))
	}
	if _, err := LoadPolicy(fsys); err == nil || !strings.Contains(err.Error(), "rules/trail/ct02_gaps_test.rego:") {
		t.Errorf("LoadPolicy: got %v, want the test module's syntax error", err)
	}
	delete(fsys, "rules/trail/ct02_gaps_test.rego")
	if _, err := NewFromFS(fsys); err == nil || !strings.Contains(err.Error(), "no ct02_gaps_test.rego beside it") {
		t.Errorf("NewFromFS without the test file: got %v, want it refused", err)
	}
}

// TestEveryReadHasRules: every read a snapshot records is declared by some
// rule's METADATA (custom.reads), so that its failure makes those rules
// unproven instead of passing silently.
func TestEveryReadHasRules(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, r := range e.Rules() {
		for _, rd := range r.Reads {
			declared[rd] = true
		}
		if len(r.Hops) == 0 {
			t.Errorf("%s declares no hops (custom.hops)", r.ID)
		}
	}
	for _, rd := range snapshot.Reads {
		if !declared[rd] {
			t.Errorf("no rule declares the read %s (custom.reads)", rd)
		}
	}
}
