package engine

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"fmt"
	"io/fs"
	"maps"
	"slices"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/version"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/rego/profiles"
)

// compiledRules is the embedded rule tree as OPA's compiler leaves it, with
// the rules' descriptors (their METADATA, validated), written by
// `go generate ./analyzer/engine` (TestCompiledRulesCurrent -update).
// Parsing and compiling the Rego at every start was three quarters of a
// one-template check; decoding this is a few milliseconds.
//
// It cannot go stale silently: it records a digest of the sources it was
// compiled from (sourceDigest), and New compiles the sources as before
// when the digest differs (a rule edited without regenerating), while
// TestCompiledRulesCurrent fails until it is regenerated.
//
//go:generate go test -run ^TestCompiledRulesCurrent$ -update .
//go:embed compiled.bin
var compiledRules []byte

const compiledMagic = "trailgate compiled rules 1\n"

// keptStages are the compiler stages New runs on the decoded modules: the
// trees and indices evaluation looks rules up in. Every other stage
// rewrites or checks modules, and the decoded ones went through them
// before they were encoded. (StageInitLocalVarGen too: its generator of
// variable names serves only the stages that rewrite modules; a query's
// compilation has its own.)
var keptStages = []ast.StageID{
	ast.StageSetModuleTree,
	ast.StageSetRuleTree,
	ast.StageBuildRuleIndices,
	ast.StageBuildComprehensionIndices,
}

// sourceDigest identifies what compiling fsys gives: every file name (a
// rule needs its _test.rego beside it), the contents of the rules, the
// library and the catalog, the custom built-ins' declarations and OPA's
// version.
func sourceDigest(fsys fs.FS) ([32]byte, error) {
	h := sha256.New()
	fmt.Fprintf(h, "opa %s\n", version.Version)
	decls := builtinDecls()
	for _, name := range slices.Sorted(maps.Keys(decls)) {
		fmt.Fprintf(h, "builtin %s %v\n", name, decls[name].Decl)
	}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fmt.Fprintf(h, "file %s\n", name)
		if strings.HasSuffix(name, "_test.rego") || !(strings.HasSuffix(name, ".rego") || name == "catalog_ids.txt") {
			return nil
		}
		src, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		var n [binary.MaxVarintLen64]byte
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(src)))])
		h.Write(src)
		return nil
	})
	var sum [32]byte
	h.Sum(sum[:0])
	return sum, err
}

// encodeCompiled writes the rule descriptors and the compiled modules of
// the tree whose sourceDigest is digest.
func encodeCompiled(digest [32]byte, rules []findings.Rule, modules map[string]*ast.Module, rewritten map[ast.Var]ast.Var) ([]byte, error) {
	e := &astEncoder{strings: map[string]int{}}
	e.uint(len(rules))
	for _, r := range rules {
		e.str(r.ID)
		e.str(string(r.Severity))
		e.str(r.Title)
		e.str(r.Description)
		e.str(r.Remediation)
		e.str(r.Area)
		for _, list := range [][]string{r.Hops, r.Reads, r.Smoke, r.RelatedResources} {
			e.uint(len(list))
			for _, s := range list {
				e.str(s)
			}
		}
	}
	vars := slices.Sorted(maps.Keys(rewritten))
	e.uint(len(vars))
	for _, v := range vars {
		e.str(string(v))
		e.str(string(rewritten[v]))
	}
	names := slices.Sorted(maps.Keys(modules))
	e.uint(len(names))
	for _, name := range names {
		e.str(name)
		e.module(modules[name])
	}
	if e.err != nil {
		return nil, e.err
	}
	out := append([]byte(compiledMagic), digest[:]...)
	out = binary.AppendUvarint(out, uint64(len(e.table)))
	for _, s := range e.table {
		out = binary.AppendUvarint(out, uint64(len(s)))
	}
	for _, s := range e.table {
		out = append(out, s...)
	}
	return append(out, e.buf...), nil
}

// decodedRules is what encodeCompiled wrote.
type decodedRules struct {
	digest    [32]byte
	rules     []findings.Rule
	modules   map[string]*ast.Module
	rewritten map[ast.Var]ast.Var
}

// decodeCompiled reads what encodeCompiled wrote.
func decodeCompiled(data []byte) (*decodedRules, error) {
	if !strings.HasPrefix(string(data), compiledMagic) || len(data) < len(compiledMagic)+32 {
		return nil, fmt.Errorf("compiled rules: not an encoding of this version (run go generate ./analyzer/engine)")
	}
	out := &decodedRules{}
	copy(out.digest[:], data[len(compiledMagic):])
	d := &astDecoder{buf: data, pos: len(compiledMagic) + 32}
	// The string table: lengths, then the bytes of all of them, which
	// become one Go string that every decoded string is a slice of.
	lens := make([]int, d.count())
	total := 0
	for i := range lens {
		// Each length, and so their sum, within what is left (no
		// overflow to a negative sum).
		if lens[i] = d.uint(); lens[i] > len(data)-d.pos-total {
			return nil, errTruncated
		}
		total += lens[i]
	}
	if d.err != nil {
		return nil, errTruncated
	}
	all := string(data[d.pos : d.pos+total])
	d.pos += total
	d.strings = make([]string, len(lens))
	off := 0
	for i, n := range lens {
		d.strings[i] = all[off : off+n]
		off += n
	}
	// A rule's descriptor is at least ten bytes: six strings, four lists.
	out.rules = make([]findings.Rule, d.countOf(10))
	for i := range out.rules {
		if d.err != nil {
			return nil, d.err
		}
		r := &out.rules[i]
		r.ID, r.Severity, r.Title, r.Description, r.Remediation, r.Area = d.str(), findings.Severity(d.str()), d.str(), d.str(), d.str(), d.str()
		for _, list := range []*[]string{&r.Hops, &r.Reads, &r.Smoke, &r.RelatedResources} {
			if n := d.count(); n > 0 {
				*list = make([]string, n)
				for j := range *list {
					(*list)[j] = d.str()
				}
			}
		}
	}
	n := d.count()
	out.rewritten = make(map[ast.Var]ast.Var, n)
	for range n {
		k := ast.Var(d.str())
		out.rewritten[k] = ast.Var(d.str())
	}
	n = d.count()
	out.modules = make(map[string]*ast.Module, n)
	for range n {
		if d.err != nil {
			break
		}
		name := d.str()
		out.modules[name] = d.module()
	}
	if d.err == nil && d.pos != len(data) {
		d.err = fmt.Errorf("compiled rules: %d bytes after the last module", len(data)-d.pos)
	}
	if d.err != nil {
		return nil, d.err
	}
	return out, nil
}

// compiledPolicy returns the embedded compiled rules when they were
// compiled from fsys as it is, else nil (New then compiles fsys).
func compiledPolicy(fsys fs.FS, data []byte) (*decodedRules, error) {
	if len(data) < len(compiledMagic)+32 || !strings.HasPrefix(string(data), compiledMagic) {
		return nil, nil
	}
	want, err := sourceDigest(fsys)
	if err != nil {
		return nil, err
	}
	if string(want[:]) != string(data[len(compiledMagic):len(compiledMagic)+32]) {
		return nil, nil
	}
	return decodeCompiled(data)
}

// policyFromCompiled is the Policy New serves from decoded rules: the
// descriptors as loadPolicy decodes them, with the actions each rule
// demands (profiles.RuleActions) filled in as loadPolicy fills them.
func policyFromCompiled(dr *decodedRules) *Policy {
	p := &Policy{Rules: dr.rules, Modules: dr.modules, Tests: map[string]*ast.Module{}, rulePackages: map[string]findings.Rule{}}
	acts := profiles.RuleActions()
	for i, r := range p.Rules {
		p.Rules[i].Needed, p.Rules[i].Recommended, p.Rules[i].NeededBy = acts[r.ID].Needed, acts[r.ID].Recommended, acts[r.ID].NeededBy
		p.rulePackages[strings.ToLower(r.ID)] = p.Rules[i]
	}
	return p
}

// compilerForCompiled is a compiler that runs only keptStages: given
// decoded modules, it builds what evaluation needs without rewriting them
// again.
func compilerForCompiled() *ast.Compiler {
	keep := map[ast.StageID]bool{}
	for _, s := range keptStages {
		keep[s] = true
	}
	var skip []ast.StageID
	for _, s := range newCompiler(nil).StagesToRun() {
		if !keep[s] {
			skip = append(skip, s)
		}
	}
	return newCompiler(skip)
}
