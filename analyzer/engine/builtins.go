package engine

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"
	"github.com/open-policy-agent/opa/v1/tester"
	"github.com/open-policy-agent/opa/v1/types"

	"github.com/trailgate/trailgate/analyzer/authz"
)

// AuthzBuiltin is the name of the built-in rules use to ask authorization
// questions:
//
//	trailgate.authz(snapshot, {"principal": p, "action": a, "resource": r, "context": {k: v}})
//	  → {"decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied"|"Unknown",
//	     "proof": "one sentence", "explanation": ["…"],
//	     "statements": [{"kind": "resource"|"identity"|"boundary"|"scp"|"rcp"|…,
//	                     "policy": "…", "target": "…", "index": N, "sid": "…",
//	                     "effect": "Allow"|"Deny",
//	                     "role": "deny"|"allow"|"near_miss"|"malformed"}],
//	     "kinds": [{"kind": "resource"|"identity"|"boundary"|"scp"|"rcp"|…,
//	                "target": "…",
//	                "outcome": "allow"|"deny"|"implicit"|"skipped",
//	                "reason": "…"}]}
//
// statements is authz.Answer.Statements: the statements the explanation's
// steps name, then those that make a consulted policy malformed, so that
// rules locate a finding's statement without reading the explanation's
// wording. target and sid are "" when they do not apply.
//
// kinds is authz.Answer.Kinds: in the explanation's order, what each policy
// kind consulted said (one entry per SCP or RCP level and per boundary), so
// that rules ask which side allowed or which kind denied without parsing
// the explanation. target is "" except for scp and rcp.
//
// Rules call it through data.trailgate.lib.authz, which passes
// input.snapshot. The snapshot is an argument (not a global) so that the
// same built-in answers in Rego unit tests, where each test brings its own
// input; Check binds the index it built for the snapshot being checked, so
// the index is built once per Check and never per call.
const AuthzBuiltin = "trailgate.authz"

var jsonObject = types.NewObject(nil, types.NewDynamicProperty(types.S, types.A))

var authzDecl = objectBuiltin(AuthzBuiltin,
	"Answers whether a principal may perform an action on a resource in the given snapshot, with an explanation.",
	"answer", false, types.Named("snapshot", types.A), types.Named("request", jsonObject))

// objectBuiltin declares a builtin of args that returns a JSON object,
// named result; memoize caches its value for one evaluation (Rego's
// Memoize), for builtins whose answer depends on their arguments only.
func objectBuiltin(name, description, result string, memoize bool, args ...types.Type) *rego.Function {
	return &rego.Function{
		Name:        name,
		Description: description,
		Decl:        types.NewFunction(types.Args(args...), types.Named(result, jsonObject)),
		Memoize:     memoize,
	}
}

// indexBuilds counts indexes built from Rego values (the slow path); the
// engine's tests use it to prove that Check takes the fast path.
var indexBuilds atomic.Int64

// authzCalls counts the built-in's calls; the engine's tests use it to
// show which answers the rules of a Check share.
var authzCalls atomic.Int64

type bindingKey struct{}

// binding ties the snapshot value handed to Rego to the index built for it.
type binding struct {
	snap    ast.Value
	index   *authz.Index
	answers *answerTerms
}

type cacheKey struct{ snap ast.Value }

func withIndex(ctx context.Context, snap ast.Value, ix *authz.Index) context.Context {
	return context.WithValue(ctx, bindingKey{}, &binding{snap: snap, index: ix, answers: newAnswerTerms()})
}

func authzImpl(bctx rego.BuiltinContext, snapT, reqT *ast.Term) (*ast.Term, error) {
	authzCalls.Add(1)
	ix, err := indexFor(bctx, snapT.Value)
	if err != nil {
		return nil, err
	}
	req, err := decodeRequest(reqT.Value)
	if err != nil {
		return nil, err
	}
	if c := boundAnswers(bctx, ix); c != nil {
		return c.authorize(bctx.Context, ix, req), nil
	}
	a := ix.Authorize(req)
	recordUnknown(bctx.Context, req, a)
	return ast.NewTerm(answerValue(a)), nil
}

// indexFor returns the index for the snapshot value: the one Check bound
// (compared by identity, which OPA preserves for input sub-documents), or
// one built from the value and cached for the rest of the query.
func indexFor(bctx rego.BuiltinContext, v ast.Value) (*authz.Index, error) {
	if bctx.Context != nil {
		if b, ok := bctx.Context.Value(bindingKey{}).(*binding); ok && sameValue(b.snap, v) {
			return b.index, nil
		}
	}
	key := cacheKey{v}
	if bctx.Cache != nil {
		if ix, ok := bctx.Cache.Get(key); ok {
			return ix.(*authz.Index), nil
		}
	}
	s, err := decodeSnapshot(AuthzBuiltin, v)
	if err != nil {
		return nil, err
	}
	ix, err := authz.NewIndex(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", AuthzBuiltin, err)
	}
	indexBuilds.Add(1)
	if bctx.Cache != nil {
		bctx.Cache.Put(key, ix)
	}
	return ix, nil
}

// boundAnswers is the Check's answer values when ix is the index Check
// bound (an index built from another snapshot value answers for that
// value only).
func boundAnswers(bctx rego.BuiltinContext, ix *authz.Index) *answerTerms {
	if bctx.Context == nil {
		return nil
	}
	if b, ok := bctx.Context.Value(bindingKey{}).(*binding); ok && b.index == ix {
		return b.answers
	}
	return nil
}

// sameValue compares by identity: objects are pointers in OPA's AST.
func sameValue(a, b ast.Value) (same bool) {
	defer func() {
		if recover() != nil {
			same = false
		}
	}()
	return a == b
}

func decodeRequest(v ast.Value) (authz.Request, error) {
	var req authz.Request
	obj, ok := v.(ast.Object)
	if !ok {
		return req, fmt.Errorf("%s: request must be an object", AuthzBuiltin)
	}
	str := func(key string) (string, error) {
		t := obj.Get(ast.InternedTerm(key))
		if t == nil {
			return "", fmt.Errorf("%s: request.%s missing", AuthzBuiltin, key)
		}
		s, ok := t.Value.(ast.String)
		if !ok {
			return "", fmt.Errorf("%s: request.%s must be a string", AuthzBuiltin, key)
		}
		return string(s), nil
	}
	var err error
	if req.Principal, err = str("principal"); err != nil {
		return req, err
	}
	if req.Action, err = str("action"); err != nil {
		return req, err
	}
	if req.Resource, err = str("resource"); err != nil {
		return req, err
	}
	if t := obj.Get(ast.InternedTerm("context")); t != nil {
		cobj, ok := t.Value.(ast.Object)
		if !ok {
			return req, fmt.Errorf("%s: request.context must be an object", AuthzBuiltin)
		}
		req.Context = map[string][]string{}
		err := cobj.Iter(func(k, val *ast.Term) error {
			ks, ok := k.Value.(ast.String)
			if !ok {
				return fmt.Errorf("%s: request.context keys must be strings", AuthzBuiltin)
			}
			var vals []string
			switch x := val.Value.(type) {
			case *ast.Array:
				for i := 0; i < x.Len(); i++ {
					vals = append(vals, scalarString(x.Elem(i).Value))
				}
			case ast.Set:
				for _, e := range x.Slice() {
					vals = append(vals, scalarString(e.Value))
				}
			default:
				vals = []string{scalarString(x)}
			}
			req.Context[string(ks)] = vals
			return nil
		})
		if err != nil {
			return req, err
		}
	}
	return req, nil
}

// scalarString spells a value as AWS sends condition values: strings as
// they are, numbers and booleans in their JSON form.
func scalarString(v ast.Value) string {
	if s, ok := v.(ast.String); ok {
		return string(s)
	}
	return v.String()
}

// regoBuiltins are the built-ins offered to the prepared query.
func regoBuiltins() []func(*rego.Rego) {
	return []func(*rego.Rego){rego.Function2(authzDecl, authzImpl), rego.Function1(sourcesDecl, sourcesImpl),
		rego.Function2(pathsDecl, pathsImpl), rego.Function1(pathAnswerDecl, pathAnswerImpl), rego.Function3(stepsDecl, stepsImpl)}
}

// builtinDecls declares the built-ins to the compiler.
func builtinDecls() map[string]*ast.Builtin {
	out := map[string]*ast.Builtin{}
	for _, d := range []*rego.Function{authzDecl, sourcesDecl, pathsDecl, pathAnswerDecl, stepsDecl} {
		out[d.Name] = &ast.Builtin{Name: d.Name, Description: d.Description, Decl: d.Decl}
	}
	return out
}

// TesterBuiltins are the same built-ins for OPA's test runner, so that the
// rules' *_test.rego files exercise the real authorization answers.
func TesterBuiltins() []*tester.Builtin {
	decls := builtinDecls()
	return []*tester.Builtin{
		{Decl: decls[AuthzBuiltin], Func: rego.Function2(authzDecl, authzImpl)},
		{Decl: decls[SourcesBuiltin], Func: rego.Function1(sourcesDecl, sourcesImpl)},
		{Decl: decls[PathsBuiltin], Func: rego.Function2(pathsDecl, pathsImpl)},
		{Decl: decls[PathAnswerBuiltin], Func: rego.Function1(pathAnswerDecl, pathAnswerImpl)},
		{Decl: decls[StepsBuiltin], Func: rego.Function3(stepsDecl, stepsImpl)},
	}
}
