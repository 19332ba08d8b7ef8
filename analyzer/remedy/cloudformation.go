package remedy

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// The CloudFormation property that holds each resource type's policy
// (the "resource" policy of a Fix), and a role's trust policy.
var policyProperty = map[string]string{
	"AWS::S3::BucketPolicy":   "PolicyDocument",
	"AWS::SNS::TopicPolicy":   "PolicyDocument",
	"AWS::SQS::QueuePolicy":   "PolicyDocument",
	"AWS::KMS::Key":           "KeyPolicy",
	"AWS::IAM::ManagedPolicy": "PolicyDocument",
}

const trustProperty = "AssumeRolePolicyDocument"

// cfnNoProperty names settings a Fix may give that CloudFormation's
// resource type cannot hold: the fix is then made outside the template,
// and the text says why (a Terraform configuration has them: see
// tfBucketResources).
var cfnNoProperty = map[string]map[string]string{
	"AWS::S3::Bucket": {
		// github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/123
		"RequestPaymentConfiguration": "AWS::S3::Bucket has no request payment property (Requester Pays is set by the S3 API or console only), so the stack cannot set the payer back",
	},
}

// template is a CloudFormation template read with positions.
type template struct {
	lines []string
	json  bool // the template is JSON: changes are written in JSON
	res   *yaml.Node
}

func readTemplate(data []byte) *template {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil
	}
	_, res := mapGet(doc.Content[0], "Resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return nil
	}
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return &template{lines: strings.Split(string(data), "\n"), json: len(d) > 0 && d[0] == '{', res: res}
}

// resource finds the resource a finding is about: by logical ID first
// (a property of the resource itself) or by the line its location is on
// (a statement of a separate policy resource), as preferLine says.
func (t *template) resource(f findings.Finding, preferLine bool) (id string, key, val *yaml.Node) {
	byAddr := func() bool {
		if f.Address == "" {
			return false
		}
		key, val = mapGet(t.res, f.Address)
		id = f.Address
		return val != nil
	}
	byLine := func() bool {
		for i := 0; i+1 < len(t.res.Content); i += 2 {
			k, v := t.res.Content[i], t.res.Content[i+1]
			if k.Line <= f.Location.Line && f.Location.Line <= maxLine(v) {
				id, key, val = k.Value, k, v
				return true
			}
		}
		return false
	}
	if preferLine {
		if byLine() || byAddr() {
			return id, key, val
		}
	} else if byAddr() || byLine() {
		return id, key, val
	}
	return "", nil, nil
}

func cloudFormationChange(f findings.Finding, t *template, sids map[string]int) *findings.Change {
	if t == nil {
		return nil
	}
	lang := "cloudformation-yaml"
	if t.json {
		lang = "cloudformation-json"
	}
	switch {
	case f.Fix.Remove:
		id, key, val := t.resource(f, false)
		if val == nil {
			return nil
		}
		typeName := ""
		if _, typ := mapGet(val, "Type"); typ != nil {
			typeName = " (" + typ.Value + ")"
		}
		// Deleting the declaration is not offered as an edit: other
		// resources may name it, and the user decides what replaces it.
		return &findings.Change{Language: lang, File: f.Location.File, Line: key.Line,
			Text: fmt.Sprintf("In %s, delete the resource %s%s from this template, with every Ref, Fn::GetAtt, Fn::Sub or DependsOn that names it.", where(f.Location.File, key.Line), id, typeName)}
	case len(f.Fix.Set) > 0:
		id, key, val := t.resource(f, false)
		if val == nil {
			return nil
		}
		if _, typ := mapGet(val, "Type"); typ != nil {
			for _, p := range props(f.Fix.Set) {
				if why := cfnNoProperty[typ.Value][p]; why != "" {
					c := &findings.Change{Language: lang, File: f.Location.File, Line: key.Line}
					c.Text = fmt.Sprintf("No change to this template (%s) fixes this: %s\n\nInstead: %s", where(c.File, c.Line), why, f.Remediation)
					return c
				}
			}
		}
		_, pn := mapGet(val, "Properties")
		set := f.Fix.Set
		if _, typ := mapGet(val, "Type"); typ != nil {
			set = aliased(typ.Value, pn, set)
		}
		return t.setChange(f, lang, id, key, val, set, pn, "the Properties of")
	case f.Fix.Companion != nil && len(f.Fix.SetAt) == 0 && len(f.Fix.AddStatement) == 0:
		id, key, val := t.resource(f, false)
		if val == nil {
			return nil
		}
		return t.declareChange(f, lang, id, key)
	case len(f.Fix.SetAt) > 0:
		id, key, val := t.resource(f, true)
		if val == nil {
			return nil
		}
		at := mappingAt(val, f.Location.Line)
		if at == nil {
			return nil
		}
		c := t.setChange(f, lang, id, key, val, f.Fix.SetAt, at, fmt.Sprintf("the entry at line %d of", f.Location.Line))
		if c != nil {
			c.Line = f.Location.Line
		}
		return c
	case len(f.Fix.AddStatement) > 0:
		id, key, val := t.resource(f, true)
		if val == nil {
			return nil
		}
		return t.statementChange(f, lang, id, key, val, sids)
	}
	return nil
}

// setEdits are the edits that give the mapping pn the values of set: a
// missing key is inserted before pn's first, a one-line scalar replaced,
// and an object value merged into the block mapping the template already
// has there (a statement's Condition gaining an operator), keeping its
// other keys; merged names those mappings. ok is false when the edit
// cannot be exact (a value spelled as an intrinsic, over lines, or a
// structured value into a one-line mapping).
func (t *template) setEdits(pn *yaml.Node, set map[string]any) (edits []findings.Replacement, merged []string, ok bool) {
	first := pn.Content[0]
	prefix := t.prefix(first.Line, first.Column)
	block := strings.TrimSpace(prefix) == ""
	var inserts []string
	for _, p := range props(set) {
		_, v := mapGet(pn, p)
		if v == nil {
			if !block && !isScalar(set[p]) {
				return nil, nil, false
			}
			inserts = append(inserts, t.pair(p, set[p], prefix))
			continue
		}
		if m, isMap := set[p].(map[string]any); isMap && len(m) > 0 && v.Kind == yaml.MappingNode && len(v.Content) > 0 && v.Tag == "!!map" && !intrinsic(v) {
			es, ms, ok := t.setEdits(v, m)
			if !ok {
				return nil, nil, false
			}
			edits = append(edits, es...)
			merged = append(append(merged, p), ms...)
			continue
		}
		if l, isList := set[p].([]any); isList && len(l) > 0 && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle == 0 && !t.json {
			// A block sequence (a filter's Rules) is replaced whole, item
			// lines at its dashes' indentation.
			before := t.prefix(v.Line, v.Column)
			if strings.TrimSpace(before) != "" || len(v.Content) == 0 {
				return nil, nil, false
			}
			edits = append(edits, findings.Replacement{StartLine: v.Line, StartColumn: 1, EndLine: maxLine(v) + 1, EndColumn: 1,
				Text: indentText(yamlBlock(l), before) + "\n"})
			continue
		}
		if l, isList := set[p].([]any); isList && len(l) > 0 && v.Kind == yaml.SequenceNode && t.json {
			// A JSON list (a filter's Rules) is replaced whole, from its
			// bracket to its closing one, in the file's indentation.
			if e, ok := t.jsonReplace(v, l); ok {
				edits = append(edits, e)
				continue
			}
		}
		end, ok := t.scalarEnd(v, pn.Style&yaml.FlowStyle != 0)
		if !ok && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle != 0 && !isScalar(set[p]) {
			end, ok = t.flowEnd(v)
		}
		if !ok {
			return nil, nil, false
		}
		text := t.scalar(set[p])
		if !isScalar(set[p]) {
			// A one-line value becoming a list of scalars (a condition
			// admitting a second value) stays on its line, as a flow
			// list, valid YAML and JSON alike.
			if text, ok = flowList(set[p]); !ok {
				return nil, nil, false
			}
		}
		edits = append(edits, findings.Replacement{StartLine: v.Line, StartColumn: v.Column, EndLine: v.Line, EndColumn: end, Text: text})
	}
	if len(inserts) > 0 {
		switch {
		case block:
			text := strings.Join(inserts, "\n") + "\n"
			if t.json {
				text = strings.Join(inserts, ",\n") + ",\n"
			}
			edits = append(edits, findings.Replacement{StartLine: first.Line, StartColumn: 1, EndLine: first.Line, EndColumn: 1, Text: text})
		case t.json:
			edits = append(edits, findings.Replacement{StartLine: first.Line, StartColumn: first.Column, EndLine: first.Line, EndColumn: first.Column, Text: strings.Join(inserts, ", ") + ", "})
		default:
			return nil, nil, false
		}
	}
	return edits, merged, true
}

// intrinsic reports whether a mapping is a long-form intrinsic function
// ({"Fn::If": …}, {"Ref": …}), which a fix must not merge keys into.
func intrinsic(m *yaml.Node) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if k := m.Content[i].Value; k == "Ref" || strings.HasPrefix(k, "Fn::") {
			return true
		}
	}
	return false
}

// declareChange declares the Fix's companion beside the finding's
// resource (before it, where a key is known to start a line), its
// "$self" references naming that resource.
func (t *template) declareChange(f findings.Finding, lang, id string, key *yaml.Node) *findings.Change {
	cp := *f.Fix.Companion
	cp.Properties = withSelf(cp.Properties, id).(map[string]any)
	name := id + cp.Suffix
	c := &findings.Change{Language: lang, File: f.Location.File, Line: key.Line,
		Text: fmt.Sprintf("In %s, declare the resource %s:\n\n%s", where(f.Location.File, key.Line), name, indentText(t.resourceDecl(name, &cp, ""), "  "))}
	if e := t.declareEdit(name, &cp, key); e != nil {
		c.Edits = []findings.Replacement{*e}
	}
	return c
}

// declareEdit inserts the declaration of resource name before the
// resource whose key is key (Resources are a mapping: where a key is known
// to start a line); nil when the name is taken or the place unknown.
func (t *template) declareEdit(name string, cp *findings.Companion, key *yaml.Node) *findings.Replacement {
	if _, taken := mapGet(t.res, name); taken != nil {
		return nil
	}
	pad := t.prefix(key.Line, key.Column)
	if strings.TrimSpace(pad) != "" {
		return nil
	}
	text := t.resourceDecl(name, cp, pad) + "\n"
	if t.json {
		text = strings.TrimSuffix(text, "\n") + ",\n"
	}
	return &findings.Replacement{StartLine: key.Line, StartColumn: 1, EndLine: key.Line, EndColumn: 1, Text: text}
}

// setChange gives properties of the mapping pn (a resource's Properties,
// or the entry a finding points into) the values of set; in names pn for
// the change's text.
func (t *template) setChange(f findings.Finding, lang, id string, key, val *yaml.Node, set map[string]any, pn *yaml.Node, in string) *findings.Change {
	_, typ := mapGet(val, "Type")
	c := &findings.Change{Language: lang, File: f.Location.File, Line: key.Line}
	companion := ""
	if cp := f.Fix.Companion; cp != nil {
		companion = id + cp.Suffix
		set = withCompanion(set, companion).(map[string]any)
	}
	var snippet []string
	for _, p := range props(set) {
		snippet = append(snippet, t.pair(p, set[p], ""))
	}
	typeName := ""
	if typ != nil {
		typeName = " (" + typ.Value + ")"
	}
	if t.json {
		c.Text = fmt.Sprintf("In %s, set in %s %s%s:\n\n%s", where(c.File, c.Line), in, id, typeName, indentText(strings.Join(snippet, ",\n"), "  "))
	} else {
		c.Text = fmt.Sprintf("In %s, set in %s %s%s:\n\n%s", where(c.File, c.Line), in, id, typeName, indentText(strings.Join(snippet, "\n"), "  "))
	}
	var companionEdit *findings.Replacement
	if companion != "" {
		decl := t.resourceDecl(companion, f.Fix.Companion, "")
		c.Text = fmt.Sprintf("In %s, declare the resource %s:\n\n%s\n\n%s", where(c.File, c.Line), companion, indentText(decl, "  "), c.Text)
		if companionEdit = t.declareEdit(companion, f.Fix.Companion, key); companionEdit == nil {
			return c
		}
	}
	if pn == nil || pn.Kind != yaml.MappingNode || len(pn.Content) == 0 {
		return c // no Properties to edit in place: the text says what to add
	}
	textOnly := &findings.Change{Language: c.Language, File: c.File, Line: c.Line, Text: c.Text}
	edits, merged, ok := t.setEdits(pn, set)
	if !ok {
		textOnly.Text += computedReason(pn, set)
		return textOnly
	}
	c.Edits = append(c.Edits, edits...)
	if len(merged) > 0 {
		c.Text += fmt.Sprintf("\n\n(In %s, only the keys shown are added or changed: keep the others.)", strings.Join(merged, ", "))
	}
	if companionEdit != nil {
		c.Edits = append(c.Edits, *companionEdit)
	}
	slices.SortFunc(c.Edits, func(a, b findings.Replacement) int {
		return cmp.Or(cmp.Compare(a.StartLine, b.StartLine), cmp.Compare(a.StartColumn, b.StartColumn))
	})
	return c
}

func (t *template) statementChange(f findings.Finding, lang, id string, key, val *yaml.Node, sids map[string]int) *findings.Change {
	_, typ := mapGet(val, "Type")
	if typ == nil {
		return nil
	}
	if pr, ok := policyResources[typ.Value]; ok && f.Fix.Policy == "resource" {
		// The policy of a topic, queue or bucket is a resource of its
		// own: the one naming this resource gains the statement, else one
		// is declared.
		pid, pkey, pval, maybe := t.policyResourceOf(pr, id)
		if pval != nil {
			return t.statementChange(f, lang, pid, pkey, pval, sids)
		}
		c := t.declarePolicy(f, lang, id, key, pr, sids)
		if maybe != "" && c != nil {
			// A resource has one such policy: a second declaration would
			// replace the first at deploy.
			c.Edits = nil
			c.Text += fmt.Sprintf("\n\n(No exact edit: %s (%s) names its %s by a value trailgate does not tie to %s; if it is %s's policy, add the statement to it instead of declaring a second one.)", maybe, pr.typ, pr.prop, id, id)
		}
		return c
	}
	prop, doc, ok := policyDocument(f, typ.Value, val)
	if !ok {
		return nil
	}
	c := &findings.Change{Language: lang, File: f.Location.File, Line: key.Line}
	_, st := mapGet(doc, "Statement")
	statement := f.Fix.AddStatement
	if sid, ok := statement["Sid"].(string); ok && st != nil {
		k := fmt.Sprintf("%s:%d:%s", f.Location.File, st.Line, sid)
		if n := sids[k]; n > 0 {
			statement = maps.Clone(statement)
			statement["Sid"] = fmt.Sprintf("%s%d", sid, n+1)
		}
		sids[k]++
	}
	var block string
	if t.json {
		block = orderedJSON(statement, "", "  ")
	} else {
		block = "- " + strings.ReplaceAll(yamlBlock(statement), "\n", "\n  ")
	}
	if prop == "Policies" && doc == nil {
		// The identity declares no inline policy: it gains one holding
		// the statement (a Properties key, an exact insertion).
		return t.inlinePolicyChange(f, lang, id, key, val, statement)
	}
	c.Text = fmt.Sprintf("In %s, add to the Statement list of %s's %s (%s):\n\n%s", where(c.File, c.Line), id, prop, typ.Value, indentText(block, "  "))
	if st == nil || st.Kind != yaml.SequenceNode || len(st.Content) == 0 {
		if doc == nil {
			c.Text += fmt.Sprintf("\n\n(No exact edit: %s declares no %s yet; write it with this statement.)", id, prop)
		} else {
			c.Text += fmt.Sprintf("\n\n(No exact edit: the Statement of %s's %s at line %d is not a list trailgate can extend: write the statement into it.)", id, prop, doc.Line)
		}
		return c
	}
	c.Line = st.Line
	// Statement IDs must be unique within a policy: when the Sid is taken
	// (a statement that nearly grants it), the author edits that one; the
	// text says what it must allow, and no edit is made.
	if sid, ok := statement["Sid"].(string); ok {
		for _, item := range st.Content {
			if _, v := mapGet(item, "Sid"); v != nil && v.Value == sid {
				c.Text += fmt.Sprintf("\n\n(The policy already has a statement %s, at line %d: make it this one.)", sid, item.Line)
				return c
			}
		}
	}
	last := st.Content[len(st.Content)-1]
	if st.Style&yaml.FlowStyle == 0 {
		// A block sequence: a new "- " item after the last one, at its dash.
		before := t.prefix(last.Line, last.Column)
		dash := strings.LastIndex(before, "-")
		if dash < 0 || strings.TrimSpace(before[:dash]) != "" {
			return c
		}
		pad := strings.Repeat(" ", len([]rune(before[:dash])))
		c.Edits = []findings.Replacement{{StartLine: maxLine(last) + 1, StartColumn: 1, EndLine: maxLine(last) + 1, EndColumn: 1,
			Text: indentText(block, pad) + "\n"}}
		return c
	}
	// A flow sequence (JSON): ", {…}" after the last item's closing brace.
	endLine, endCol, ok := t.jsonEnd(last)
	if !ok {
		return c
	}
	pad := strings.Repeat(" ", last.Column-1)
	c.Edits = []findings.Replacement{{StartLine: endLine, StartColumn: endCol, EndLine: endLine, EndColumn: endCol,
		Text: ",\n" + pad + orderedJSON(statement, pad, "  ")}}
	return c
}

// policyResource is the resource type that holds the policy of a topic,
// queue or bucket, and its property naming the resource (a list of them
// for topics and queues).
type policyResource struct {
	typ, prop string
	list      bool
}

var policyResources = map[string]policyResource{
	"AWS::SNS::Topic": {"AWS::SNS::TopicPolicy", "Topics", true},
	"AWS::SQS::Queue": {"AWS::SQS::QueuePolicy", "Queues", true},
	"AWS::S3::Bucket": {"AWS::S3::BucketPolicy", "Bucket", false},
}

// policyResourceOf is the declared policy resource of type pr.typ that
// names resource id by Ref (a topic's ARN, a queue's URL, a bucket's
// name), or nil; maybe is one of that type naming something other than a
// Ref to another resource (a literal name, a !Sub), which may be id's.
func (t *template) policyResourceOf(pr policyResource, id string) (pid string, key, val *yaml.Node, maybe string) {
	refers := func(n *yaml.Node) bool {
		if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" && n.Value == id {
			return true
		}
		_, r := mapGet(n, "Ref")
		return r != nil && r.Kind == yaml.ScalarNode && r.Value == id
	}
	for i := 0; i+1 < len(t.res.Content); i += 2 {
		k, v := t.res.Content[i], t.res.Content[i+1]
		if _, ty := mapGet(v, "Type"); ty == nil || ty.Value != pr.typ {
			continue
		}
		_, props := mapGet(v, "Properties")
		_, named := mapGet(props, pr.prop)
		if named == nil {
			continue
		}
		items := []*yaml.Node{named}
		if named.Kind == yaml.SequenceNode {
			items = named.Content
		}
		for _, n := range items {
			if refers(n) {
				return k.Value, k, v, ""
			}
			if !t.refersOther(n) && maybe == "" {
				maybe = k.Value
			}
		}
	}
	return "", nil, nil, maybe
}

// refersOther reports whether a node is a Ref to a resource the
// template declares (not a parameter, whose value trailgate does not tie
// to a resource).
func (t *template) refersOther(n *yaml.Node) bool {
	name := ""
	if n.Kind == yaml.ScalarNode && n.Tag == "!Ref" {
		name = n.Value
	} else if _, r := mapGet(n, "Ref"); r != nil && r.Kind == yaml.ScalarNode {
		name = r.Value
	}
	if name == "" {
		return false
	}
	_, v := mapGet(t.res, name)
	return v != nil
}

// declarePolicy declares the policy resource of a topic, queue or bucket
// that has none, holding the statement, before the resource. A second
// fix of the same file declaring it is not an edit (the first declares
// it): its text says to give that one the statement.
func (t *template) declarePolicy(f findings.Finding, lang, id string, key *yaml.Node, pr policyResource, sids map[string]int) *findings.Change {
	var named any = map[string]any{"Ref": id}
	if pr.list {
		named = []any{named}
	}
	cp := &findings.Companion{Suffix: "Policy", Type: pr.typ, Properties: map[string]any{
		pr.prop:          named,
		"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{f.Fix.AddStatement}},
	}}
	name := id + cp.Suffix
	c := &findings.Change{Language: lang, File: f.Location.File, Line: key.Line,
		Text: fmt.Sprintf("In %s, declare the resource %s:\n\n%s", where(f.Location.File, key.Line), name, indentText(t.resourceDecl(name, cp, ""), "  "))}
	k := "declare:" + f.Location.File + ":" + name
	sids[k]++
	switch e := t.declareEdit(name, cp, key); {
	case sids[k] > 1:
		c.Text += fmt.Sprintf("\n\n(No exact edit: another fix of this file declares %s already: give that declaration this statement.)", name)
	case e == nil:
		c.Text += fmt.Sprintf("\n\n(No exact edit: this template has a resource %s already: name the policy otherwise.)", name)
	default:
		c.Edits = []findings.Replacement{*e}
	}
	return c
}

// inlinePolicyChange gives an identity without inline policies (its
// permissions from managed policies alone) an inline policy holding the
// statement, named after the statement's Sid.
func (t *template) inlinePolicyChange(f findings.Finding, lang, id string, key, val *yaml.Node, statement map[string]any) *findings.Change {
	name, _ := statement["Sid"].(string)
	if name == "" {
		name = "TrailgateReaderAccess"
	}
	set := map[string]any{"Policies": []any{map[string]any{
		"PolicyName":     name,
		"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{statement}},
	}}}
	_, pn := mapGet(val, "Properties")
	return t.setChange(f, lang, id, key, val, set, pn, "the Properties of")
}

// identityPolicyProperty is the property of an IAM policy resource that
// holds its document.
var identityPolicyProperty = map[string]string{
	"AWS::IAM::Policy":        "PolicyDocument",
	"AWS::IAM::ManagedPolicy": "PolicyDocument",
	"AWS::IAM::RolePolicy":    "PolicyDocument",
}

// inlinePolicies are the IAM identity types whose Policies property holds
// inline policies (PolicyName, PolicyDocument).
var inlinePolicies = map[string]bool{"AWS::IAM::Role": true, "AWS::IAM::User": true, "AWS::IAM::Group": true}

// policyDocument finds the policy a statement fix goes into: the
// resource's policy, a role's trust policy, or an identity policy (a
// policy resource, or the role's inline policy the finding points into,
// else its first). prop names it in the change's text; doc is nil when
// the template does not write it yet.
func policyDocument(f findings.Finding, typ string, val *yaml.Node) (prop string, doc *yaml.Node, ok bool) {
	_, props := mapGet(val, "Properties")
	switch {
	case f.Fix.Policy == "trust" && typ == "AWS::IAM::Role":
		prop = trustProperty
	case f.Fix.Policy == "identity" && inlinePolicies[typ]:
		_, ps := mapGet(props, "Policies")
		if ps == nil || ps.Kind != yaml.SequenceNode || len(ps.Content) == 0 {
			return "Policies", nil, true
		}
		pick := ps.Content[0]
		for _, p := range ps.Content {
			if p.Line <= f.Location.Line && f.Location.Line <= maxLine(p) {
				pick = p
			}
		}
		_, doc = mapGet(pick, "PolicyDocument")
		name := "Policies"
		if _, n := mapGet(pick, "PolicyName"); n != nil && n.Kind == yaml.ScalarNode {
			name = fmt.Sprintf("inline policy %s", n.Value)
		}
		return name + " PolicyDocument", doc, true
	case f.Fix.Policy == "identity":
		prop = identityPolicyProperty[typ]
	default:
		prop = policyProperty[typ]
	}
	if prop == "" {
		return "", nil, false
	}
	_, doc = mapGet(props, prop)
	return prop, doc, true
}

// mappingAt is the innermost mapping inside resource n's Properties that
// starts on line (a notification configuration, a statement), or nil.
func mappingAt(n *yaml.Node, line int) *yaml.Node {
	var found *yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		// A block mapping starts at its first key; a flow (JSON) one at
		// its brace.
		// An intrinsic ({"Ref": …} on the entry's line) is a value, not
		// an entry.
		if n.Kind == yaml.MappingNode && len(n.Content) > 0 && (n.Content[0].Line == line || n.Style&yaml.FlowStyle != 0 && n.Line == line) && !intrinsic(n) {
			found = n
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	// Entries are inside the Properties: neither the resource nor its
	// Properties mapping is one.
	if _, pn := mapGet(n, "Properties"); pn != nil {
		for _, c := range pn.Content {
			walk(c)
		}
	}
	return found
}

// withCompanion replaces "$companion" in a Set's values with the logical
// ID of the resource the Fix declares.
func withCompanion(v any, id string) any { return withID(v, "$companion", id) }

// withSelf replaces "$self" in a companion's properties with the logical
// ID of the finding's resource.
func withSelf(v any, id string) any { return withID(v, "$self", id) }

// withID replaces the string token wherever it is a whole value.
func withID(v any, token, id string) any {
	return rewrite(v, func(v any) (any, bool) {
		if v == token {
			return id, true
		}
		return nil, false
	})
}

// rewrite copies a value decoded from JSON, replacing each part for which
// leaf returns true (a part it replaces is not walked further).
func rewrite(v any, leaf func(any) (any, bool)) any {
	if r, ok := leaf(v); ok {
		return r
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = rewrite(e, leaf)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = rewrite(e, leaf)
		}
		return out
	}
	return v
}

// resourceDecl writes a resource declaration (logical ID, Type,
// Properties) in the template's language, every line starting with pad.
func (t *template) resourceDecl(id string, c *findings.Companion, pad string) string {
	if t.json {
		k, _ := json.Marshal(id)
		ty, _ := json.Marshal(c.Type)
		body := "{\n" + pad + "  \"Type\": " + string(ty)
		if len(c.Properties) > 0 {
			body += ",\n" + pad + "  \"Properties\": " + orderedJSON(c.Properties, pad+"  ", "  ")
		}
		return pad + string(k) + ": " + body + "\n" + pad + "}"
	}
	out := pad + id + ":\n" + pad + "  Type: " + c.Type
	if len(c.Properties) > 0 {
		out += "\n" + pad + "  Properties:\n" + indentText(yamlBlock(c.Properties), pad+"    ")
	}
	return out
}

// pair renders "Property: value" (YAML) or "\"Property\": value" (JSON),
// every line starting with pad: a structured value is written over lines,
// in block style in YAML.
func (t *template) pair(p string, v any, pad string) string {
	if t.json {
		k, _ := json.Marshal(p)
		return pad + string(k) + ": " + orderedJSON(v, pad, "  ")
	}
	if isScalar(v) {
		return pad + p + ": " + t.scalar(v)
	}
	return pad + p + ":\n" + indentText(yamlBlock(v), pad+"  ")
}

// jsonReplace replaces a JSON value (v, as yaml.v3 read it) whole with
// value, written with the indentation of v's line.
func (t *template) jsonReplace(v *yaml.Node, value any) (findings.Replacement, bool) {
	line, col, ok := t.jsonEnd(v)
	if !ok {
		return findings.Replacement{}, false
	}
	text := t.lines[v.Line-1]
	pad := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	return findings.Replacement{StartLine: v.Line, StartColumn: v.Column, EndLine: line, EndColumn: col, Text: orderedJSON(value, pad, "  ")}, true
}

// jsonEnd is the position after the JSON value that starts at v.
func (t *template) jsonEnd(v *yaml.Node) (line, col int, ok bool) {
	start := t.offset(v.Line, v.Column)
	if start < 0 {
		return 0, 0, false
	}
	all := strings.Join(t.lines, "\n")
	dec := json.NewDecoder(strings.NewReader(all[start:]))
	var x any
	if dec.Decode(&x) != nil {
		return 0, 0, false
	}
	line, col = t.position(start + int(dec.InputOffset()))
	return line, col, true
}

// flowEnd is the column after a flow sequence of scalars written on one
// line (["a", b]): its closing bracket.
func (t *template) flowEnd(v *yaml.Node) (int, bool) {
	for _, e := range v.Content {
		if e.Kind != yaml.ScalarNode || e.Line != v.Line {
			return 0, false
		}
	}
	line := []rune(t.lines[v.Line-1])
	i := v.Column - 1
	if i < 0 || i >= len(line) || line[i] != '[' {
		return 0, false
	}
	var quote rune
	for j := i + 1; j < len(line); j++ {
		switch c := line[j]; {
		case quote == '"' && c == '\\':
			j++
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ']':
			return j + 2, true
		}
	}
	return 0, false
}

// flowList writes a list of scalars on one line, ["a", "b"]; ok is false
// for anything else.
func flowList(v any) (string, bool) {
	l, ok := v.([]any)
	if !ok || len(l) == 0 {
		return "", false
	}
	parts := make([]string, len(l))
	for i, e := range l {
		switch e.(type) {
		case string, bool, float64, int, int64:
		default:
			return "", false
		}
		b, err := json.Marshal(e)
		if err != nil {
			return "", false
		}
		parts[i] = string(b)
	}
	return "[" + strings.Join(parts, ", ") + "]", true
}

// isScalar reports whether v is written on one line (not an object or a
// non-empty list).
func isScalar(v any) bool {
	switch x := v.(type) {
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return true
}

// scalar renders a value in the template's language.
func (t *template) scalar(v any) string {
	if t.json {
		return orderedJSON(v, "", "  ")
	}
	return strings.TrimSpace(yamlBlock(v))
}

// scalarEnd is the column after a one-line scalar value: the closing
// quote of a quoted one, else the end of the plain text (before a comment,
// and in flow context before , } or ]).
func (t *template) scalarEnd(v *yaml.Node, flow bool) (int, bool) {
	tagged := strings.HasPrefix(v.Tag, "!") && v.Tag != "!!str" && v.Tag != "!!int" && v.Tag != "!!bool"
	if v.Kind != yaml.ScalarNode || tagged && !pseudoOnly(v) {
		return 0, false
	}
	if v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return 0, false
	}
	line := []rune(t.lines[v.Line-1])
	i := v.Column - 1
	if i < 0 || i >= len(line) {
		return 0, false
	}
	if tagged {
		// The span starts at the tag (yaml.v3 places the node there); the
		// value, quoted or plain, follows it.
		if !strings.HasPrefix(string(line[i:]), v.Tag) {
			return 0, false
		}
		i += len([]rune(v.Tag))
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			return 0, false
		}
	}
	switch line[i] {
	case '"':
		for j := i + 1; j < len(line); j++ {
			switch line[j] {
			case '\\':
				j++
			case '"':
				return j + 2, true
			}
		}
		return 0, false
	case '\'':
		for j := i + 1; j < len(line); j++ {
			if line[j] == '\'' {
				if j+1 < len(line) && line[j+1] == '\'' {
					j++
					continue
				}
				return j + 2, true
			}
		}
		return 0, false
	}
	j := i
	for j < len(line) {
		if flow && strings.ContainsRune(",}]", line[j]) || line[j] == '#' && j > i && line[j-1] == ' ' {
			break
		}
		j++
	}
	for j > i && (line[j-1] == ' ' || line[j-1] == '\t' || line[j-1] == '\r') {
		j--
	}
	if j == i {
		return 0, false
	}
	return j + 1, true
}

// pseudoOnly reports whether a one-line short-form intrinsic refers to
// pseudo parameters only (!Ref AWS::AccountId, !Sub "${AWS::Partition}…"):
// its value is fixed by where the stack runs, so a fix may replace it with
// the value it must have. A reference to a template parameter or resource
// is the author's design (the parameter is what to change), so it is not
// replaced.
func pseudoOnly(v *yaml.Node) bool {
	switch v.Tag {
	case "!Ref":
		return strings.HasPrefix(v.Value, "AWS::")
	case "!Sub":
		for _, m := range subRefRe.FindAllStringSubmatch(v.Value, -1) {
			if !strings.HasPrefix(m[1], "AWS::") {
				return false
			}
		}
		return true
	}
	return false
}

// subRefRe finds the ${Name} references of a !Sub string (not the
// ${!Literal} escapes).
var subRefRe = regexp.MustCompile(`\$\{([^!}][^}]*)\}`)

// prefix is the text of a line before a 1-based column (in characters,
// as yaml.v3 counts them); "" when the position is not in the file.
func (t *template) prefix(line, col int) string {
	if line < 1 || line > len(t.lines) {
		return ""
	}
	r := []rune(t.lines[line-1])
	if col < 1 || col-1 > len(r) {
		return ""
	}
	return string(r[:col-1])
}

// offset is the byte offset of a 1-based line and column (in characters).
func (t *template) offset(line, col int) int {
	if line < 1 || line > len(t.lines) {
		return -1
	}
	off := 0
	for _, l := range t.lines[:line-1] {
		off += len(l) + 1
	}
	return off + len(t.prefix(line, col))
}

// position is the 1-based line and column (in characters) of a byte offset.
func (t *template) position(off int) (int, int) {
	for i, l := range t.lines {
		if off <= len(l) {
			return i + 1, len([]rune(l[:off])) + 1
		}
		off -= len(l) + 1
	}
	return len(t.lines), 1
}

// mapGet returns the key and value nodes of key in mapping m.
func mapGet(m *yaml.Node, key string) (*yaml.Node, *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// maxLine is the last line a node's subtree starts a node on.
func maxLine(n *yaml.Node) int {
	m := n.Line
	for _, c := range n.Content {
		m = max(m, maxLine(c))
	}
	return m
}

// statementOrder is the order AWS's documentation writes a statement's
// elements in, after the names that head other entries (a selector's
// Name, a field selector's Field); other keys follow, sorted.
var statementOrder = []string{"PolicyName", "Version", "Name", "Field", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func orderedKeys(m map[string]any) []string {
	var out []string
	for _, k := range statementOrder {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	var rest []string
	for k := range m {
		if !slices.Contains(statementOrder, k) {
			rest = append(rest, k)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// orderedJSON writes v as indented JSON, statement keys in AWS's order;
// lines after the first start with prefix.
func orderedJSON(v any, prefix, step string) string {
	var b strings.Builder
	var write func(v any, pad string)
	write = func(v any, pad string) {
		switch x := v.(type) {
		case map[string]any:
			if len(x) == 0 {
				b.WriteString("{}")
				return
			}
			b.WriteString("{\n")
			for i, k := range orderedKeys(x) {
				kb, _ := json.Marshal(k)
				b.WriteString(pad + step + string(kb) + ": ")
				write(x[k], pad+step)
				if i < len(x)-1 {
					b.WriteString(",")
				}
				b.WriteString("\n")
			}
			b.WriteString(pad + "}")
		case []any:
			if len(x) == 0 {
				b.WriteString("[]")
				return
			}
			b.WriteString("[\n")
			for i, e := range x {
				b.WriteString(pad + step)
				write(e, pad+step)
				if i < len(x)-1 {
					b.WriteString(",")
				}
				b.WriteString("\n")
			}
			b.WriteString(pad + "]")
		default:
			if e, ok := symbolJSON(stringOf(x)); ok {
				b.WriteString(e)
				return
			}
			enc, _ := json.Marshal(x)
			b.Write(enc)
		}
	}
	write(v, prefix)
	return b.String()
}

// shortForm writes an intrinsic function a fix holds in its JSON form
// ({"Ref": "X"}, {"Fn::GetAtt": ["X", "Arn"]}, {"Fn::Sub": "…"}) as YAML
// templates write it, with its short-form tag (!Ref X, !GetAtt X.Arn,
// !Sub "…"); ok is false for anything else.
func shortForm(v any) (*yaml.Node, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return nil, false
	}
	for k, arg := range m {
		switch k {
		case "Ref", "Fn::Sub":
			if s, ok := arg.(string); ok && s != "" {
				n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!" + strings.TrimPrefix(k, "Fn::"), Value: s}
				if k == "Fn::Sub" {
					n.Style = yaml.DoubleQuotedStyle
				}
				return n, true
			}
		case "Fn::GetAtt":
			if l, ok := arg.([]any); ok && len(l) == 2 {
				a, _ := l[0].(string)
				b, _ := l[1].(string)
				if a != "" && b != "" {
					return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!GetAtt", Value: a + "." + b}, true
				}
			}
		}
	}
	return nil, false
}

// yamlBlock writes v as block YAML (two-space indent), statement keys in
// AWS's order.
func yamlBlock(v any) string {
	key, memo := blockKey(v) // see yamlCache
	if memo {
		if s, ok := cachedBlock(key); ok {
			return s
		}
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	_ = enc.Encode(yamlNode(v))
	_ = enc.Close()
	out := strings.TrimRight(buf.String(), "\n")
	if memo {
		storeBlock(key, out)
	}
	return out
}

func yamlNode(v any) *yaml.Node {
	if n, ok := shortForm(v); ok {
		return n
	}
	switch x := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range orderedKeys(x) {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k}, yamlNode(x[k]))
		}
		return n
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			n.Content = append(n.Content, yamlNode(e))
		}
		return n
	}
	if n, ok := symbolNode(stringOf(v)); ok {
		return n
	}
	// Numbers come from JSON as float64: a whole one is written as an
	// integer (1209600, not 1.2096e+06, which CloudFormation refuses for
	// an Integer property).
	if x, ok := v.(float64); ok && x == math.Trunc(x) && math.Abs(x) < 1<<53 {
		v = int64(x)
	}
	if n, ok := scalarNode(v); ok {
		return n
	}
	var n yaml.Node
	_ = n.Encode(v)
	return &n
}
