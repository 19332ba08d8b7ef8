package cfn

import (
	"encoding/base64"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// shortTags maps YAML short-form tags to the intrinsic functions they
// stand for (CloudFormation User Guide, "Intrinsic function reference").
var shortTags = map[string]string{
	"!Ref":          "Ref",
	"!Sub":          "Fn::Sub",
	"!GetAtt":       "Fn::GetAtt",
	"!Join":         "Fn::Join",
	"!If":           "Fn::If",
	"!Select":       "Fn::Select",
	"!Split":        "Fn::Split",
	"!FindInMap":    "Fn::FindInMap",
	"!ImportValue":  "Fn::ImportValue",
	"!Equals":       "Fn::Equals",
	"!Not":          "Fn::Not",
	"!And":          "Fn::And",
	"!Or":           "Fn::Or",
	"!Condition":    "Condition",
	"!Base64":       "Fn::Base64",
	"!Cidr":         "Fn::Cidr",
	"!GetAZs":       "Fn::GetAZs",
	"!Transform":    "Fn::Transform",
	"!Length":       "Fn::Length",
	"!ToJsonString": "Fn::ToJsonString",
}

// intrinsics is every function eval understands in its long form.
var intrinsics = map[string]bool{}

func init() {
	for _, fn := range shortTags {
		intrinsics[fn] = true
	}
}

// eval resolves a node. inCond is true inside the Conditions section (and
// condition arguments), where {Condition: Name} is a function.
func (t *template) eval(n *yaml.Node, depth int, inCond bool) (*value, error) {
	if depth > maxDepth {
		return nil, t.errf(n.Line, "nesting deeper than %d levels while resolving (YAML aliases or intrinsic functions)", maxDepth)
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil {
			return nil, t.errf(n.Line, "YAML alias with no anchor")
		}
		return t.eval(n.Alias, depth+1, inCond)
	}
	if err := t.spend(n, 16); err != nil {
		return nil, err
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		fn, ok := shortTags[n.Tag]
		if !ok {
			return nil, t.errf(n.Line, "unknown tag %s (not a CloudFormation intrinsic function)", n.Tag)
		}
		arg := *n
		arg.Tag = ""
		switch n.Kind {
		case yaml.ScalarNode:
			arg.Tag = "!!str"
		case yaml.SequenceNode:
			arg.Tag = "!!seq"
		case yaml.MappingNode:
			arg.Tag = "!!map"
		}
		return t.call(fn, &arg, n.Line, depth+1, inCond)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if err := t.spend(n, len(n.Value)); err != nil {
			return nil, err
		}
		if b, ok := yaml11Bool(n); ok {
			return boolean(b, n.Line), nil
		}
		switch n.Tag {
		case "!!null":
			return &value{kind: kindNull, line: n.Line}, nil
		case "!!int", "!!float":
			return &value{kind: kindNumber, s: n.Value, line: n.Line}, nil
		}
		return str(n.Value, n.Line), nil
	case yaml.SequenceNode:
		v := &value{kind: kindList, line: n.Line, list: make([]*value, 0, len(n.Content))}
		for _, c := range n.Content {
			e, err := t.eval(c, depth+1, inCond)
			if err != nil {
				return nil, err
			}
			if e.kind != kindNoValue {
				v.list = append(v.list, e)
			}
		}
		return v, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 {
			k := n.Content[0].Value
			if k == "Ref" || strings.HasPrefix(k, "Fn::") || (inCond && k == "Condition") {
				if !intrinsics[k] && k != "Ref" && k != "Condition" {
					return nil, t.errf(n.Content[0].Line, "unknown intrinsic function %s", k)
				}
				return t.call(k, n.Content[1], n.Content[0].Line, depth+1, inCond)
			}
		}
		v := &value{kind: kindMap, line: n.Line}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Tag == "!!merge" {
				// CloudFormation itself refuses YAML aliases, but templates
				// are commonly deployed through `aws cloudformation package`,
				// which expands anchors, aliases and << merge keys first
				// (aws/aws-cli#3827); judge them as expanded.
				if err := t.merge(v, n, n.Content[i+1], depth+1, inCond); err != nil {
					return nil, err
				}
				continue
			}
			if strings.HasPrefix(k.Value, "Fn::") {
				return nil, t.errf(k.Line, "intrinsic function %s must be the only key of its mapping", k.Value)
			}
			e, err := t.eval(n.Content[i+1], depth+1, inCond)
			if err != nil {
				return nil, err
			}
			if e.kind == kindNoValue {
				continue
			}
			v.keys = append(v.keys, k.Value)
			v.keyLines = append(v.keyLines, k.Line)
			v.vals = append(v.vals, e)
		}
		return v, nil
	}
	return nil, t.errf(n.Line, "unsupported YAML node")
}

// yaml11Bool reads a plain scalar as CloudFormation's YAML parser does.
// CloudFormation "supports the YAML Version 1.1 specification"
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-formats.html),
// in which the plain words yes/no/on/off (and their capitalised and upper
// case forms) are booleans (https://yaml.org/type/bool.html), while
// go.yaml.in/yaml/v3 follows YAML 1.2, where they are strings. So
// `IsMultiRegionTrail: Yes` is true, and `Value: On` in a tag is the
// string "true", as the deployed stack shows it. The one-letter forms y/n
// are left strings: the YAML 1.1 resolvers CloudFormation-era parsers use
// (SnakeYAML, PyYAML) do not read them as booleans. Quoted scalars are
// always strings.
func yaml11Bool(n *yaml.Node) (bool, bool) {
	if n.Style&(yaml.TaggedStyle|yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return false, false
	}
	if n.Tag != "!!bool" && n.Tag != "!!str" {
		return false, false
	}
	switch n.Value {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
		return true, true
	case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
		return false, true
	}
	return false, false
}

// scalarText is a literal scalar's text as CloudFormation reads it: a
// YAML 1.1 boolean (Default: Yes, AllowedValues: [On, Off]) is "true" or
// "false", as a parameter's value then is.
func scalarText(n *yaml.Node) string {
	if b, ok := yaml11Bool(n); ok {
		return strconv.FormatBool(b)
	}
	return n.Value
}

// merge adds to v the keys of the mapping (or list of mappings) src that
// the mapping n does not set itself; among merged mappings the first wins,
// as the YAML merge key type specifies.
func (t *template) merge(v *value, n, src *yaml.Node, depth int, inCond bool) error {
	m, err := t.eval(src, depth, inCond)
	if err != nil {
		return err
	}
	maps := []*value{m}
	if m.kind == kindList {
		maps = m.list
	}
	have := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		have[n.Content[i].Value] = true
	}
	for _, k := range v.keys {
		have[k] = true
	}
	for _, mm := range maps {
		if mm.kind != kindMap {
			return t.errf(src.Line, "<< merges mappings only, got %s", mm.kind)
		}
		for i, k := range mm.keys {
			if have[k] {
				continue
			}
			have[k] = true
			v.keys = append(v.keys, k)
			v.keyLines = append(v.keyLines, mm.keyLines[i])
			v.vals = append(v.vals, mm.vals[i])
		}
	}
	return nil
}

// maxChain bounds chains of conditions and of resource names that refer
// to each other (each link starts a new resolution), keeping the stack
// bounded; real templates chain a handful.
const maxChain = 1000

func (t *template) enter(line int) error {
	t.nest++
	if t.nest > maxChain {
		t.nest--
		return t.errf(line, "more than %d conditions or names refer to one another in a chain", maxChain)
	}
	return nil
}

// spend charges resolution work against the bound on expansion, so that an
// alias bomb fails in bounded time with the line where it blew up.
func (t *template) spend(n *yaml.Node, bytes int) error {
	return t.spendAt(n.Line, bytes)
}

func (t *template) spendAt(line, bytes int) error {
	t.budget += bytes
	if t.budget > maxBytes {
		return t.errf(line, "template expands to more than %d MiB while resolving (YAML alias bomb, or an intrinsic such as Fn::Split multiplying a value?)", maxBytes>>20)
	}
	return nil
}

// elementCost is what one list element costs beyond its text: the value
// that holds it, as eval charges each YAML node. Functions that make lists
// out of a short argument (Fn::Split of a referenced string, Fn::Cidr, a
// list parameter) are charged per element, so that a small template cannot
// make millions of values.
const elementCost = 16

// spendList charges a list made of n elements holding text bytes in all.
func (t *template) spendList(line, n, text int) error {
	return t.spendAt(line, text+n*elementCost)
}

// args evaluates a list argument and checks its length.
func (t *template) args(fn string, n *yaml.Node, line, depth int, inCond bool, min, max int) ([]*value, error) {
	v, err := t.eval(n, depth, inCond)
	if err != nil {
		return nil, err
	}
	if v.kind != kindList || len(v.list) < min || len(v.list) > max {
		want := fmt.Sprintf("%d", min)
		if max != min {
			want = fmt.Sprintf("%d to %d", min, max)
		}
		return nil, t.errf(line, "%s takes a list of %s arguments", fn, want)
	}
	return v.list, nil
}

// text returns the string form of a scalar argument.
func (t *template) text(fn string, v *value, line int) (string, error) {
	if !v.scalar() {
		return "", t.errf(line, "%s: expected a string, got %s", fn, v.kind)
	}
	return v.s, nil
}

// evalText evaluates a single-string argument (Fn::ImportValue,
// Fn::Base64, Fn::GetAZs) and returns its string form.
func (t *template) evalText(fn string, n *yaml.Node, line, depth int, inCond bool) (string, error) {
	v, err := t.eval(n, depth, inCond)
	if err != nil {
		return "", err
	}
	return t.text(fn, v, line)
}

// textPair evaluates a two-string argument list (Fn::Split, Fn::Equals).
func (t *template) textPair(fn string, n *yaml.Node, line, depth int, inCond bool) (string, string, error) {
	a, err := t.args(fn, n, line, depth, inCond, 2, 2)
	if err != nil {
		return "", "", err
	}
	x, err := t.text(fn, a[0], line)
	if err != nil {
		return "", "", err
	}
	y, err := t.text(fn, a[1], line)
	return x, y, err
}

func (t *template) call(fn string, arg *yaml.Node, line, depth int, inCond bool) (*value, error) {
	switch fn {
	case "Ref":
		a := deref(arg)
		if a.Kind != yaml.ScalarNode || a.Tag != "!!str" && a.Tag != "" {
			return nil, t.errf(line, "Ref takes the name of a parameter or resource")
		}
		return t.ref(a.Value, line)

	case "Fn::GetAtt":
		a := deref(arg)
		var id, attr string
		switch a.Kind {
		case yaml.ScalarNode:
			var ok bool
			id, attr, ok = strings.Cut(a.Value, ".")
			if !ok {
				return nil, t.errf(line, "Fn::GetAtt %q: expected LogicalID.Attribute", a.Value)
			}
		case yaml.SequenceNode:
			var av *value
			var err error
			if id, av, err = t.literalPair("Fn::GetAtt", a, "[LogicalID, Attribute]", "the logical ID", line, depth, inCond); err != nil {
				return nil, err
			}
			if attr, err = t.text(fn, av, line); err != nil {
				return nil, err
			}
		default:
			return nil, t.errf(line, "Fn::GetAtt takes [LogicalID, Attribute] or LogicalID.Attribute")
		}
		return t.getAtt(id, attr, line)

	case "Fn::Sub":
		return t.sub(arg, line, depth, inCond)

	case "Fn::Join":
		a, err := t.args(fn, arg, line, depth, inCond, 2, 2)
		if err != nil {
			return nil, err
		}
		delim, err := t.text(fn, a[0], line)
		if err != nil {
			return nil, err
		}
		if a[1].kind == kindString && snapshot.IsUnknown(a[1].s) {
			// Joining a list that is itself unknown (GetAZs, a list parameter
			// without a value): the result is as unknown as the list.
			return str(a[1].s, line), nil
		}
		if a[1].kind != kindList {
			return nil, t.errf(line, "Fn::Join: the second argument must be a list, got %s", a[1].kind)
		}
		parts := make([]string, len(a[1].list))
		for i, e := range a[1].list {
			if parts[i], err = t.text(fn, e, e.line); err != nil {
				return nil, err
			}
		}
		s := strings.Join(parts, delim)
		if err := t.spend(arg, len(s)); err != nil {
			return nil, err
		}
		return str(s, line), nil

	case "Fn::Select":
		a, err := t.args(fn, arg, line, depth, inCond, 2, 2)
		if err != nil {
			return nil, err
		}
		is, err := t.text(fn, a[0], line)
		if err != nil {
			return nil, err
		}
		if a[1].kind == kindString && snapshot.IsUnknown(a[1].s) {
			return str(t.unknown("element "+is+" of "+a[1].s, line), line), nil
		}
		if snapshot.IsUnknown(is) {
			return str(t.unknown("Fn::Select with an unknown index", line), line), nil
		}
		i, err := strconv.Atoi(is)
		if err != nil || i < 0 {
			return nil, t.errf(line, "Fn::Select: index %q is not a non-negative integer", is)
		}
		if a[1].kind != kindList {
			return nil, t.errf(line, "Fn::Select: the second argument must be a list, got %s", a[1].kind)
		}
		if i >= len(a[1].list) {
			return nil, t.errf(line, "Fn::Select: index %d out of range (the list has %d elements)", i, len(a[1].list))
		}
		return a[1].list[i], nil

	case "Fn::Split":
		delim, s, err := t.textPair(fn, arg, line, depth, inCond)
		if err != nil {
			return nil, err
		}
		if delim == "" {
			return nil, t.errf(line, "Fn::Split: the delimiter must not be empty")
		}
		if snapshot.IsUnknown(s) {
			// The delimiter may hide inside the unknown part, so even the
			// number of elements is unknown.
			return str(t.unknown("Fn::Split of "+s, line), line), nil
		}
		// The result is charged before it is made: a referenced string
		// costs nothing to reach, but splitting it makes a value per
		// element, each time it is split.
		n := strings.Count(s, delim) + 1
		if err := t.spendList(line, n, len(s)); err != nil {
			return nil, err
		}
		out := &value{kind: kindList, line: line, list: make([]*value, 0, n)}
		for _, p := range strings.Split(s, delim) {
			out.list = append(out.list, str(p, line))
		}
		return out, nil

	case "Fn::FindInMap":
		return t.findInMap(arg, line, depth, inCond)

	case "Fn::ImportValue":
		name, err := t.evalText(fn, arg, line, depth, inCond)
		if err != nil {
			return nil, err
		}
		// Exports live in other stacks: the value is known only to the
		// account and region the stack is deployed in.
		return str(t.unknown("ImportValue "+name, line), line), nil

	case "Fn::If":
		a := deref(arg)
		if a.Kind != yaml.SequenceNode || len(a.Content) != 3 {
			return nil, t.errf(line, "Fn::If takes [ConditionName, ValueIfTrue, ValueIfFalse]")
		}
		cn := deref(a.Content[0])
		if cn.Kind != yaml.ScalarNode {
			return nil, t.errf(line, "Fn::If: the first argument must be a condition name")
		}
		c, err := t.condition(cn.Value, cn.Line)
		if err != nil {
			return nil, err
		}
		if c.unknown == "" {
			if c.val {
				return t.eval(a.Content[1], depth, inCond)
			}
			return t.eval(a.Content[2], depth, inCond)
		}
		return t.eitherBranch(cn.Value, c.unknown, a.Content[1], a.Content[2], line, depth, inCond)

	case "Fn::Equals":
		x, y, err := t.textPair(fn, arg, line, depth, inCond)
		if err != nil {
			return nil, err
		}
		if snapshot.IsUnknown(x) || snapshot.IsUnknown(y) {
			// A comparison with a value the template does not determine (a
			// parameter without value or default) is itself unknown: both
			// outcomes stay possible, and guessing one would judge a stack
			// that may never be deployed.
			return unknownBool(t.unknown(fmt.Sprintf("whether %s equals %s", x, y), line), line), nil
		}
		return boolean(x == y, line), nil

	case "Fn::Not", "Fn::And", "Fn::Or":
		min, max := 2, 10
		if fn == "Fn::Not" {
			min, max = 1, 1
		}
		a, err := t.args(fn, arg, line, depth, true, min, max)
		if err != nil {
			return nil, err
		}
		res := fn == "Fn::And"
		var unknowns []string
		for _, c := range a {
			if c.kind != kindBool {
				return nil, t.errf(c.line, "%s: each argument must be a condition, got %s", fn, c.kind)
			}
			if snapshot.IsUnknown(c.s) {
				unknowns = append(unknowns, c.s)
				continue
			}
			b := c.s == "true"
			switch fn {
			case "Fn::Not":
				res = !b
			case "Fn::And":
				res = res && b
			case "Fn::Or":
				res = res || b
			}
		}
		// An unknown operand decides nothing when a known one already
		// does (false in an And, true in an Or).
		decided := fn == "Fn::And" && !res || fn == "Fn::Or" && res
		if len(unknowns) > 0 && !decided {
			what := strings.Join(unknowns, ", ")
			switch fn {
			case "Fn::Not":
				what = "not " + what
			case "Fn::And":
				what = "all of " + what
			case "Fn::Or":
				what = "any of " + what
			}
			return unknownBool(t.unknown(what, line), line), nil
		}
		return boolean(res, line), nil

	case "Condition":
		a := deref(arg)
		if a.Kind != yaml.ScalarNode {
			return nil, t.errf(line, "Condition takes the name of a condition")
		}
		c, err := t.condition(a.Value, a.Line)
		if err != nil {
			return nil, err
		}
		return c.value(line), nil

	case "Fn::Base64":
		s, err := t.evalText(fn, arg, line, depth, inCond)
		if err != nil {
			return nil, err
		}
		if snapshot.IsUnknown(s) {
			return str(t.unknown("Fn::Base64 of "+s, line), line), nil
		}
		enc := base64.StdEncoding.EncodeToString([]byte(s))
		if err := t.spend(arg, len(enc)); err != nil {
			return nil, err
		}
		return str(enc, line), nil

	case "Fn::Cidr":
		return t.cidr(arg, line, depth, inCond)

	case "Fn::GetAZs":
		r, err := t.evalText(fn, arg, line, depth, inCond)
		if err != nil {
			return nil, err
		}
		if r == "" {
			r = t.region
		}
		// The zones an account sees (and their order) differ per account.
		return str(t.unknown("GetAZs "+r, line), line), nil

	case "Fn::Transform":
		return str(t.unknown("output of macro Fn::Transform", line), line), nil

	case "Fn::Length":
		v, err := t.eval(arg, depth, inCond)
		if err != nil {
			return nil, err
		}
		if v.kind == kindString && snapshot.IsUnknown(v.s) {
			return str(t.unknown("Fn::Length of "+v.s, line), line), nil
		}
		if v.kind != kindList {
			return nil, t.errf(line, "Fn::Length takes a list, got %s", v.kind)
		}
		return &value{kind: kindNumber, s: strconv.Itoa(len(v.list)), line: line}, nil

	case "Fn::ToJsonString":
		v, err := t.eval(arg, depth, inCond)
		if err != nil {
			return nil, err
		}
		if v.kind != kindMap && v.kind != kindList {
			return nil, t.errf(line, "Fn::ToJsonString takes a mapping or a list, got %s", v.kind)
		}
		js := v.JSON()
		if err := t.spend(arg, len(js)); err != nil {
			return nil, err
		}
		return str(string(js), line), nil
	}
	return nil, t.errf(line, "unknown intrinsic function %s", fn)
}

// literalPair reads the [literal, value] form of fn's argument a (a
// sequence): Fn::GetAtt's [LogicalID, Attribute], Fn::Sub's [String,
// {Var: Value}]. The first item must be written out, as CloudFormation
// resolves it before any function; the second is evaluated. usage is the
// form and first the item's name, for the error.
func (t *template) literalPair(fn string, a *yaml.Node, usage, first string, line, depth int, inCond bool) (string, *value, error) {
	if len(a.Content) != 2 {
		return "", nil, t.errf(line, "%s takes %s", fn, usage)
	}
	n := deref(a.Content[0])
	if n.Kind != yaml.ScalarNode {
		return "", nil, t.errf(line, "%s: %s must be a literal string", fn, first)
	}
	v, err := t.eval(a.Content[1], depth, inCond)
	return n.Value, v, err
}

// sub resolves Fn::Sub: "${Name}" is a Ref, "${Name.Attr}" a GetAtt,
// "${!Literal}" the literal "${Literal}", and the optional mapping of
// variables takes precedence over both.
func (t *template) sub(arg *yaml.Node, line, depth int, inCond bool) (*value, error) {
	a := deref(arg)
	var tmpl string
	vars := map[string]*value{}
	switch a.Kind {
	case yaml.ScalarNode:
		tmpl = a.Value
	case yaml.SequenceNode:
		var m *value
		var err error
		if tmpl, m, err = t.literalPair("Fn::Sub", a, "a string or [String, {Var: Value}]", "the first argument", line, depth, inCond); err != nil {
			return nil, err
		}
		if m.kind != kindMap {
			return nil, t.errf(line, "Fn::Sub: the second argument must be a mapping of variables")
		}
		for i, k := range m.keys {
			vars[k] = m.vals[i]
		}
	default:
		return nil, t.errf(line, "Fn::Sub takes a string or [String, {Var: Value}]")
	}
	var b strings.Builder
	rest := tmpl
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		b.WriteString(rest[:i])
		rest = rest[i+2:]
		if strings.HasPrefix(rest, "!") {
			b.WriteString("${")
			rest = rest[1:]
			continue
		}
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return nil, t.errf(line, "Fn::Sub: unterminated ${ in %q", tmpl)
		}
		name := strings.TrimSpace(rest[:j])
		rest = rest[j+1:]
		var v *value
		var err error
		if vv, ok := vars[name]; ok {
			v = vv
		} else if id, attr, ok := strings.Cut(name, "."); ok {
			v, err = t.getAtt(id, attr, line)
		} else {
			v, err = t.ref(name, line)
		}
		if err != nil {
			return nil, err
		}
		s, err := t.text("Fn::Sub variable "+name, v, line)
		if err != nil {
			if v.kind == kindList {
				return nil, t.errf(line, "Fn::Sub: ${%s} is a list; Fn::Sub substitutes strings only", name)
			}
			return nil, err
		}
		b.WriteString(s)
		if b.Len() > maxTemplateBytes {
			return nil, t.errf(line, "Fn::Sub result larger than 1 MB")
		}
	}
	if err := t.spend(arg, b.Len()); err != nil {
		return nil, err
	}
	return str(b.String(), line), nil
}

func (t *template) findInMap(arg *yaml.Node, line, depth int, inCond bool) (*value, error) {
	a, err := t.args("Fn::FindInMap", arg, line, depth, inCond, 3, 4)
	if err != nil {
		return nil, err
	}
	var def *value
	if len(a) == 4 {
		// AWS::LanguageExtensions: [Map, Top, Second, {DefaultValue: V}].
		def = a[3].get("DefaultValue")
		if def == nil {
			return nil, t.errf(line, "Fn::FindInMap: the fourth argument must be {DefaultValue: …}")
		}
	}
	keys := make([]string, 3)
	for i := range keys {
		if keys[i], err = t.text("Fn::FindInMap", a[i], line); err != nil {
			return nil, err
		}
		if snapshot.IsUnknown(keys[i]) {
			return str(t.unknown(fmt.Sprintf("FindInMap [%s, %s, %s] with an unknown key", keys[0], keys[1], keys[2]), line), line), nil
		}
	}
	miss := func(what string) (*value, error) {
		if def != nil {
			return def, nil
		}
		return nil, t.errf(line, "Fn::FindInMap: %s", what)
	}
	if t.mappings == nil {
		return miss("the template has no Mappings")
	}
	m := lookup(t.mappings, keys[0])
	if m == nil {
		return miss(fmt.Sprintf("no mapping %q", keys[0]))
	}
	top := lookup(m, keys[1])
	if top == nil {
		return miss(fmt.Sprintf("mapping %s has no key %q", keys[0], keys[1]))
	}
	leaf := lookup(top, keys[2])
	if leaf == nil {
		return miss(fmt.Sprintf("mapping %s.%s has no key %q", keys[0], keys[1], keys[2]))
	}
	return t.eval(leaf, depth, inCond)
}

func lookup(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// cidr resolves Fn::Cidr [ipBlock, count, cidrBits]: count consecutive
// subnets whose host part is cidrBits wide, from the start of ipBlock.
func (t *template) cidr(arg *yaml.Node, line, depth int, inCond bool) (*value, error) {
	a, err := t.args("Fn::Cidr", arg, line, depth, inCond, 3, 3)
	if err != nil {
		return nil, err
	}
	var s [3]string
	for i := range s {
		if s[i], err = t.text("Fn::Cidr", a[i], line); err != nil {
			return nil, err
		}
		if snapshot.IsUnknown(s[i]) {
			return str(t.unknown("Fn::Cidr of "+s[i], line), line), nil
		}
	}
	block, err := netip.ParsePrefix(s[0])
	if err != nil {
		return nil, t.errf(line, "Fn::Cidr: %q is not a CIDR block", s[0])
	}
	count, err1 := strconv.Atoi(s[1])
	bits, err2 := strconv.Atoi(s[2])
	if err1 != nil || err2 != nil || count < 1 || count > 256 {
		return nil, t.errf(line, "Fn::Cidr: count must be 1 to 256 and cidrBits a number")
	}
	total := block.Addr().BitLen()
	newLen := total - bits
	if bits < 0 || newLen < block.Bits() {
		return nil, t.errf(line, "Fn::Cidr: cidrBits %d does not fit in %s", bits, s[0])
	}
	if avail := newLen - block.Bits(); avail < 9 && count > 1<<avail {
		return nil, t.errf(line, "Fn::Cidr: %s holds only %d subnets of /%d", s[0], 1<<avail, newLen)
	}
	if err := t.spendList(line, count, count*len(s[0])); err != nil {
		return nil, err
	}
	out := &value{kind: kindList, line: line}
	addr := block.Masked().Addr()
	for i := 0; i < count; i++ {
		out.list = append(out.list, str(netip.PrefixFrom(addr, newLen).String(), line))
		addr = addAddr(addr, bits)
	}
	return out, nil
}

// addAddr adds 2^shift to an address.
func addAddr(a netip.Addr, shift int) netip.Addr {
	b := a.AsSlice()
	byteIdx := len(b) - 1 - shift/8
	carry := 1 << (shift % 8)
	for i := byteIdx; i >= 0 && carry > 0; i-- {
		sum := int(b[i]) + carry
		b[i] = byte(sum)
		carry = sum >> 8
	}
	r, _ := netip.AddrFromSlice(b)
	return r
}

// condValue is a condition's value: true or false, or, when it depends on
// a value the template does not determine, unknown (the token naming why).
type condValue struct {
	val     bool
	unknown string
}

func (c condValue) value(line int) *value {
	if c.unknown != "" {
		return unknownBool(c.unknown, line)
	}
	return boolean(c.val, line)
}

// unknownBool is a condition value that may be true or false.
func unknownBool(token string, line int) *value {
	return &value{kind: kindBool, s: token, line: line}
}

// eitherBranch resolves Fn::If on a condition that may go either way:
// both branches are resolved (so that a fault in either is reported, as
// CloudFormation validates both), and the result is their common value
// when they agree, else a value with the two candidates, naming both, so
// that no rule takes either one for the deployed value.
func (t *template) eitherBranch(cond, token string, yes, no *yaml.Node, line, depth int, inCond bool) (*value, error) {
	a, err := t.eval(yes, depth, inCond)
	if err != nil {
		return nil, err
	}
	b, err := t.eval(no, depth, inCond)
	if err != nil {
		return nil, err
	}
	if a.kind == b.kind && string(a.JSON()) == string(b.JSON()) {
		return a, nil
	}
	if a.kind == kindBool && b.kind == kindBool {
		t.hangsOn(token, cond)
		return unknownBool(token, line), nil
	}
	tok := t.unknown(fmt.Sprintf("%s if condition %s holds (%s), else %s", candidate(a), cond, token, candidate(b)), line)
	t.hangsOn(tok, cond)
	return str(tok, line), nil
}

// hangsOn records that the value token stands for depends on the
// undecided condition cond.
func (t *template) hangsOn(token, cond string) {
	if !slices.Contains(t.condOf[token], cond) {
		t.condOf[token] = append(t.condOf[token], cond)
		slices.Sort(t.condOf[token])
	}
}

// candidate names one possible value of an undecided Fn::If.
func candidate(v *value) string {
	switch v.kind {
	case kindNoValue:
		return "no value"
	case kindString, kindNumber, kindBool:
		return fmt.Sprintf("%q", v.s)
	}
	js := v.JSON()
	if len(js) > 200 {
		return v.kind.String()
	}
	return string(js)
}

// condition evaluates a named condition once.
func (t *template) condition(name string, line int) (condValue, error) {
	if v, ok := t.condMemo[name]; ok {
		return v, nil
	}
	n, ok := t.conditions[name]
	if !ok {
		return condValue{}, t.errf(line, "condition %q is not defined in Conditions", name)
	}
	if t.condBusy[name] {
		return condValue{}, t.errf(n.Line, "condition %q refers to itself (circular condition)", name)
	}
	if err := t.enter(n.Line); err != nil {
		return condValue{}, err
	}
	t.condBusy[name] = true
	v, err := t.eval(n, 0, true)
	t.condBusy[name] = false
	t.nest--
	if err != nil {
		return condValue{}, err
	}
	if v.kind != kindBool {
		return condValue{}, t.errf(n.Line, "condition %q must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or Condition, got %s", name, v.kind)
	}
	c := condValue{val: v.s == "true"}
	if snapshot.IsUnknown(v.s) {
		c = condValue{unknown: v.s}
		if val, ok := t.fixed[name]; ok {
			// The caller judges this branch (Options.Conditions).
			c = condValue{val: val}
		}
	}
	t.condMemo[name] = c
	return c, nil
}
