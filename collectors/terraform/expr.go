package terraform

import (
	"cmp"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Expressions of the .tf configuration.
//
// `terraform show -json` keeps, for an expression that is not a constant,
// only the references it makes: `jsonencode({... Resource =
// "${aws_s3_bucket.logs.arn}/*" ...})` and `aws_s3_bucket.logs.arn` look
// the same. When the value is known only after apply, the plan alone
// cannot say what it will be. With the .tf files at hand (beside the plan
// or Options.ConfigDir), the expression text of such an attribute is
// evaluated, with the same HCL and cty functions Terraform uses, over the
// subset people write: string templates, object and tuple literals,
// parentheses, indexing, jsonencode, format, join and concat, references to
// resource and data source attributes (aws_x.y.arn,
// data.aws_iam_policy_document.p.json, data.aws_caller_identity.c.account_id,
// module outputs), var (the plan's values, a module call's arguments),
// local, count.index and each.key/each.value where the plan gives the
// instance key. A reference resolves as resolveIn resolves it, so a value
// AWS assigns is the symbol its resource gets everywhere else. Anything
// else (conditionals, operators, for expressions, other functions, a
// variable without value) leaves the attribute unknown, as without the
// .tf files: an operator could compare a symbol with a literal, which no
// one can decide before apply.

// exprFuncs are the functions evaluated: Terraform's own implementations
// (lang/funcs binds these names to these cty stdlib functions).
var exprFuncs = map[string]function.Function{
	"jsonencode": stdlib.JSONEncodeFunc,
	"format":     stdlib.FormatFunc,
	"join":       stdlib.JoinFunc,
	"concat":     stdlib.ConcatFunc,
}

// evaluable reports whether e stays inside the subset: no operator,
// conditional, for or splat expression, and only exprFuncs.
func evaluable(e hclsyntax.Expression) bool {
	ok := true
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr, *hclsyntax.LiteralValueExpr,
			*hclsyntax.ScopeTraversalExpr, *hclsyntax.RelativeTraversalExpr, *hclsyntax.IndexExpr,
			*hclsyntax.ObjectConsExpr, *hclsyntax.ObjectConsKeyExpr, *hclsyntax.TupleConsExpr,
			*hclsyntax.ParenthesesExpr:
		case *hclsyntax.FunctionCallExpr:
			if _, known := exprFuncs[x.Name]; !known || x.ExpandFinal {
				ok = false
			}
		default:
			ok = false
		}
		return nil
	})
	return ok
}

// scope is where an expression is evaluated: its module instance, the
// instance key of the block that holds it (count.index, each.key) and
// that block's body (for each.value, its for_each).
type scope struct {
	module string
	key    string
	block  *hclsyntax.Body
}

// sourceExpr is attribute key of v's block in the .tf text, and the scope
// it is evaluated in; false without configuration or attribute.
func (b *builder) sourceExpr(v view, key string) (hclsyntax.Expression, scope, bool) {
	if v.body == nil || v.in == nil {
		return nil, scope{}, false
	}
	a := v.body.Attributes[key]
	if a == nil {
		return nil, scope{}, false
	}
	return a.Expr, scope{module: v.in.module, key: v.in.index, block: b.top(v.in).body}, true
}

// sourceValue is attribute key of v's block evaluated from the .tf text.
func (b *builder) sourceValue(v view, key string) (cty.Value, bool) {
	e, sc, ok := b.sourceExpr(v, key)
	if !ok {
		return cty.NilVal, false
	}
	return b.memo("attr "+v.path+"."+key, func() (cty.Value, bool) { return b.exprValue(sc, e) })
}

// memoEntry is one evaluation memo: done once it has its value.
type memoEntry struct {
	val  cty.Value
	ok   bool
	done bool
}

// memo evaluates f once per key. An expression may name one local or
// attribute many times, and those name others: without it, the work
// would grow exponentially with the chain. A key met again while it is
// being evaluated is a cycle (Terraform refuses one): unknown.
func (b *builder) memo(key string, f func() (cty.Value, bool)) (cty.Value, bool) {
	if e, ok := b.exprMemo[key]; ok {
		return e.val, e.done && e.ok
	}
	if b.exprMemo == nil {
		b.exprMemo = map[string]*memoEntry{}
	}
	e := &memoEntry{}
	b.exprMemo[key] = e
	e.val, e.ok = f()
	e.done = true
	return e.val, e.ok
}

// sourceString is attribute key of v's block evaluated from the .tf text,
// when it is a string (a number or bool in its string form).
func (b *builder) sourceString(v view, key string) (string, bool) {
	val, ok := b.sourceValue(v, key)
	if !ok {
		return "", false
	}
	return ctyString(val)
}

// sourceStrings is a list attribute of v's block evaluated from the .tf
// text, when every element is a string.
func (b *builder) sourceStrings(v view, key string) ([]string, bool) {
	val, ok := b.sourceValue(v, key)
	if !ok || val.IsNull() {
		return nil, false
	}
	// A single string is not a list: Terraform refuses it where the
	// provider wants a set, so it is no value to judge.
	if ty := val.Type(); !ty.IsTupleType() && !ty.IsListType() && !ty.IsSetType() {
		return nil, false
	}
	var out []string
	for it := val.ElementIterator(); it.Next(); {
		_, ev := it.Element()
		s, ok := ctyString(ev)
		if !ok {
			return nil, false
		}
		if s != "" {
			out = append(out, s)
		}
	}
	return out, true
}

// ctyString is a known primitive value as Terraform converts it to a
// string. A jsonencode result comes back with the tokens' < and > as
// they are: encoding/json escapes them (\u003c), the rest of the collector
// writes them plain, and both are the same JSON text.
func ctyString(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsWhollyKnown() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		s := v.AsString()
		if t := strings.TrimSpace(s); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
			s = strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
		}
		return s, true
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	case cty.Bool:
		return strconv.FormatBool(v.True()), true
	}
	return "", false
}

// exprValue evaluates e in sc; false when e is outside the subset, refers
// to something neither the plan nor the configuration determines, or is
// not wholly known.
func (b *builder) exprValue(sc scope, e hclsyntax.Expression) (cty.Value, bool) {
	// References chain (a policy document's json names a bucket's ARN
	// whose name is a local built from a variable...); a cycle, which
	// Terraform refuses, ends here as an unknown.
	if b.evalDepth >= maxResolveDepth || !evaluable(e) {
		return cty.NilVal, false
	}
	b.evalDepth++
	defer func() { b.evalDepth-- }()
	root := &vnode{}
	for _, t := range e.Variables() {
		n, val, ok := b.traversalValue(sc, t, e)
		if !ok || !root.put(t[:n], val) {
			return cty.NilVal, false
		}
	}
	vars := map[string]cty.Value{}
	for name, n := range root.attrs {
		val, ok := n.value()
		if !ok {
			return cty.NilVal, false
		}
		vars[name] = val
	}
	val, diags := e.Value(&hcl.EvalContext{Variables: vars, Functions: exprFuncs})
	if diags.HasErrors() || !val.IsWhollyKnown() || valueSize(val, maxExprBytes) > maxExprBytes {
		return cty.NilVal, false
	}
	return val, true
}

// maxExprBytes bounds the text an evaluated value holds: locals that each
// repeat the one before double at every step, and no policy AWS accepts
// is near this size (a bucket policy's limit is 20 KB).
const maxExprBytes = 1 << 20

// valueSize is the number of bytes of text in v, counted up to limit.
func valueSize(v cty.Value, limit int) int {
	if v.IsNull() || !v.IsKnown() {
		return 0
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return len(v.AsString())
	case ty.IsPrimitiveType():
		return 8
	case v.CanIterateElements():
		n := 0
		for it := v.ElementIterator(); it.Next() && n <= limit; {
			k, e := it.Element()
			n += valueSize(k, limit) + valueSize(e, limit-n) + 1
		}
		return n
	}
	return 0
}

// traversalValue binds the first n steps of traversal t (met in e):
// var.x, local.x, count.index, each.key and each.value to their values;
// a resource or data source attribute, or a module output, to the string
// resolveIn gives it (a symbol, a value derived from one, a known value,
// or an unknown token inside a longer string); a whole resource, as
// aws_s3_bucket.b[count.index].arn needs, to its instances with the
// attributes e names.
func (b *builder) traversalValue(sc scope, t hcl.Traversal, e hclsyntax.Expression) (int, cty.Value, bool) {
	if len(t) < 2 {
		return 0, cty.NilVal, false
	}
	attr, ok := t[1].(hcl.TraverseAttr)
	if !ok {
		return 0, cty.NilVal, false
	}
	switch t.RootName() {
	case "count":
		i, err := strconv.Atoi(strings.Trim(sc.key, "[]"))
		if attr.Name != "index" || err != nil {
			return 0, cty.NilVal, false
		}
		return 2, cty.NumberIntVal(int64(i)), true
	case "each":
		k, err := strconv.Unquote(strings.Trim(sc.key, "[]"))
		if err != nil {
			return 0, cty.NilVal, false
		}
		switch attr.Name {
		case "key":
			return 2, cty.StringVal(k), true
		case "value":
			val, ok := b.eachValue(sc, k)
			return 2, val, ok
		}
		return 0, cty.NilVal, false
	case "var":
		val, ok := b.varValue(sc.module, attr.Name)
		return 2, val, ok
	case "local":
		if b.ix.src == nil {
			return 0, cty.NilVal, false
		}
		a := b.ix.src.locals[configPrefix(sc.module)+"local."+attr.Name]
		if a == nil {
			return 0, cty.NilVal, false
		}
		val, ok := b.memo("local "+configPrefix(sc.module)+attr.Name, func() (cty.Value, bool) {
			return b.exprValue(scope{module: sc.module}, a.Expr)
		})
		return 2, val, ok
	case "path", "terraform", "self":
		return 0, cty.NilVal, false
	}
	ref, n, ok := traversalRef(t)
	if !ok {
		return 0, cty.NilVal, false
	}
	steps := splitTraversal(ref)
	resourceLevel := len(steps) == 2 || len(steps) == 3 && steps[0].name == "data"
	if t.RootName() == "module" {
		resourceLevel = false
	}
	if resourceLevel {
		val, ok := b.instancesValue(sc.module, ref, attrNames(e))
		return n, val, ok
	}
	if t.RootName() != "module" {
		if in, rest := b.lookupRef(sc.module, sc.key, steps); in != nil && len(rest) > 0 {
			val, ok := b.attrValue(in, rest)
			return len(t), val, ok
		}
	}
	s := b.resolveIn(sc.module, sc.key, ref, b.evalDepth)
	if s == "" {
		// Null, or a list or object resolveIn does not render: not a
		// value to guess.
		return 0, cty.NilVal, false
	}
	return n, cty.StringVal(s), true
}

// attrValue is the value at rest inside instance in: what the plan knows
// keeping its type (a number or a list is not the string resolveIn would
// render), else what attrPath resolves it to. False for null, or for a
// value neither gives.
func (b *builder) attrValue(in *instance, rest []step) (cty.Value, bool) {
	if n := in.root.walk(rest); !n.unknown() && n.v != nil {
		if _, isString := n.v.(string); !isString {
			return jsonToCty(n.v)
		}
	}
	s := b.attrPath(in, rest, b.evalDepth)
	if s == "" {
		return cty.NilVal, false
	}
	return cty.StringVal(s), true
}

// traversalRef renders the static part of t as a reference the way the
// plan's configuration writes one (data.x.y["k"].attr[0]), and the number
// of steps it covers.
func traversalRef(t hcl.Traversal) (string, int, bool) {
	var sb strings.Builder
	sb.WriteString(t.RootName())
	for _, st := range t[1:] {
		switch x := st.(type) {
		case hcl.TraverseAttr:
			sb.WriteString("." + x.Name)
		case hcl.TraverseIndex:
			switch {
			case x.Key.IsNull() || !x.Key.IsKnown():
				return "", 0, false
			case x.Key.Type() == cty.String:
				sb.WriteString("[" + strconv.Quote(x.Key.AsString()) + "]")
			case x.Key.Type() == cty.Number:
				bf := x.Key.AsBigFloat()
				if !bf.IsInt() {
					return "", 0, false
				}
				i, _ := bf.Int64()
				sb.WriteString("[" + strconv.FormatInt(i, 10) + "]")
			default:
				return "", 0, false
			}
		default:
			return "", 0, false
		}
	}
	return sb.String(), len(t), true
}

// attrNames are the attribute names e's traversals use: those a whole
// resource's instances are given.
func attrNames(e hclsyntax.Expression) map[string]bool {
	out := map[string]bool{}
	add := func(t hcl.Traversal) {
		for _, st := range t {
			if a, ok := st.(hcl.TraverseAttr); ok {
				out[a.Name] = true
			}
		}
	}
	hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
		switch x := n.(type) {
		case *hclsyntax.ScopeTraversalExpr:
			add(x.Traversal)
		case *hclsyntax.RelativeTraversalExpr:
			add(x.Traversal)
		}
		return nil
	})
	return out
}

// instancesValue is a resource as a whole: one object when it has no
// count or for_each, a tuple by count.index, an object by each.key; each
// instance holds the attributes in names, resolved as a reference to them
// would be.
func (b *builder) instancesValue(module, ref string, names map[string]bool) (cty.Value, bool) {
	addr := joinModule(module, ref)
	inst := func(in *instance) (cty.Value, bool) {
		attrs := map[string]cty.Value{}
		for name := range names {
			if v, ok := b.attrValue(in, []step{{name: name}}); ok {
				attrs[name] = v
			}
		}
		return cty.ObjectVal(attrs), true
	}
	if in := b.ix.byAddr[addr]; in != nil {
		return inst(in)
	}
	var keys []string
	byKey := map[string]*instance{}
	for _, in := range b.ix.list {
		if strings.HasPrefix(in.addr, addr+"[") && in.addr[len(addr):] == in.index {
			keys = append(keys, in.index)
			byKey[in.index] = in
		}
	}
	if len(keys) == 0 {
		return cty.NilVal, false
	}
	if _, err := strconv.Atoi(strings.Trim(keys[0], "[]")); err == nil {
		slices.SortFunc(keys, func(x, y string) int {
			a, _ := strconv.Atoi(strings.Trim(x, "[]"))
			c, _ := strconv.Atoi(strings.Trim(y, "[]"))
			return cmp.Compare(a, c)
		})
		var elems []cty.Value
		for i, k := range keys {
			if k != "["+strconv.Itoa(i)+"]" {
				return cty.NilVal, false // a gap: not the whole resource
			}
			v, _ := inst(byKey[k])
			elems = append(elems, v)
		}
		return cty.TupleVal(elems), true
	}
	obj := map[string]cty.Value{}
	for _, k := range keys {
		name, err := strconv.Unquote(strings.Trim(k, "[]"))
		if err != nil {
			return cty.NilVal, false
		}
		obj[name], _ = inst(byKey[k])
	}
	return cty.ObjectVal(obj), true
}

// eachValue is each.value for the instance key k of sc's block: the
// element of its for_each map, or k itself for a set of strings.
func (b *builder) eachValue(sc scope, k string) (cty.Value, bool) {
	if sc.block == nil || sc.block.Attributes["for_each"] == nil {
		return cty.NilVal, false
	}
	fe, ok := b.memo("for_each "+sc.module+" "+sc.block.SrcRange.String(), func() (cty.Value, bool) {
		return b.exprValue(scope{module: sc.module}, sc.block.Attributes["for_each"].Expr)
	})
	if !ok || fe.IsNull() {
		return cty.NilVal, false
	}
	ty := fe.Type()
	switch {
	case ty.IsObjectType():
		if !ty.HasAttribute(k) {
			return cty.NilVal, false
		}
		return fe.GetAttr(k), true
	case ty.IsMapType():
		if !fe.HasIndex(cty.StringVal(k)).True() {
			return cty.NilVal, false
		}
		return fe.Index(cty.StringVal(k)), true
	case ty.IsSetType() || ty.IsTupleType() || ty.IsListType():
		// for_each over a set of strings (toset(...)): value is the key.
		return cty.StringVal(k), true
	}
	return cty.NilVal, false
}

// varValue is var.name in module: the plan's value at the root; in a
// module instance, its call's argument evaluated in the calling module
// (or what moduleVar resolves it to).
func (b *builder) varValue(module, name string) (cty.Value, bool) {
	if module == "" {
		pv := b.ix.vars[name]
		if pv == nil || pv.Value == nil {
			return cty.NilVal, false
		}
		return jsonToCty(pv.Value)
	}
	parent, call, key := splitModule(module)
	if call == "" {
		return cty.NilVal, false
	}
	if b.ix.src == nil {
		return cty.NilVal, false
	}
	if blk, ok := b.ix.src.blocks[configAddress(joinModule(parent, "module."+call))]; ok && blk.body != nil {
		if a := blk.body.Attributes[name]; a != nil {
			return b.memo("var "+module+"."+name, func() (cty.Value, bool) {
				return b.exprValue(scope{module: parent, key: key, block: blk.body}, a.Expr)
			})
		}
	}
	if s, ok := b.moduleVar(module, name, b.evalDepth); ok && s != "" {
		return cty.StringVal(s), true
	}
	return cty.NilVal, false
}

// jsonToCty converts a plan value (decoded JSON) to the cty value
// Terraform would give a variable of an unconstrained type.
func jsonToCty(v any) (cty.Value, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		return cty.NilVal, false
	}
	ty, err := ctyjson.ImpliedType(data)
	if err != nil {
		return cty.NilVal, false
	}
	val, err := ctyjson.Unmarshal(data, ty)
	if err != nil {
		return cty.NilVal, false
	}
	return val, true
}

// configPrefix is the prefix configBlocks gives a module instance's
// declarations: module.a.module.b. for module.a["x"].module.b[0].
func configPrefix(module string) string {
	if module == "" {
		return ""
	}
	return configAddress(module) + "."
}

// vnode gathers the values bound to traversals into the nested objects
// an EvalContext holds: aws_s3_bucket.logs.arn and aws_s3_bucket.logs.id
// become one object aws_s3_bucket = {logs = {arn, id}}.
type vnode struct {
	val   cty.Value
	set   bool
	attrs map[string]*vnode
	nums  map[int]*vnode
}

// put binds t's steps to val. A value bound whole covers the deeper
// traversals of the same expression (aws_s3_bucket.b bound for
// aws_s3_bucket.b[count.index].arn holds the arn aws_s3_bucket.b[0].arn
// asks for), so binding under it is a no-op and binding it replaces what
// was bound under it.
func (n *vnode) put(t hcl.Traversal, val cty.Value) bool {
	for _, st := range t {
		if n.set {
			return true
		}
		var key string
		switch x := st.(type) {
		case hcl.TraverseRoot:
			key = x.Name
		case hcl.TraverseAttr:
			key = x.Name
		case hcl.TraverseIndex:
			if x.Key.Type() == cty.Number {
				bf := x.Key.AsBigFloat()
				i, acc := bf.Int64()
				if !bf.IsInt() || acc != big.Exact || i < 0 || i > 1<<16 {
					return false
				}
				if n.nums == nil {
					n.nums = map[int]*vnode{}
				}
				if n.nums[int(i)] == nil {
					n.nums[int(i)] = &vnode{}
				}
				n = n.nums[int(i)]
				continue
			}
			key = x.Key.AsString()
		default:
			return false
		}
		if n.attrs == nil {
			n.attrs = map[string]*vnode{}
		}
		if n.attrs[key] == nil {
			n.attrs[key] = &vnode{}
		}
		n = n.attrs[key]
	}
	if !n.set {
		n.val, n.set, n.attrs, n.nums = val, true, nil, nil
	}
	return true
}

// value is the cty value of n: its bound value, an object of its
// attributes, or a tuple of its indexes with the elements nothing refers
// to unknown.
func (n *vnode) value() (cty.Value, bool) {
	if n.set {
		return n.val, true
	}
	if len(n.nums) > 0 {
		if len(n.attrs) > 0 {
			return cty.NilVal, false
		}
		last := 0
		for i := range n.nums {
			last = max(last, i)
		}
		elems := make([]cty.Value, last+1)
		for i := range elems {
			elems[i] = cty.DynamicVal
			if c := n.nums[i]; c != nil {
				v, ok := c.value()
				if !ok {
					return cty.NilVal, false
				}
				elems[i] = v
			}
		}
		return cty.TupleVal(elems), true
	}
	obj := map[string]cty.Value{}
	for k, c := range n.attrs {
		v, ok := c.value()
		if !ok {
			return cty.NilVal, false
		}
		obj[k] = v
	}
	return cty.ObjectVal(obj), true
}

// placeStatements gives each statement of policy p, read from attribute
// key of v's block, the line the .tf text writes it on: the element of the
// Statement list of a jsonencode, or the statement block of the
// aws_iam_policy_document the attribute names. A review comments on the
// statement to change, as it does in a template. Anything else keeps the
// resource's line.
func (b *builder) placeStatements(v view, key string, p *snapshot.Policy) {
	e, sc, ok := b.sourceExpr(v, key)
	if !ok || len(p.StatementLocations) == 0 {
		return
	}
	file := b.loc(v.in).File
	var lines []int
	switch x := e.(type) {
	case *hclsyntax.FunctionCallExpr:
		if x.Name != "jsonencode" || len(x.Args) != 1 {
			return
		}
		doc, ok := x.Args[0].(*hclsyntax.ObjectConsExpr)
		if !ok {
			return
		}
		for _, it := range doc.Items {
			k, ok := it.KeyExpr.(*hclsyntax.ObjectConsKeyExpr)
			if !ok || hcl.ExprAsKeyword(k.Wrapped) != "Statement" && literalKey(k) != "Statement" {
				continue
			}
			switch st := it.ValueExpr.(type) {
			case *hclsyntax.TupleConsExpr:
				for _, el := range st.Exprs {
					lines = append(lines, el.StartRange().Start.Line)
				}
			case *hclsyntax.ObjectConsExpr:
				lines = append(lines, st.StartRange().Start.Line)
			}
		}
	case *hclsyntax.ScopeTraversalExpr:
		t := x.Traversal
		if len(t) != 4 || t.RootName() != "data" {
			return
		}
		typ, _ := t[1].(hcl.TraverseAttr)
		name, _ := t[2].(hcl.TraverseAttr)
		attr, _ := t[3].(hcl.TraverseAttr)
		if typ.Name != "aws_iam_policy_document" || attr.Name != "json" && attr.Name != "minified_json" {
			return
		}
		blk, ok := b.ix.src.blocks[configPrefix(sc.module)+"data."+typ.Name+"."+name.Name]
		if !ok || blk.body == nil {
			return
		}
		for _, k := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
			if blk.body.Attributes[k] != nil {
				return // merged documents: statements not in this order
			}
		}
		for _, nb := range blk.body.Blocks {
			switch {
			case nb.Type == "statement":
				lines = append(lines, nb.DefRange().Start.Line)
			case nb.Type == "dynamic":
				return
			}
		}
		file = blk.file
	}
	if len(lines) != len(p.StatementLocations) {
		return
	}
	for i, l := range lines {
		p.StatementLocations[i].File, p.StatementLocations[i].Line = file, l
	}
}

// literalKey is an object key written as a quoted string ("Statement").
func literalKey(k *hclsyntax.ObjectConsKeyExpr) string {
	tw, ok := k.Wrapped.(*hclsyntax.TemplateExpr)
	if !ok || !tw.IsStringLiteral() {
		return ""
	}
	v, diags := tw.Value(nil)
	if diags.HasErrors() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}
