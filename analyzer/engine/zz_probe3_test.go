package engine

import (
	"os"
	"runtime/debug"
	"sort"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/metrics"
	policyfs "github.com/trailgate/trailgate/rego"
)

func TestZZProbe3(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	debug.SetGCPercent(-1)
	p, _ := LoadPolicy(policyfs.FS)
	m := metrics.New()
	t0 := time.Now()
	compiler := ast.NewCompiler().WithMetrics(m).
		WithDefaultRegoVersion(ast.RegoV1).
		WithBuiltins(map[string]*ast.Builtin{AuthzBuiltin: {Name: authzDecl.Name, Description: authzDecl.Description, Decl: authzDecl.Decl}})
	compiler.Compile(p.Modules)
	t.Logf("compile %v", time.Since(t0))
	type kv struct{ k string; v int64 }
	var kvs []kv
	for k, v := range m.All() {
		if n, ok := v.(int64); ok {
			kvs = append(kvs, kv{k, n})
		}
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v })
	for _, x := range kvs[:20] {
		t.Logf("%s %.2fms", x.k, float64(x.v)/1e6)
	}
}
