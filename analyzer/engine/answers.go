package engine

import (
	"context"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/trailgate/trailgate/analyzer/authz"
)

// answerTerms converts the authorization answers of one Check to Rego
// values, each once, sharing what answers repeat.
//
// Before it, every call of trailgate.authz and trailgate.path_answer built
// a new value, and OPA keeps each in the virtual cache of the function
// that asked (lib.authz, lib.path_answer) for the rest of the rule, or of
// the Check when the rules share it (ruleCache): at 300 synthetic
// accounts these values were 65 MB of a 196 MB heap, a third of the
// memory of `check --snapshot`, the Go answers behind them (the index's
// cache) 42 MB more. Now a question asked again, by another rule or in
// another function, gets the same term; and the statements and kinds,
// which many answers share (the same SCP statement decides every
// account's questions, the same boundary step explains every role's), and
// their strings, are one term each. OPA never modifies a ground term, so
// sharing them is safe, as the input's shared strings (jsonValue) are.
type answerTerms struct {
	mu         sync.Mutex
	byKey      map[authz.Key]keyed // authz.Request.Key → answer
	contexts   map[string]string   // the keys' contexts (authz.Key.Interned)
	byRef      map[int]*ast.Term   // path answer ref → answer
	statements map[authz.Statement]*ast.Term
	kinds      map[authz.KindOutcome]*ast.Term
	// The lists of the answers, by identity: the index gives equal lists
	// as one (authz.Index.intern), and at 50 synthetic accounts 1,050
	// answers had 358 distinct explanations and kind lists.
	explanations   map[*string]*ast.Term
	statementLists map[*authz.Statement]*ast.Term
	kindLists      map[*authz.KindOutcome]*ast.Term
	strs           stringTerms
}

func newAnswerTerms() *answerTerms {
	return &answerTerms{
		byKey:      map[authz.Key]keyed{},
		contexts:   map[string]string{},
		byRef:      map[int]*ast.Term{},
		statements: map[authz.Statement]*ast.Term{},
		kinds:      map[authz.KindOutcome]*ast.Term{},

		explanations:   map[*string]*ast.Term{},
		statementLists: map[*authz.Statement]*ast.Term{},
		kindLists:      map[*authz.KindOutcome]*ast.Term{},
		strs:           stringTerms{},
	}
}

// keyed is the answer to one question of the rules: its value, and the
// answer itself when it is Unknown (each rule that receives it logs it).
type keyed struct {
	term    *ast.Term
	unknown *authz.Answer
}

// authorize answers req for a rule from ix, the index of the Check: the
// value converted when the question was first asked, else a new answer,
// which the index does not keep (AuthorizeUncached), since this value
// is what the rules read. An Unknown answer is logged for the rule
// being evaluated each time.
func (c *answerTerms) authorize(ctx context.Context, ix *authz.Index, req authz.Request) *ast.Term {
	key := req.Key()
	c.mu.Lock()
	e, ok := c.byKey[key]
	c.mu.Unlock()
	if !ok {
		a := ix.AuthorizeUncached(req, key)
		c.mu.Lock()
		if e, ok = c.byKey[key]; !ok {
			e = keyed{term: ast.NewTerm(c.value(a))}
			if a.Decision == authz.Unknown {
				e.unknown = &a
			}
			c.byKey[key.Interned(c.contexts)] = e
		}
		c.mu.Unlock()
	}
	if e.unknown != nil {
		recordUnknown(ctx, req, *e.unknown)
	}
	return e.term
}

// forRef is the value of the paths' answer ref.
func (c *answerTerms) forRef(ref int, a authz.Answer) *ast.Term {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.byRef[ref]; ok {
		return t
	}
	t := ast.NewTerm(c.value(a))
	c.byRef[ref] = t
	return t
}

// text is the term of a string of one answer (its proof, an explanation
// line): most are the answer's own, so they are not interned.
func text(s string) *ast.Term { return ast.StringTerm(s) }

func (c *answerTerms) str(s string) *ast.Term {
	if c == nil {
		return ast.StringTerm(s)
	}
	return c.strs.term(s)
}

// stringTerms interns the string terms of one document or Check.
type stringTerms map[string]*ast.Term

func (m stringTerms) term(s string) *ast.Term {
	if t, ok := m[s]; ok {
		return t
	}
	t := ast.StringTerm(s)
	m[s] = t
	return t
}

// shared is the term build makes for k, made once per Check (table is
// where c keeps them); with a nil c, a new one.
func shared[K comparable](c *answerTerms, table func(*answerTerms) map[K]*ast.Term, k K, build func() *ast.Term) *ast.Term {
	if c == nil {
		return build()
	}
	m := table(c)
	if t, ok := m[k]; ok {
		return t
	}
	t := build()
	m[k] = t
	return t
}

// Keys of the answer objects, shared by every answer (OPA interns its own
// constant terms the same way).
var (
	keyDecision    = ast.StringTerm("decision")
	keyProof       = ast.StringTerm("proof")
	keyExplanation = ast.StringTerm("explanation")
	keyStatements  = ast.StringTerm("statements")
	keyKinds       = ast.StringTerm("kinds")
	keyKind        = ast.StringTerm("kind")
	keyPolicy      = ast.StringTerm("policy")
	keyTarget      = ast.StringTerm("target")
	keyIndex       = ast.StringTerm("index")
	keySid         = ast.StringTerm("sid")
	keyEffect      = ast.StringTerm("effect")
	keyRole        = ast.StringTerm("role")
	keyOutcome     = ast.StringTerm("outcome")
	keyReason      = ast.StringTerm("reason")
)

// value is the Rego value of a; c may be nil (nothing shared: the
// built-ins of Rego unit tests, which run outside a Check).
func (c *answerTerms) value(a authz.Answer) ast.Value {
	expl := list(c, func(c *answerTerms) map[*string]*ast.Term { return c.explanations }, a.Explanation, func(e string) *ast.Term { return text(e) })
	stmts := list(c, func(c *answerTerms) map[*authz.Statement]*ast.Term { return c.statementLists }, a.Statements, func(st authz.Statement) *ast.Term {
		return shared(c, func(c *answerTerms) map[authz.Statement]*ast.Term { return c.statements }, st, func() *ast.Term {
			return ast.ObjectTerm(
				ast.Item(keyKind, c.str(st.Kind)),
				ast.Item(keyPolicy, c.str(st.Policy)),
				ast.Item(keyTarget, c.str(st.Target)),
				ast.Item(keyIndex, ast.InternedTerm(st.Index)),
				ast.Item(keySid, c.str(st.Sid)),
				ast.Item(keyEffect, c.str(st.Effect)),
				ast.Item(keyRole, c.str(st.Role)),
			)
		})
	})
	kinds := list(c, func(c *answerTerms) map[*authz.KindOutcome]*ast.Term { return c.kindLists }, a.Kinds, func(k authz.KindOutcome) *ast.Term {
		return shared(c, func(c *answerTerms) map[authz.KindOutcome]*ast.Term { return c.kinds }, k, func() *ast.Term {
			return ast.ObjectTerm(
				ast.Item(keyKind, c.str(k.Kind)),
				ast.Item(keyTarget, c.str(k.Target)),
				ast.Item(keyOutcome, c.str(string(k.Outcome))),
				ast.Item(keyReason, c.str(k.Reason)),
			)
		})
	})
	return ast.NewObject(
		ast.Item(keyDecision, c.str(string(a.Decision))),
		ast.Item(keyProof, text(a.Proof)),
		ast.Item(keyExplanation, expl),
		ast.Item(keyStatements, stmts),
		ast.Item(keyKinds, kinds),
	)
}

// list is the array term of an answer's list, made once per Check for
// each list the index gave (keyed by its first element's address, which
// only that list has).
func list[T any](c *answerTerms, table func(*answerTerms) map[*T]*ast.Term, l []T, elem func(T) *ast.Term) *ast.Term {
	build := func() *ast.Term {
		terms := make([]*ast.Term, len(l))
		for i, e := range l {
			terms[i] = elem(e)
		}
		return ast.ArrayTerm(terms...)
	}
	if len(l) == 0 {
		return build()
	}
	return shared(c, table, &l[0], build)
}

// answerValue is the Rego value of a, nothing shared.
func answerValue(a authz.Answer) ast.Value { return (*answerTerms)(nil).value(a) }
