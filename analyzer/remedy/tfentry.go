package remedy

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// A Fix's SetAt is written into the entry the finding points at: a
// notification's topic, queue or lambda_function block
// (registry.terraform.io/providers/hashicorp/aws, aws_s3_bucket_notification),
// a statement of a jsonencode() policy, or a statement block of an
// aws_iam_policy_document data source. The collector points each of them
// at its own line when the .tf files are at hand.

// tfNotificationBlocks are the nested blocks of aws_s3_bucket_notification
// that are entries of a notification configuration.
var tfNotificationBlocks = map[string]bool{"topic": true, "queue": true, "lambda_function": true}

// tfEntry is the entry a SetAt goes into; exactly one of its fields is set.
type tfEntry struct {
	// nested is a notification's topic, queue or lambda_function block.
	nested *hclsyntax.Block
	// object is a statement of a jsonencode() policy; arg names the
	// argument that holds it.
	object *hclsyntax.ObjectConsExpr
	arg    string
	// statement is a statement block of an aws_iam_policy_document.
	statement *hclsyntax.Block
	// lifecycle is a lifecycle rule block (tflifecycle.go).
	lifecycle *hclsyntax.Block
	// owner is the address of the block that holds the entry.
	owner string
}

// findEntry finds the entry at line: a statement written on it, in any
// block of the file (an aws_iam_policy_document may be in another file
// than the resource that uses it), or a notification entry of block; the
// notification's only entry where line is the resource's own.
func findEntry(body *hclsyntax.Body, block *hclsyntax.Block, line int) (tfEntry, bool) {
	if block != nil {
		var targets []*hclsyntax.Block
		for _, nb := range block.Body.Blocks {
			if tfNotificationBlocks[nb.Type] {
				targets = append(targets, nb)
				if nb.DefRange().Start.Line == line {
					return tfEntry{nested: nb, owner: block.Labels[0] + "." + block.Labels[1]}, true
				}
			}
		}
		if len(targets) == 1 && block.DefRange().Start.Line == line {
			return tfEntry{nested: targets[0], owner: block.Labels[0] + "." + block.Labels[1]}, true
		}
		if r := lifecycleRuleAt(block, line); r != nil {
			return tfEntry{lifecycle: r, owner: block.Labels[0] + "." + block.Labels[1]}, true
		}
	}
	for _, b := range body.Blocks {
		if len(b.Labels) != 2 {
			continue
		}
		if b.Type == "data" && b.Labels[0] == "aws_iam_policy_document" {
			for _, st := range b.Body.Blocks {
				if st.Type == "statement" && st.DefRange().Start.Line == line {
					return tfEntry{statement: st, owner: "data." + b.Labels[0] + "." + b.Labels[1]}, true
				}
			}
			continue
		}
		if b.Type != "resource" {
			continue
		}
		for name, a := range b.Body.Attributes {
			for _, st := range jsonStatements(a.Expr) {
				if st.SrcRange.Start.Line == line {
					return tfEntry{object: st, arg: name, owner: b.Labels[0] + "." + b.Labels[1]}, true
				}
			}
		}
	}
	return tfEntry{}, false
}

// jsonStatements are the statement objects of a jsonencode() policy.
func jsonStatements(e hclsyntax.Expression) []*hclsyntax.ObjectConsExpr {
	call, ok := e.(*hclsyntax.FunctionCallExpr)
	if !ok || call.Name != "jsonencode" || len(call.Args) != 1 {
		return nil
	}
	doc, ok := call.Args[0].(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	var out []*hclsyntax.ObjectConsExpr
	if v := objectItem(doc, "Statement"); v != nil {
		switch st := v.(type) {
		case *hclsyntax.TupleConsExpr:
			for _, el := range st.Exprs {
				if o, ok := el.(*hclsyntax.ObjectConsExpr); ok {
					out = append(out, o)
				}
			}
		case *hclsyntax.ObjectConsExpr:
			out = append(out, st)
		}
	}
	return out
}

// objectItem is the value of key in an object constructor, written bare
// (Statement) or quoted ("Statement"), or nil.
func objectItem(o *hclsyntax.ObjectConsExpr, key string) hclsyntax.Expression {
	for _, it := range o.Items {
		if hcl.ExprAsKeyword(it.KeyExpr) == key || literalString(it.KeyExpr) == key {
			return it.ValueExpr
		}
	}
	return nil
}

// tfSetAtChange writes a SetAt fix into the entry the finding points at.
// block is the finding's resource block in this file (nil when the
// finding points into another block of it, such as a policy document).
func tfSetAtChange(f findings.Finding, body *hclsyntax.Body, block *hclsyntax.Block, data []byte) *findings.Change {
	en, ok := findEntry(body, block, f.Location.Line)
	if !ok {
		// An entry trailgate cannot place (a policy in a heredoc or
		// file()): the HCL to write, at the line the finding names.
		text, ok := tfSetAtText(f.Fix.SetAt)
		if !ok {
			return nil
		}
		return &findings.Change{Language: "terraform", File: f.Location.File, Line: f.Location.Line,
			Text: fmt.Sprintf("In %s (%s), %s", where(f.Location.File, f.Location.Line), f.Address, text)}
	}
	src := &hclSource{data: data, lines: strings.Split(string(data), "\n")}
	c := &findings.Change{Language: "terraform", File: f.Location.File, Line: f.Location.Line}
	at := where(c.File, c.Line)
	var exact bool
	switch {
	case en.lifecycle != nil:
		return lifecycleChange(f, en.lifecycle, en.owner, src)
	case en.nested != nil:
		names, values, drop, ok := tfNotificationSet(f.Fix.SetAt)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In %s, set in the %s block of %s:\n\n%s", at, en.nested.Type, en.owner, tfArgs(names, values))
		if len(drop) > 0 {
			c.Text += fmt.Sprintf("\n\nand remove its %s.", strings.Join(drop, " and "))
		}
		c.Edits, exact = src.bodyEdits(en.nested, names, values, drop)
	case len(f.Fix.SetAt) == 1 && f.Fix.SetAt["Condition"] != nil:
		cond, ok := f.Fix.SetAt["Condition"].(map[string]any)
		if !ok || len(cond) == 0 {
			return nil
		}
		if en.statement != nil {
			blocks, ok := conditionBlocks(cond, "")
			if !ok {
				return nil
			}
			c.Text = fmt.Sprintf("In %s, add to the statement block of %s (its condition blocks of the same test and variable give way to these):\n\n%s", at, en.owner, indentText(blocks, "  "))
			c.Edits, exact = src.conditionBlockEdits(en.statement, cond)
		} else {
			how := "set in the statement of %s's %s"
			if objectItem(en.object, "Condition") != nil {
				how = "add to the Condition of the statement of %s's %s (keeping the conditions it has)"
			}
			c.Text = fmt.Sprintf("In %s, "+how+":\n\n  Condition = %s", at, en.owner, en.arg, hclValue(cond, "  "))
			c.Edits, exact = src.conditionEdits(en.object, cond)
		}
	default:
		return nil
	}
	if !exact {
		c.Edits = nil
	}
	return c
}

// tfNotificationSet maps a notification entry's SetAt (CloudFormation's
// Event, and Filter.S3Key.Rules) to the arguments of the
// aws_s3_bucket_notification block: events, filter_prefix and
// filter_suffix. A filter rule the Fix leaves out is an argument to
// remove (drop), since the Rules are replaced whole.
func tfNotificationSet(set map[string]any) (names, values, drop []string, ok bool) {
	for _, p := range props(set) {
		switch p {
		case "Event":
			w, ok := set[p].(string)
			if !ok {
				return nil, nil, nil, false
			}
			names, values = append(names, "events"), append(values, "["+hclValue(w, "")+"]")
		case "Topic", "Queue":
			// The destination's ARN (topic_arn, queue_arn of the topic
			// or queue block).
			w, ok := set[p].(string)
			if !ok {
				return nil, nil, nil, false
			}
			names, values = append(names, strings.ToLower(p)+"_arn"), append(values, hclValue(w, ""))
		case "Filter":
			f, _ := set[p].(map[string]any)
			k, _ := f["S3Key"].(map[string]any)
			rules, ok := k["Rules"].([]any)
			if !ok || len(f) != 1 || len(k) != 1 {
				return nil, nil, nil, false
			}
			seen := map[string]bool{}
			for _, r := range rules {
				m, _ := r.(map[string]any)
				n, _ := m["Name"].(string)
				v, ok := m["Value"].(string)
				n = strings.ToLower(n)
				if !ok || n != "prefix" && n != "suffix" || seen[n] {
					return nil, nil, nil, false
				}
				seen[n] = true
				names, values = append(names, "filter_"+n), append(values, hclValue(v, ""))
			}
			for _, n := range []string{"prefix", "suffix"} {
				if !seen[n] {
					drop = append(drop, "filter_"+n)
				}
			}
		default:
			return nil, nil, nil, false
		}
	}
	return names, values, drop, len(names) > 0
}

// conditionBlocks writes a policy's Condition as aws_iam_policy_document
// condition blocks, every line starting with pad.
func conditionBlocks(cond map[string]any, pad string) (string, bool) {
	var b strings.Builder
	for _, test := range props(cond) {
		keys, ok := cond[test].(map[string]any)
		if !ok {
			return "", false
		}
		for _, variable := range props(keys) {
			l, ok := hclList(keys[variable])
			if !ok {
				return "", false
			}
			b.WriteString(pad + "condition {\n")
			b.WriteString(pad + "  test     = " + hclString(test) + "\n")
			b.WriteString(pad + "  variable = " + hclString(variable) + "\n")
			b.WriteString(pad + "  values   = " + l + "\n")
			b.WriteString(pad + "}\n")
		}
	}
	return b.String(), b.Len() > 0
}

// hclList writes a string or a list of strings as an HCL list.
func hclList(v any) (string, bool) {
	var items []string
	switch x := v.(type) {
	case string:
		items = []string{hclValue(x, "")}
	case []any:
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return "", false
			}
			items = append(items, hclValue(s, ""))
		}
	default:
		return "", false
	}
	return "[" + strings.Join(items, ", ") + "]", true
}

// hclSource is a .tf file's text, for edits that keep its layout.
type hclSource struct {
	data  []byte
	lines []string
}

// text is the source of a range.
func (s *hclSource) text(r hcl.Range) string { return string(r.SliceBytes(s.data)) }

// lineBefore and lineAfter are the text of a line before and after a
// byte offset.
func (s *hclSource) lineBefore(off int) string {
	i := strings.LastIndexByte(string(s.data[:off]), '\n')
	return string(s.data[i+1 : off])
}

func (s *hclSource) lineAfter(off int) string {
	rest := string(s.data[off:])
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// ownLine reports whether r is alone on its lines: only blanks before its
// start and after its end.
func (s *hclSource) ownLine(r hcl.Range) bool {
	return strings.TrimSpace(s.lineBefore(r.Start.Byte)) == "" && strings.TrimSpace(s.lineAfter(r.End.Byte)) == ""
}

// indent is the leading blanks of line.
func (s *hclSource) indent(line int) string {
	l := s.lines[line-1]
	return l[:len(l)-len(strings.TrimLeft(l, " \t"))]
}

// closeLine is the line of the closing brace that ends just before end
// when the brace opens its line (only blanks before it) and is not on
// the opening line open, so that a new line can go before it; 0
// otherwise (a one-line block or object).
func (s *hclSource) closeLine(end hcl.Pos, open int) int {
	if end.Line <= open || end.Byte < 1 || strings.TrimSpace(s.lineBefore(end.Byte-1)) != "" {
		return 0
	}
	return end.Line
}

// innerPad is the indentation of a block's or object's items: that of
// its first item's line, else one step in from its opening line.
func (s *hclSource) innerPad(open int, first int) string {
	if first > 0 {
		return s.indent(first)
	}
	return s.indent(open) + "  "
}

// aligned pads name to the width of the argument name on line last, when
// that line is a one-line argument, as terraform fmt aligns the = of
// consecutive arguments.
func (s *hclSource) aligned(name string, last int) string {
	if last < 1 || last > len(s.lines) {
		return name
	}
	k, _, ok := strings.Cut(strings.TrimLeft(s.lines[last-1], " \t"), " =")
	if !ok {
		return name
	}
	width := len(k)
	k = strings.TrimRight(k, " ")
	if !hclsyntax.ValidIdentifier(k) && !(strings.HasPrefix(k, `"`) && strings.HasSuffix(k, `"`) && !strings.Contains(k, " ")) {
		return name
	}
	if len(name) < width {
		return name + strings.Repeat(" ", width-len(name))
	}
	return name
}

// bodyEdits sets arguments of a block: the expression of those it has is
// replaced, the others are inserted before its closing brace, and those
// of drop are removed; ok is false where the block's layout does not let
// that be done exactly.
func (s *hclSource) bodyEdits(b *hclsyntax.Block, names, values, drop []string) ([]findings.Replacement, bool) {
	var edits []findings.Replacement
	var inserts []string
	last, first := 0, 0
	for _, a := range b.Body.Attributes {
		if l := a.SrcRange.End.Line; l > last {
			last = l
		}
		if l := a.SrcRange.Start.Line; first == 0 || l < first {
			first = l
		}
	}
	pad := s.innerPad(b.OpenBraceRange.Start.Line, first)
	for i, n := range names {
		if a, ok := b.Body.Attributes[n]; ok {
			r := a.Expr.Range()
			// A value over lines (a jsonencode() object) continues at
			// its argument's indentation.
			edits = append(edits, findings.Replacement{StartLine: r.Start.Line, StartColumn: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column, Text: strings.ReplaceAll(values[i], "\n", "\n"+s.indent(a.SrcRange.Start.Line))})
			continue
		}
		inserts = append(inserts, pad+s.aligned(n, last)+" = "+strings.ReplaceAll(values[i], "\n", "\n"+pad)+"\n")
	}
	for _, n := range drop {
		a, ok := b.Body.Attributes[n]
		if !ok {
			continue
		}
		if !s.ownLine(a.SrcRange) {
			return nil, false
		}
		edits = append(edits, findings.Replacement{StartLine: a.SrcRange.Start.Line, StartColumn: 1, EndLine: a.SrcRange.End.Line + 1, EndColumn: 1})
	}
	if len(inserts) > 0 {
		end := s.closeLine(b.CloseBraceRange.End, b.OpenBraceRange.Start.Line)
		if end == 0 {
			return nil, false
		}
		edits = append(edits, findings.Replacement{StartLine: end, StartColumn: 1, EndLine: end, EndColumn: 1, Text: strings.Join(inserts, "")})
	}
	return edits, true
}

// conditionEdits merges cond into the Condition of a jsonencode()
// statement: a missing Condition, operator or key is inserted, and the
// values of a key the statement already tests become the Fix's, which
// keep them (a new value is added after the author's own expressions).
func (s *hclSource) conditionEdits(st *hclsyntax.ObjectConsExpr, cond map[string]any) ([]findings.Replacement, bool) {
	c, ok := objectItem(st, "Condition").(*hclsyntax.ObjectConsExpr)
	if objectItem(st, "Condition") == nil {
		e, ok := s.objectInsert(st, "Condition", cond)
		return []findings.Replacement{e}, ok
	}
	if !ok {
		return nil, false
	}
	var edits []findings.Replacement
	for _, op := range props(cond) {
		keys, ok := cond[op].(map[string]any)
		if !ok {
			return nil, false
		}
		o, isObj := objectItem(c, op).(*hclsyntax.ObjectConsExpr)
		if objectItem(c, op) == nil {
			e, ok := s.objectInsert(c, op, keys)
			if !ok {
				return nil, false
			}
			edits = append(edits, e)
			continue
		}
		if !isObj {
			return nil, false
		}
		for _, k := range props(keys) {
			v := objectItem(o, k)
			if v == nil {
				e, ok := s.objectInsert(o, k, keys[k])
				if !ok {
					return nil, false
				}
				edits = append(edits, e)
				continue
			}
			edits = append(edits, s.valuesEdit(v, keys[k]))
		}
	}
	return edits, true
}

// valuesEdit makes the expression old (a condition key's values) the
// Fix's values want, which hold old's values and one more: the new one is
// added after the author's, which are kept as written; otherwise the
// whole value is replaced.
func (s *hclSource) valuesEdit(old hclsyntax.Expression, want any) findings.Replacement {
	r := old.Range()
	l, _ := want.([]any)
	if t, ok := old.(*hclsyntax.TupleConsExpr); ok && len(t.Exprs) > 0 && len(l) == len(t.Exprs)+1 {
		end := t.Exprs[len(t.Exprs)-1].Range().End
		return findings.Replacement{StartLine: end.Line, StartColumn: end.Column, EndLine: end.Line, EndColumn: end.Column, Text: ", " + hclValue(l[len(l)-1], "")}
	}
	if _, ok := old.(*hclsyntax.TupleConsExpr); !ok && len(l) == 2 {
		return findings.Replacement{StartLine: r.Start.Line, StartColumn: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column, Text: "[" + s.text(r) + ", " + hclValue(l[1], "") + "]"}
	}
	return findings.Replacement{StartLine: r.Start.Line, StartColumn: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column, Text: hclValue(want, "")}
}

// objectInsert adds key = v to an object constructor written over lines,
// as a new line before its closing brace, indented and aligned as the
// items before it.
func (s *hclSource) objectInsert(o *hclsyntax.ObjectConsExpr, key string, v any) (findings.Replacement, bool) {
	end := s.closeLine(o.SrcRange.End, o.OpenRange.Start.Line)
	if end == 0 {
		return findings.Replacement{}, false
	}
	last, first := 0, 0
	if n := len(o.Items); n > 0 {
		last, first = o.Items[n-1].ValueExpr.Range().End.Line, o.Items[0].KeyExpr.Range().Start.Line
		if first == o.OpenRange.Start.Line {
			return findings.Replacement{}, false // items on the brace's line
		}
	}
	pad := s.innerPad(o.OpenRange.Start.Line, first)
	k := key
	if !hclsyntax.ValidIdentifier(k) {
		k = hclString(k)
	}
	return findings.Replacement{StartLine: end, StartColumn: 1, EndLine: end, EndColumn: 1,
		Text: pad + s.aligned(k, last) + " = " + hclValue(v, pad) + "\n"}, true
}

// conditionBlockEdits merges cond into a statement block of an
// aws_iam_policy_document: the values of a condition block of the same
// test and variable become the Fix's (which keep them), and the others
// are new condition blocks before the statement's closing brace.
func (s *hclSource) conditionBlockEdits(st *hclsyntax.Block, cond map[string]any) ([]findings.Replacement, bool) {
	var edits []findings.Replacement
	rest := map[string]any{}
	for _, test := range props(cond) {
		keys, ok := cond[test].(map[string]any)
		if !ok {
			return nil, false
		}
		for _, variable := range props(keys) {
			var match *hclsyntax.Block
			for _, nb := range st.Body.Blocks {
				if nb.Type == "condition" && attrString(nb, "test") == test && attrString(nb, "variable") == variable {
					match = nb
				}
			}
			if match == nil || match.Body.Attributes["values"] == nil {
				m, _ := rest[test].(map[string]any)
				if m == nil {
					m = map[string]any{}
				}
				m[variable] = keys[variable]
				rest[test] = m
				continue
			}
			edits = append(edits, s.valuesEdit(match.Body.Attributes["values"].Expr, keys[variable]))
		}
	}
	if len(rest) > 0 {
		end := s.closeLine(st.CloseBraceRange.End, st.OpenBraceRange.Start.Line)
		if end == 0 {
			return nil, false
		}
		first := 0
		for _, a := range st.Body.Attributes {
			if l := a.SrcRange.Start.Line; first == 0 || l < first {
				first = l
			}
		}
		text, ok := conditionBlocks(rest, s.innerPad(st.OpenBraceRange.Start.Line, first))
		if !ok {
			return nil, false
		}
		edits = append(edits, findings.Replacement{StartLine: end, StartColumn: 1, EndLine: end, EndColumn: 1, Text: text})
	}
	return edits, true
}

// attrString is the literal string value of a block's argument, or "".
func attrString(b *hclsyntax.Block, name string) string {
	a, ok := b.Body.Attributes[name]
	if !ok {
		return ""
	}
	return literalString(a.Expr)
}

// tfSetAtText says a SetAt in HCL where the entry is not at hand (a plan
// without its configuration): the arguments of the notification's block,
// or the Condition of the statement both as jsonencode() writes it and as
// an aws_iam_policy_document's condition blocks.
func tfSetAtText(set map[string]any) (string, bool) {
	if prefix, ok := lifecyclePrefix(set); ok {
		return fmt.Sprintf("set in the lifecycle rule the finding names (its rule block; lifecycle_rule in an aws_s3_bucket):\n\n%s", lifecycleText("rule", prefix)), true
	}
	if names, values, drop, ok := tfNotificationSet(set); ok {
		text := fmt.Sprintf("set in the notification's block (topic, queue or lambda_function) the finding names:\n\n%s", tfArgs(names, values))
		if len(drop) > 0 {
			text += fmt.Sprintf("\n\nand remove its %s.", strings.Join(drop, " and "))
		}
		return text, true
	}
	cond, ok := set["Condition"].(map[string]any)
	if !ok || len(set) != 1 {
		return "", false
	}
	blocks, ok := conditionBlocks(cond, "")
	if !ok {
		return "", false
	}
	return fmt.Sprintf("add to the Condition of the statement the finding names (keeping the conditions it has):\n\n  Condition = %s\n\nor, in an aws_iam_policy_document, to its statement block:\n\n%s", hclValue(cond, "  "), indentText(blocks, "  ")), true
}

// tfNestedBlocks are the CloudFormation properties a resource type holds
// as nested blocks (registry.terraform.io/providers/hashicorp/aws,
// aws_cloudtrail: event_selector), one block per element of the list.
var tfNestedBlocks = map[string]map[string]struct {
	typ string
	// lines writes one element as its block's lines.
	lines func(elem map[string]any) ([]string, bool)
}{
	"aws_cloudtrail": {
		"EventSelectors":         {"event_selector", eventSelector},
		"AdvancedEventSelectors": {"advanced_event_selector", advancedEventSelector},
	},
}

// tfFieldOperators are an advanced selector's operators and the
// arguments of its field_selector block (registry.terraform.io/providers/
// hashicorp/aws, aws_cloudtrail: advanced_event_selector).
var tfFieldOperators = map[string]string{
	"Equals": "equals", "NotEquals": "not_equals",
	"StartsWith": "starts_with", "NotStartsWith": "not_starts_with",
	"EndsWith": "ends_with", "NotEndsWith": "not_ends_with",
}

// nestedBlocks writes the list v as blocks of type typ, one per element,
// whose lines lines writes; ok is false for an empty list, an element
// that is not an object, or one lines cannot write.
func nestedBlocks(v any, typ string, lines func(elem map[string]any) ([]string, bool)) ([]string, bool) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, false
	}
	out := make([]string, len(list))
	for i, e := range list {
		elem, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		l, ok := lines(elem)
		if !ok {
			return nil, false
		}
		out[i] = hclBlock(typ, l)
	}
	return out, true
}

// hclBlock writes a nested block of type typ holding lines, indented by
// two spaces as terraform fmt does.
func hclBlock(typ string, lines []string) string {
	return typ + " {\n" + indentText(strings.Join(lines, "\n"), "  ") + "\n}"
}

// advancedEventSelector writes one of a trail's AdvancedEventSelectors as
// the lines of its advanced_event_selector block, a field_selector block
// per field.
func advancedEventSelector(sel map[string]any) ([]string, bool) {
	var lines []string
	for _, k := range props(sel) {
		switch k {
		case "Name":
			lines = append(lines, "name = "+hclValue(sel[k], ""))
		case "FieldSelectors":
		default:
			return nil, false
		}
	}
	fields, ok := sel["FieldSelectors"].([]any)
	if !ok || len(fields) == 0 {
		return nil, false
	}
	for _, fv := range fields {
		f, ok := fv.(map[string]any)
		name, ok2 := f["Field"].(string)
		if !ok || !ok2 {
			return nil, false
		}
		args := []string{"field = " + hclValue(name, "")}
		for _, op := range props(f) {
			if op == "Field" {
				continue
			}
			arg := tfFieldOperators[op]
			l, ok := hclList(f[op])
			if arg == "" || !ok {
				return nil, false
			}
			args = append(args, arg+" = "+l)
		}
		lines = append(lines, hclBlock("field_selector", alignArgs(args)))
	}
	return lines, true
}

// eventSelector writes one of a trail's EventSelectors as the lines of
// its event_selector block.
func eventSelector(sel map[string]any) ([]string, bool) {
	var lines []string
	for _, k := range props(sel) {
		switch k {
		case "ReadWriteType":
			lines = append(lines, "read_write_type = "+hclValue(sel[k], ""))
		case "IncludeManagementEvents":
			lines = append(lines, "include_management_events = "+hclValue(sel[k], ""))
		case "ExcludeManagementEventSources":
			l, ok := hclList(sel[k])
			if !ok {
				return nil, false
			}
			lines = append(lines, "exclude_management_event_sources = "+l)
		case "DataResources":
		default:
			return nil, false
		}
	}
	lines = alignArgs(lines)
	drs, _ := sel["DataResources"].([]any)
	for _, d := range drs {
		dr, ok := d.(map[string]any)
		typ, ok2 := dr["Type"].(string)
		if !ok || !ok2 {
			return nil, false
		}
		args := []string{"type = " + hclValue(typ, "")}
		if vs, ok := dr["Values"]; ok {
			l, ok := hclList(vs)
			if !ok {
				return nil, false
			}
			args = append(args, "values = "+l)
		}
		lines = append(lines, hclBlock("data_resource", alignArgs(args)))
	}
	return lines, true
}

// blockEdits replaces the nested blocks of type typ of b with blocks (a
// list replaced whole, as CloudFormation's property is): the first
// existing block's text gives way to all of them, the others are
// removed; without one, they go before b's closing brace. ok is false for
// a dynamic block of that type, or a layout that does not let that be
// done exactly.
func (s *hclSource) blockEdits(b *hclsyntax.Block, typ string, blocks []string) ([]findings.Replacement, bool) {
	var old []*hclsyntax.Block
	for _, nb := range b.Body.Blocks {
		if nb.Type == "dynamic" && len(nb.Labels) == 1 && nb.Labels[0] == typ {
			return nil, false
		}
		if nb.Type == typ {
			old = append(old, nb)
		}
	}
	if len(old) == 0 {
		end := s.closeLine(b.CloseBraceRange.End, b.OpenBraceRange.Start.Line)
		if end == 0 {
			return nil, false
		}
		pad := s.indent(b.OpenBraceRange.Start.Line) + "  "
		return []findings.Replacement{{StartLine: end, StartColumn: 1, EndLine: end, EndColumn: 1, Text: indentText(strings.Join(blocks, "\n"), pad) + "\n"}}, true
	}
	var edits []findings.Replacement
	for i, nb := range old {
		r := hcl.RangeBetween(nb.TypeRange, nb.CloseBraceRange)
		if !s.ownLine(r) {
			return nil, false
		}
		if i == 0 {
			pad := s.indent(r.Start.Line)
			edits = append(edits, findings.Replacement{StartLine: r.Start.Line, StartColumn: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column,
				Text: strings.TrimPrefix(indentText(strings.Join(blocks, "\n"), pad), pad)})
			continue
		}
		edits = append(edits, findings.Replacement{StartLine: r.Start.Line, StartColumn: 1, EndLine: r.End.Line + 1, EndColumn: 1})
	}
	return edits, true
}
