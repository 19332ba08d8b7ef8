package engine

import (
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	policyfs "github.com/trailgate/trailgate/rego"
)

func BenchmarkZZCompile(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		p, _ := loadPolicy(policyfs.FS, false)
		b.StartTimer()
		compiler := ast.NewCompiler().
			WithDefaultRegoVersion(ast.RegoV1).
			WithBuiltins(map[string]*ast.Builtin{AuthzBuiltin: {Name: authzDecl.Name, Description: authzDecl.Description, Decl: authzDecl.Decl}})
		compiler.Compile(p.Modules)
	}
}
