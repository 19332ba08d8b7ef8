package engine

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	policyfs "github.com/trailgate/trailgate/rego"
)

var update = flag.Bool("update", false, "rewrite compiled.bin from the embedded rules (go generate ./analyzer/engine)")

// compileSources parses, validates and compiles fsys as New does when
// compiled.bin is stale, and encodes the result.
func compileSources(t testing.TB, fsys fs.FS) (*ast.Compiler, []byte) {
	t.Helper()
	p, err := loadPolicy(fsys, false)
	if err != nil {
		t.Fatal(err)
	}
	digest, err := sourceDigest(fsys)
	if err != nil {
		t.Fatal(err)
	}
	c := newCompiler(checkOnlyStages)
	c.Compile(p.Modules)
	if c.Failed() {
		t.Fatal(c.Errors)
	}
	data, err := encodeCompiled(digest, p.Rules, c.Modules, c.RewrittenVars)
	if err != nil {
		t.Fatal(err)
	}
	return c, data
}

// TestCompiledRulesCurrent: compiled.bin is what the embedded sources
// compile to today, byte for byte; -update (go generate) rewrites it. New
// would fall back to compiling the sources when it is stale, correct but
// slow; this test is what keeps it from being stale.
func TestCompiledRulesCurrent(t *testing.T) {
	_, want := compileSources(t, policyfs.FS)
	if *update {
		if err := os.WriteFile("compiled.bin", want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !bytes.Equal(compiledRules, want) {
		t.Fatalf("compiled.bin (%d bytes) is not what the embedded rules compile to (%d bytes): run go generate ./analyzer/engine", len(compiledRules), len(want))
	}
	dr, err := compiledPolicy(policyfs.FS, compiledRules)
	if err != nil || dr == nil {
		t.Fatalf("New does not take the compiled rules: %v", err)
	}
}

// TestCompiledRulesRoundTrip: decoding gives back the compiler's modules:
// the same rules, terms and locations (compared through Rego's own
// equality and every node's location), the same rule descriptors and the
// same names of rewritten variables.
func TestCompiledRulesRoundTrip(t *testing.T) {
	c, data := compileSources(t, policyfs.FS)
	dr, err := decodeCompiled(data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := loadPolicy(policyfs.FS, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p.Rules, policyFromCompiled(dr).Rules); diff != "" {
		t.Errorf("rule descriptors differ (-parsed +decoded):\n%s", diff)
	}
	if diff := cmp.Diff(c.RewrittenVars, dr.rewritten); diff != "" {
		t.Errorf("rewritten variables differ (-compiled +decoded):\n%s", diff)
	}
	if len(dr.modules) != len(c.Modules) {
		t.Fatalf("%d modules decoded, %d compiled", len(dr.modules), len(c.Modules))
	}
	for name, want := range c.Modules {
		got := dr.modules[name]
		if got == nil {
			t.Errorf("%s: not decoded", name)
			continue
		}
		if !got.Package.Equal(want.Package) || len(got.Rules) != len(want.Rules) {
			t.Errorf("%s: package %v with %d rules decoded, want %v with %d", name, got.Package, len(got.Rules), want.Package, len(want.Rules))
			continue
		}
		for i, w := range want.Rules {
			g := got.Rules[i]
			if !g.Equal(w) || g.Module != got {
				t.Errorf("%s: rule %d decoded as\n%v\nwant\n%v", name, i, g, w)
				continue
			}
			if diff := cmp.Diff(locations(w), locations(g)); diff != "" {
				t.Errorf("%s: rule %v: locations differ (-compiled +decoded):\n%s", name, w.Head.Ref(), diff)
			}
		}
	}
	again, err := encodeCompiled(dr.digest, dr.rules, dr.modules, dr.rewritten)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, data) {
		t.Error("re-encoding the decoded modules gives other bytes")
	}
}

// locations lists every node's location in walk order, as file:row:col.
func locations(r *ast.Rule) []string {
	var out []string
	add := func(l *ast.Location) {
		if l == nil {
			out = append(out, "-")
			return
		}
		out = append(out, l.File+":"+strconv.Itoa(l.Row)+":"+strconv.Itoa(l.Col))
	}
	for x := r; x != nil; x = x.Else {
		add(x.Location)
		add(x.Head.Location)
	}
	ast.WalkNodes(r, func(n ast.Node) bool {
		add(n.Loc())
		return false
	})
	return out
}

// TestCompiledRulesStale: a rule tree that differs from the one
// compiled.bin was made from (an edited rule, a renamed file) is compiled
// from its sources, never served from the stale encoding.
func TestCompiledRulesStale(t *testing.T) {
	fsys := fstest.MapFS{}
	err := fs.WalkDir(policyfs.FS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(policyfs.FS, name)
		fsys[name] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if dr, err := compiledPolicy(fsys, compiledRules); err != nil || dr == nil {
		t.Fatalf("the unchanged tree: got %v, %v; want the compiled rules", dr, err)
	}
	for name, edit := range map[string]func(fstest.MapFS){
		"a rule edited": func(m fstest.MapFS) {
			f := m["rules/trail/ct02_coverage_gaps.rego"]
			m["rules/trail/ct02_coverage_gaps.rego"] = &fstest.MapFile{Data: append(slices.Clone(f.Data), "\n# edited\n"...)}
		},
		"a test removed": func(m fstest.MapFS) { delete(m, "rules/trail/ct02_coverage_gaps_test.rego") },
		"the catalog edited": func(m fstest.MapFS) {
			m["catalog_ids.txt"] = &fstest.MapFile{Data: append(slices.Clone(m["catalog_ids.txt"].Data), "ZZ99\n"...)}
		},
	} {
		m := fstest.MapFS{}
		for k, v := range fsys {
			m[k] = v
		}
		edit(m)
		if dr, err := compiledPolicy(m, compiledRules); err != nil || dr != nil {
			t.Errorf("%s: got %v, %v; want no compiled rules (compile the sources)", name, dr, err)
		}
	}
}

// TestCompiledRulesSameFindings: New over compiled.bin and the compile of
// the sources judge every scenario snapshot alike.
func TestCompiledRulesSameFindings(t *testing.T) {
	fast, err := New()
	if err != nil {
		t.Fatal(err)
	}
	slow, err := newEngine(policyfs.FS, checkOnlyStages)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(slow.Rules(), fast.Rules()); diff != "" {
		t.Fatalf("rules differ (-sources +compiled):\n%s", diff)
	}
	dirs, err := filepath.Glob("../../fixtures/scenarios/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios: %v", err)
	}
	for _, dir := range dirs {
		snap, err := snapshot.LoadFile(filepath.Join(dir, "snapshot.json"))
		if err != nil {
			t.Fatal(err)
		}
		var conn *connector.Connector
		if _, err := os.Stat(filepath.Join(dir, "connector.yaml")); err == nil {
			if conn, err = connector.LoadFile(filepath.Join(dir, "connector.yaml")); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []*connector.Connector{nil, conn} {
			want, err := slow.Check(context.Background(), snap, c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := fast.Check(context.Background(), snap, c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (connector %v): findings differ (-sources +compiled):\n%s", filepath.Base(dir), c != nil, diff)
			}
		}
	}
}

// FuzzDecodeCompiled: a damaged encoding is an error, never a panic or a
// runaway allocation (the embedded one is checked by TestCompiledRulesCurrent;
// this guards the decoder itself).
func FuzzDecodeCompiled(f *testing.F) {
	// A small tree, so that the fuzzer mutates something of its size; the
	// embedded encoding is large and decodes slowly for a fuzzer.
	_, small := compileSources(f, fstest.MapFS{
		"catalog_ids.txt":              {Data: []byte("CT02\n")},
		"rules/trail/ct02_x.rego":      {Data: []byte(goodRule + "\nf(x) := y if {\n\ty := [z | some z in x; z > 1]\n\tnot {\"a\": {1}} == x\n\tevery v in x { v != \"b\" }\n}\n")},
		"rules/trail/ct02_x_test.rego": {Data: []byte("package trailgate.rules.ct02_test\n")},
	})
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add([]byte(compiledMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		dr, err := decodeCompiled(data)
		if err == nil && dr == nil {
			t.Fatal("no rules and no error")
		}
	})
}
