package engine

import (
	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
)

// Sharing the library's work between the rules of one Check.
//
// Check evaluates one query per rule, so that each Unknown authorization
// answer is charged to the rule whose evaluation received it. Left alone,
// OPA gives each query its own virtual-document cache, and every rule
// recomputes the shared library (lib.deliveries, lib.readers,
// lib.reader_keys, the data paths, the vendor profile steps) and asks its
// authorization questions again: most of the time of a Check.
//
// ruleCache lets the queries of one Check share the values whose
// computation received no Unknown answer, and only those. The rule
// currently evaluated records its Unknown answers in its unknownLog, which
// only grows; a value OPA puts in the cache while that log is still empty
// was computed without an Unknown answer (values it read from the shared
// cache were, by the same argument, and one read from the rule's own cache
// was stored after an Unknown answer, so the log would not be empty), and
// it is shared. Any other value stays in the rule's own cache, so a later
// rule that needs it computes it again and receives, and records, the same
// Unknown answers: the findings are exactly those of unshared queries
// (TestSharedCacheKeepsUnknownAnswersPerRule). Every query of a Check has
// the same input and data, which is what makes a cached value valid in
// another query. Values computed under `with` (OPA pushes a cache frame
// for them) are never shared.
type ruleCache struct {
	shared topdown.VirtualCache // one per Check, across its rules
	local  topdown.VirtualCache // this rule's query only
	depth  int                  // frames pushed by `with`
	log    *unknownLog
}

func newRuleCache(shared topdown.VirtualCache, log *unknownLog) *ruleCache {
	return &ruleCache{shared: shared, local: topdown.NewVirtualCache(), log: log}
}

func (c *ruleCache) Push() {
	c.depth++
	c.local.Push()
}

func (c *ruleCache) Pop() {
	c.depth--
	c.local.Pop()
}

func (c *ruleCache) Get(ref ast.Ref) (*ast.Term, bool) {
	if c.depth == 0 {
		if v, undefined := c.shared.Get(ref); v != nil || undefined {
			return v, undefined
		}
	}
	return c.local.Get(ref)
}

func (c *ruleCache) Put(ref ast.Ref, value *ast.Term) {
	if c.depth == 0 && c.log.empty() {
		c.shared.Put(ref, value)
		return
	}
	c.local.Put(ref, value)
}

// Keys lists the keys the active frame answers (OPA's evaluator does not
// call it; the interface requires it).
func (c *ruleCache) Keys() []ast.Ref {
	keys := c.local.Keys()
	if c.depth == 0 {
		keys = append(keys, c.shared.Keys()...)
	}
	return keys
}
