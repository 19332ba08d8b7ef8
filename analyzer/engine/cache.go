package engine

import (
	"math"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/topdown"
	"github.com/open-policy-agent/opa/v1/util"
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
	shared *sharedCache         // one per Check, across its rules
	rule   int                  // the index of the rule evaluated (Engine.queries)
	local  topdown.VirtualCache // this rule's query only
	depth  int                  // frames pushed by `with`
	log    *unknownLog
}

func newRuleCache(shared *sharedCache, rule int, log *unknownLog) *ruleCache {
	return &ruleCache{shared: shared, rule: rule, local: topdown.NewVirtualCache(), log: log}
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
		if v, undefined := c.shared.get(ref, c.rule); v != nil || undefined {
			return v, undefined
		}
	}
	return c.local.Get(ref)
}

func (c *ruleCache) Put(ref ast.Ref, value *ast.Term) {
	if c.depth == 0 && c.log.empty() && c.shared.put(ref, value, c.rule) {
		return
	}
	c.local.Put(ref, value)
}

// Keys lists the keys the active frame answers (OPA's evaluator does not
// call it; the interface requires it).
func (c *ruleCache) Keys() []ast.Ref {
	keys := c.local.Keys()
	if c.depth == 0 {
		keys = append(keys, c.shared.keys()...)
	}
	return keys
}

// sharedCache is the cache the rules of one Check share, each value kept
// only until the last rule that may read it has run.
//
// Kept for the whole Check, the library values the rules computed, and
// the answers they hold, grew the heap while the rules ran: at 2,000
// synthetic accounts from 341 MB after the first rule to 485 MB after the
// last. Dropping each after its last rule took about 60 MB off the peak
// at 10,000 accounts (2,341-2,352 MB against 2,402-2,411): most values
// are read by the last rules too. A value is the document of some rules (the ref's rules in
// OPA's rule tree; a function's value, its ref and arguments); the rules
// that may read it are those whose query depends on those rules, directly
// or through others (lastUse, from OPA's rule dependency graph, where a
// ref that selects a rule through a variable depends on every rule it may
// select). After the last of them the value is dropped. Dropping early
// could only cost time: a later rule that needs the value computes it
// again, identically (the same input and data), and TestSharedCacheSameFindings
// compares the findings with those of unshared queries.
type sharedCache struct {
	expiry *ruleExpiry
	// byLast holds the values by the index of the last rule that may
	// read them; forever (len of the rules) those whose rules the graph
	// does not place.
	byLast map[int]topdown.VirtualCache
}

func newSharedCache(expiry *ruleExpiry) *sharedCache {
	return &sharedCache{expiry: expiry, byLast: map[int]topdown.VirtualCache{}}
}

// get looks ref up for rule (the index of the rule evaluated).
func (c *sharedCache) get(ref ast.Ref, rule int) (*ast.Term, bool) {
	last := c.expiry.last(ref)
	if last < rule {
		return nil, false
	}
	vc := c.byLast[last]
	if vc == nil {
		return nil, false
	}
	return vc.Get(ref)
}

// put keeps value for the rules up to the last that may read it, and
// reports whether it did (a value only rules already run could read is
// left to the rule's own cache).
func (c *sharedCache) put(ref ast.Ref, value *ast.Term, rule int) bool {
	last := c.expiry.last(ref)
	if last < rule {
		return false
	}
	vc := c.byLast[last]
	if vc == nil {
		vc = topdown.NewVirtualCache()
		c.byLast[last] = vc
	}
	vc.Put(ref, value)
	return true
}

// done drops the values no rule after rule may read.
func (c *sharedCache) done(rule int) { delete(c.byLast, rule) }

func (c *sharedCache) keys() []ast.Ref {
	var keys []ast.Ref
	for _, vc := range c.byLast {
		keys = append(keys, vc.Keys()...)
	}
	return keys
}

// ruleExpiry gives, for each rule of the compiled modules, the index of
// the last rule query (Engine.queries) whose evaluation may read its
// document.
type ruleExpiry struct {
	compiler *ast.Compiler
	lastUse  map[*ast.Rule]int
	forever  int
}

// newRuleExpiry walks OPA's rule dependency graph from each query's
// package (data.trailgate.rules.<pkg>: every rule of it, not only deny).
// The compiler skips building the graph (checkOnlyStages); it is built
// here, once per engine and only when a Check needs it.
func newRuleExpiry(compiler *ast.Compiler, pkgs []ast.Ref) *ruleExpiry {
	g := ast.NewGraph(compiler.Modules, compiler.GetRulesDynamic)
	x := &ruleExpiry{compiler: compiler, lastUse: map[*ast.Rule]int{}, forever: len(pkgs)}
	for i, pkg := range pkgs {
		seen := map[util.T]bool{}
		var stack []util.T
		for _, r := range compiler.GetRulesWithPrefix(pkg) {
			for n := r; n != nil; n = n.Else {
				stack = append(stack, n)
			}
		}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[n] {
				continue
			}
			seen[n] = true
			if r, ok := n.(*ast.Rule); ok {
				x.lastUse[r] = i // the queries run in order: i is the largest so far
			}
			for d := range g.Dependencies(n) {
				if !seen[d] {
					stack = append(stack, d)
				}
			}
		}
	}
	return x
}

// last is the index of the last query that may read the document ref
// names (forever when the rule tree or the graph does not say, or when
// the Check keeps every value: x nil).
func (x *ruleExpiry) last(ref ast.Ref) int {
	if x == nil {
		return math.MaxInt
	}
	rules := x.compiler.GetRulesForVirtualDocument(ref)
	if len(rules) == 0 {
		return x.forever
	}
	last := -1
	for _, r := range rules {
		l, ok := x.lastUse[r]
		if !ok {
			return x.forever
		}
		last = max(last, l)
	}
	return last
}
