package engine

import (
	"context"
	"os"
	"runtime/debug"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	policyfs "github.com/trailgate/trailgate/rego"
)

func TestZZProbe(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	debug.SetGCPercent(-1)
	t0 := time.Now()
	p, err := LoadPolicy(policyfs.FS)
	if err != nil {
		t.Fatal(err)
	}
	t1 := time.Now()
	store, _ := Store()
	compiler := ast.NewCompiler().
		WithDefaultRegoVersion(ast.RegoV1).
		WithBuiltins(map[string]*ast.Builtin{AuthzBuiltin: {Name: authzDecl.Name, Description: authzDecl.Description, Decl: authzDecl.Decl}})
	compiler.Compile(p.Modules)
	t2 := time.Now()
	for _, pkg := range sortedNames(p.rulePackages) {
		opts := []func(*rego.Rego){
			rego.Compiler(compiler),
			rego.Query("data.trailgate.rules." + pkg + ".deny[f]"),
			rego.SetRegoVersion(ast.RegoV1),
			rego.Store(store),
		}
		opts = append(opts, regoBuiltins()...)
		_, err := rego.New(opts...).PrepareForEval(context.Background())
		if err != nil {
			t.Fatal(err)
		}
	}
	t3 := time.Now()
	e, _ := New()
	t4 := time.Now()
	snap, conn := demo(t)
	e.Check(context.Background(), snap, conn)
	t5 := time.Now()
	e.Check(context.Background(), snap, conn)
	t6 := time.Now()
	t.Logf("load %v compile %v prepare %v New(again) %v check1 %v check2 %v", t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4), t6.Sub(t5))
}
