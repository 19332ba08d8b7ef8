package engine

import (
	"context"
	"os"
	"sort"
	"testing"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/trailgate/trailgate/analyzer/authz"
)

func TestZZProbe2(t *testing.T) {
	if os.Getenv("PROBE") == "" {
		t.Skip()
	}
	e, _ := New()
	snap, conn := demo(t)
	ix, _ := authz.NewIndex(snap)
	snapVal, _ := toValue(snap)
	connVal, _ := toValue(conn)
	input := ast.NewObject(
		ast.Item(ast.StringTerm("snapshot"), ast.NewTerm(snapVal)),
		ast.Item(ast.StringTerm("connector"), ast.NewTerm(connVal)),
	)
	ctx := withIndex(context.Background(), snapVal, ix)
	type r struct{ id string; d time.Duration }
	var rs []r
	var tot time.Duration
	for i := 0; i < 20; i++ {
		shared := topdown.NewVirtualCache()
		for j, q := range e.queries {
			var log unknownLog
			t0 := time.Now()
			q.pq.Eval(withUnknownLog(ctx, &log), rego.EvalParsedInput(input), rego.EvalVirtualCache(newRuleCache(shared, &log)))
			d := time.Since(t0)
			if i == 0 {
				rs = append(rs, r{q.rule.ID, 0})
			}
			rs[j].d += d / 20
			tot += d / 20
		}
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].d > rs[j].d })
	t.Logf("total %v %v", tot, rs)
}
