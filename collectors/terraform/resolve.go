package terraform

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// maxResolveDepth bounds reference chasing; a cycle (which Terraform itself
// refuses) or an absurdly long chain ends as an unknown.
const maxResolveDepth = 32

// view is a block of a resource (the resource itself or one nested block)
// with its configuration expressions, when the plan carries them.
type view struct {
	in   *instance
	n    node
	cfg  map[string]*tfjson.Expression
	path string // address of the block, used to name unknowns
	// b records a value of the wrong type (b.fail).
	b *builder
	// body is the block in the .tf files, when they are at hand
	// (expr.go evaluates its expressions).
	body *hclsyntax.Body
}

func (b *builder) top(in *instance) view {
	v := view{in: in, n: in.root, path: in.addr, b: b}
	if in.cfg != nil {
		v.cfg = in.cfg.Expressions
	}
	if b.ix.src != nil {
		v.body = b.ix.src.blocks[configAddress(in.addr)].body
	}
	return v
}

// blocks returns the nested blocks (or list of objects) under key. Their
// configuration is paired by position, which holds for static blocks;
// dynamic blocks have no per-block configuration and resolve nothing.
func (v view) blocks(key string) []view {
	items := v.n.get(key).list()
	var nested []map[string]*tfjson.Expression
	if e := v.cfg[key]; e != nil && e.ExpressionData != nil && len(e.NestedBlocks) == len(items) {
		nested = e.NestedBlocks
	}
	bodies := staticBlocks(v.body, key, len(items))
	out := make([]view, len(items))
	for i, it := range items {
		out[i] = view{in: v.in, n: it, path: v.path + "." + key + "[" + strconv.Itoa(i) + "]", b: v.b}
		if nested != nil {
			out[i].cfg = nested[i]
		}
		if bodies != nil {
			out[i].body = bodies[i]
		}
	}
	return out
}

// staticBlocks are the nested blocks of type key in body, when they are
// the n planned ones in order: none is dynamic, and they are as many.
func staticBlocks(body *hclsyntax.Body, key string, n int) []*hclsyntax.Body {
	if body == nil {
		return nil
	}
	var out []*hclsyntax.Body
	for _, blk := range body.Blocks {
		switch {
		case blk.Type == key:
			out = append(out, blk.Body)
		case blk.Type == "dynamic" && len(blk.Labels) == 1 && blk.Labels[0] == key:
			return nil
		}
	}
	if len(out) != n {
		return nil
	}
	return out
}

func (v view) block(key string) (view, bool) {
	l := v.blocks(key)
	if len(l) == 0 {
		return view{}, false
	}
	return l[0], true
}

// set reports whether the configuration sets key (a constant or an
// expression). Without configuration it answers true, so that nothing is
// defaulted on a guess.
func (v view) set(key string) bool {
	if v.cfg == nil {
		return v.in.cfg == nil
	}
	_, ok := v.cfg[key]
	return ok
}

// s is a string attribute: its planned value, else the value its reference
// resolves to, else an unknown token.
func (b *builder) s(v view, key string) string {
	return b.sDepth(v, key, 0)
}

func (b *builder) sDepth(v view, key string, depth int) string {
	c := v.n.get(key)
	if !c.unknown() {
		return b.str(v, key, c.v)
	}
	if depth > maxResolveDepth {
		// derived asks for attributes it is itself asked for (a queue's
		// name to form its name): past the bound the value is unknown.
		return b.unknown(v.path+"."+key, v.in)
	}
	// A value AWS assigns is its symbol; asked first, it also ends the
	// chain derived would follow (a queue's ARN from its name).
	if sym, ok := b.symbol(v, key); ok {
		return sym
	}
	if v.path == v.in.addr {
		if s, ok := b.derived(v.in, key, depth); ok {
			return s
		}
	}
	// The .tf text says what the plan's references alone cannot.
	if s, ok := b.sourceString(v, key); ok {
		return s
	}
	if ref, ok := singleTraversal(v.cfg[key]); ok {
		return b.resolveRef(v.in, ref, depth+1)
	}
	return b.unknown(v.path+"."+key, v.in)
}

// symbolAttrs are, per resource type, the attributes AWS assigns at apply
// whose value is a plain name or ID (no colon, no slash): a key ID, a
// detector ID, a role's unique ID (computed: always assigned), and the
// names a resource gets when its configuration sets none (generated from
// name_prefix or by the provider). ARNs and URLs are not listed: derived
// forms them from these.
var symbolAttrs = map[string]map[string]bool{
	"aws_kms_key":            {"key_id": true},
	"aws_guardduty_detector": {"id": true},
	"aws_iam_role":           {"unique_id": true, "name": false},
	"aws_s3_bucket":          {"bucket": false},
	"aws_sns_topic":          {"name": false},
	"aws_sqs_queue":          {"name": false},
}

// symbol is the snapshot.Symbol for attribute key of a resource the plan
// creates, when AWS assigns it (symbolAttrs): the same value wherever the
// configuration refers to it. A name is a symbol only when the
// configuration is known and does not set it; a name set by an expression
// the plan cannot evaluate stays unknown.
func (b *builder) symbol(v view, key string) (string, bool) {
	in := v.in
	computed, ok := symbolAttrs[in.typ][key]
	if !ok || v.path != in.addr || in.mode != tfjson.ManagedResourceMode || !in.created {
		return "", false
	}
	if !computed && (in.cfg == nil || v.set(key)) {
		return "", false
	}
	return snapshot.Symbol(b.opts.SymbolScope, in.addr, key), true
}

// opt is an optional attribute whose AWS default is "none": a resource
// being created whose configuration leaves it unset gets nothing, though
// the provider marks it computed (unknown) in the plan.
func (b *builder) opt(v view, key string) string {
	if !v.known(key) && !v.set(key) && v.in.created {
		return ""
	}
	return b.s(v, key)
}

// known reports whether key has a planned value (possibly null).
func (v view) known(key string) bool { return !v.n.get(key).unknown() }

// boolean is a bool attribute; def when null or unknown. Any other type
// is refused, as str refuses a non-string: reading "is_multi_region_trail":
// "yes" as false would judge a trail the plan does not describe.
func (v view) boolean(key string, def bool) bool {
	c := v.n.get(key)
	if c.unknown() || c.v == nil {
		return def
	}
	if b, ok := c.v.(bool); ok {
		return b
	}
	v.wrongType(key, "a boolean", c.v)
	return def
}

// number is an integer attribute; def when null or unknown. A numeric
// string is taken as its number (the provider's schema types a few of
// these as strings); anything else is refused.
func (v view) number(key string, def int) int {
	c := v.n.get(key)
	if c.unknown() || c.v == nil {
		return def
	}
	switch n := c.v.(type) {
	case float64:
		return int(n)
	case string:
		if i, err := strconv.Atoi(n); err == nil {
			return i
		}
	}
	v.wrongType(key, "a number", c.v)
	return def
}

func (v view) wrongType(key, want string, got any) {
	if v.b != nil && v.in != nil {
		v.b.fail(v.in, "%s: must be %s; got %s", v.attr(key), want, jsonKind(got))
	}
}

// strings is a list or set of strings; unknown elements become tokens.
func (b *builder) strs(v view, key string) []string {
	c := v.n.get(key)
	if c.unknown() || anyUnknown(c) {
		if l, ok := b.sourceStrings(v, key); ok {
			return l
		}
	}
	if c.unknown() {
		return []string{b.unknown(v.path+"."+key, v.in)}
	}
	if _, isList := c.v.([]any); c.v != nil && !isList {
		b.fail(v.in, "%s: must be a list of strings; got %s", v.attr(key), jsonKind(c.v))
		return nil
	}
	var out []string
	for i, e := range c.list() {
		if e.unknown() {
			out = append(out, b.unknown(v.path+"."+key+"["+strconv.Itoa(i)+"]", v.in))
			continue
		}
		if s := b.str(v, key+"["+strconv.Itoa(i)+"]", e.v); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// anyUnknown reports whether an element of list c is known only after
// apply.
func anyUnknown(c node) bool {
	for _, e := range c.list() {
		if e.unknown() {
			return true
		}
	}
	return false
}

// str is the planned value of a string attribute. `terraform show -json`
// writes every attribute with its schema type
// (https://developer.hashicorp.com/terraform/internals/json-format#values-representation),
// so a number, boolean, list or object where the provider's schema has a
// string is a hand-edited or corrupted plan: reading `"bucket": 5` as a
// bucket named "5", or as unknown, would judge a plan Terraform never
// wrote. It is refused, naming the resource and the attribute.
func (b *builder) str(v view, key string, val any) string {
	switch x := val.(type) {
	case nil:
		return ""
	case string:
		return x
	}
	v.wrongType(key, "a string", val)
	return ""
}

// attr is the path of key inside the resource (rule[0].prefix), as an
// error names it after the resource address.
func (v view) attr(key string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(v.path, v.in.addr), ".")
	if rel == "" {
		return key
	}
	return rel + "." + key
}

// jsonKind describes a decoded JSON value for an error message.
func jsonKind(val any) string {
	switch x := val.(type) {
	case float64:
		return "the number " + strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return "the boolean " + strconv.FormatBool(x)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case string:
		return "a string"
	}
	return "null"
}

func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

// singleTraversal returns the reference an expression consists of, when
// all its references are one traversal and its prefixes (Terraform lists
// aws_s3_bucket.logs.arn and aws_s3_bucket.logs for `aws_s3_bucket.logs.arn`).
//
// Terraform's JSON configuration drops the template text, so
// `"${aws_s3_bucket.logs.arn}/p"` and `aws_s3_bucket.logs.arn` look the
// same; attributes read through this are identifiers (bucket, topic_arn,
// queue_url, key_id, role, policy_arn …) where a bare reference is the
// Terraform idiom.
func singleTraversal(e *tfjson.Expression) (string, bool) {
	if e == nil || e.ExpressionData == nil || len(e.References) == 0 {
		return "", false
	}
	head := e.References[0]
	for _, r := range e.References[1:] {
		// aws_s3_bucket.b[count.index].id is listed as aws_s3_bucket.b and
		// count.index: the instance key is the referring instance's own.
		if r == "count.index" || r == "each.key" || r == "each.value" {
			continue
		}
		if !strings.HasPrefix(head, r) {
			return "", false
		}
	}
	return head, true
}

// resolveRef evaluates a reference made from inside in's module.
func (b *builder) resolveRef(from *instance, ref string, depth int) string {
	return b.resolveIn(from.module, from.index, ref, depth)
}

func (b *builder) resolveIn(module, selfIndex, ref string, depth int) string {
	steps := splitTraversal(ref)
	if depth > maxResolveDepth || len(steps) < 2 {
		return b.unknownRef(module, ref)
	}
	switch steps[0].name {
	case "var":
		if module == "" {
			if pv := b.ix.vars[steps[1].name]; pv != nil && len(steps) == 2 {
				if s := scalar(pv.Value); s != "" {
					return s
				}
			}
		} else if len(steps) == 2 {
			if s, ok := b.moduleVar(module, steps[1].name, depth); ok {
				return s
			}
		}
		return b.unknownRef(module, ref)
	case "module":
		m := b.ix.configModule(module)
		if m == nil || len(steps) < 3 || m.ModuleCalls[steps[1].name] == nil {
			return b.unknownRef(module, ref)
		}
		call := m.ModuleCalls[steps[1].name]
		// module.queues["splunk"].queue_arn names one instance of a
		// module called with for_each or count.
		key, outSteps := "", steps[2:]
		if outSteps[0].index != "" {
			key, outSteps = outSteps[0].index, outSteps[1:]
		}
		if call.Module == nil || len(outSteps) == 0 || call.Module.Outputs[outSteps[0].name] == nil {
			return b.unknownRef(module, ref)
		}
		out := call.Module.Outputs[outSteps[0].name].Expression
		if out != nil && out.ExpressionData != nil {
			if s := scalar(out.ConstantValue); s != "" && len(out.References) == 0 {
				return s
			}
		}
		if inner, ok := singleTraversal(out); ok && len(outSteps) == 1 {
			return b.resolveIn(joinModule(module, "module."+steps[1].name+key), "", inner, depth+1)
		}
		return b.unknownRef(module, ref)
	case "local", "each", "count", "path", "self", "terraform":
		return b.unknownRef(module, ref)
	}
	t, rest := b.lookupRef(module, selfIndex, steps)
	if t == nil {
		return b.unknownRef(module, ref)
	}
	return b.attrPath(t, rest, depth)
}

// lookupRef finds the resource instance a reference made from module
// names (steps of aws_x.y[0].attr or data.x.y.attr), and the steps left
// inside it; nil when the plan has none.
func (b *builder) lookupRef(module, selfIndex string, steps []step) (*instance, []step) {
	mode := ""
	if len(steps) > 0 && steps[0].name == "data" {
		mode = "data."
		steps = steps[1:]
	}
	if len(steps) < 2 || steps[0].index != "" || steps[1].index != "" {
		return nil, nil
	}
	addr := joinModule(module, mode+steps[0].name+"."+steps[1].name)
	rest := steps[2:]
	idx := ""
	if len(rest) > 0 && rest[0].index != "" {
		idx, rest = rest[0].index, rest[1:]
	}
	t := b.ix.byAddr[addr+idx]
	if t == nil && idx == "" && selfIndex != "" {
		// aws_s3_bucket.logs[count.index] appears in references as the
		// bare resource; the instance with the same key is the one meant.
		t = b.ix.byAddr[addr+selfIndex]
	}
	return t, rest
}

func (b *builder) attrPath(t *instance, rest []step, depth int) string {
	if len(rest) == 0 || rest[0].name == "" {
		return b.unknown(t.addr, t)
	}
	n := t.root.walk(rest)
	if !n.unknown() && n.v != nil {
		return scalar(n.v)
	}
	if len(rest) == 1 {
		return b.sDepth(b.top(t), rest[0].name, depth)
	}
	var name strings.Builder
	name.WriteString(t.addr)
	for _, st := range rest {
		if st.name != "" {
			name.WriteString("." + st.name)
		} else {
			name.WriteString(st.index)
		}
	}
	if n.unknown() {
		return b.unknown(name.String(), t)
	}
	return ""
}

// walk follows attribute and index steps into a value.
func (n node) walk(steps []step) node {
	for _, st := range steps {
		if st.name != "" {
			n = n.get(st.name)
			continue
		}
		key := strings.Trim(st.index, "[]")
		if i, err := strconv.Atoi(key); err == nil {
			n = n.at(i)
		} else if k, err := strconv.Unquote(key); err == nil {
			n = n.get(k)
		} else {
			n = node{unk: true}
		}
	}
	return n
}

func joinModule(module, rest string) string {
	if module == "" {
		return rest
	}
	return module + "." + rest
}

func (b *builder) unknownRef(module, ref string) string {
	var loc *snapshot.Location
	if t := b.ix.byAddr[joinModule(module, refResource(ref))]; t != nil {
		loc = t.loc
	}
	return b.unknownNamed(joinModule(module, ref), loc)
}

// refResource is the resource address a reference starts with.
func refResource(ref string) string {
	steps := splitTraversal(ref)
	n := 2
	if len(steps) > 0 && steps[0].name == "data" {
		n = 3
	}
	if len(steps) < n {
		return ref
	}
	out := steps[0].name
	for _, s := range steps[1:n] {
		out += "." + s.name
	}
	if len(steps) > n && steps[n].index != "" {
		out += steps[n].index
	}
	return out
}

// moduleVar is the value a module call passes to a variable of the module
// instance module: a constant, the instance key for each.key, or what the
// expression refers to in the calling module, so that a value known only
// after apply stays tied to the resource it comes from across module
// boundaries (var.topic_arn inside module.queues["splunk"] is
// module.log_archive's aws_sns_topic.this.arn).
func (b *builder) moduleVar(module, name string, depth int) (string, bool) {
	parent, call, key := splitModule(module)
	m := b.ix.configModule(parent)
	if m == nil || m.ModuleCalls[call] == nil {
		return "", false
	}
	e := m.ModuleCalls[call].Expressions[name]
	if e == nil || e.ExpressionData == nil {
		// Unset: the variable's default, which the plan does not carry
		// for child modules.
		return "", false
	}
	if len(e.References) == 0 {
		if s := scalar(e.ConstantValue); s != "" {
			return s, true
		}
		return "", false
	}
	if len(e.References) == 1 && e.References[0] == "each.key" && key != "" {
		if k, err := strconv.Unquote(strings.Trim(key, "[]")); err == nil {
			return k, true
		}
	}
	if inner, ok := singleTraversal(e); ok {
		return b.resolveIn(parent, "", inner, depth+1), true
	}
	return "", false
}

// splitModule splits a module instance address into its parent, the last
// call's name and its instance key: module.a["x"].module.b[0] is
// (module.a["x"], b, [0]).
func splitModule(module string) (parent, call, key string) {
	steps := splitTraversal(module)
	// The last "module" name step starts the last call.
	for i := len(steps) - 2; i >= 0; i-- {
		if steps[i].name != "module" || steps[i+1].name == "" {
			continue
		}
		call = steps[i+1].name
		if i+2 < len(steps) && steps[i+2].index != "" {
			key = steps[i+2].index
		}
		if i > 0 {
			parent = module[:strings.LastIndex(module, ".module."+call)]
		}
		return parent, call, key
	}
	return "", "", ""
}
