package cfn

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// forEachPrefix starts the key of a loop (AWS::LanguageExtensions).
const forEachPrefix = "Fn::ForEach::"

// expandForEach replaces every Fn::ForEach::Name key of the mapping n, and
// of the mappings nested in it, with the keys the loop generates, as the
// AWS::LanguageExtensions transform does before CloudFormation reads the
// template (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-foreach.html):
//
//	Fn::ForEach::Queues:
//	  - Name                        # the identifier
//	  - [Cloudtrail, Guardduty]     # the collection: a list, or a Ref to a CommaDelimitedList
//	  - ${Name}Queue:               # the output key: ${Name} or &{Name}
//	      Type: AWS::SQS::Queue     # the output value, copied per element
//	      Properties:
//	        QueueName: !Sub siem-${Name}
//
// In the output key and value, ${Identifier} becomes the element, &{Identifier}
// the element without its non-alphanumeric characters, and Ref: Identifier the
// element. Loops nest. The copies keep the lines of the fragment, so that a
// finding on a generated resource points at the loop body.
func (t *template) expandForEach(n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return t.errf(n.Line, "nesting deeper than %d levels while expanding Fn::ForEach", maxDepth)
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if err := t.expandForEach(c, depth+1); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		var out []*yaml.Node
		seen := map[string]int{}
		add := func(k, v *yaml.Node) error {
			if prev, dup := seen[k.Value]; dup {
				return t.errf(k.Line, "Fn::ForEach generates key %q, which is already declared (line %d)", k.Value, prev)
			}
			seen[k.Value] = k.Line
			out = append(out, k, v)
			return nil
		}
		changed := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if !strings.HasPrefix(k.Value, forEachPrefix) {
				if err := t.expandForEach(v, depth+1); err != nil {
					return err
				}
				if err := add(k, v); err != nil {
					return err
				}
				continue
			}
			changed = true
			pairs, err := t.loop(k, v, depth)
			if err != nil {
				return err
			}
			for j := 0; j+1 < len(pairs); j += 2 {
				if err := add(pairs[j], pairs[j+1]); err != nil {
					return err
				}
			}
		}
		if changed {
			n.Content = out
		}
	}
	return nil
}

// loop expands one Fn::ForEach into key/value pairs, themselves expanded.
func (t *template) loop(k, v *yaml.Node, depth int) ([]*yaml.Node, error) {
	if !t.langExt {
		return nil, t.errf(k.Line, "%s needs Transform: AWS::LanguageExtensions", k.Value)
	}
	v = deref(v)
	if v.Kind != yaml.SequenceNode || len(v.Content) != 3 {
		return nil, t.errf(k.Line, "%s takes [Identifier, Collection, {OutputKey: OutputValue}]", k.Value)
	}
	idn, frag := deref(v.Content[0]), deref(v.Content[2])
	if idn.Kind != yaml.ScalarNode || idn.Value == "" {
		return nil, t.errf(idn.Line, "%s: the identifier must be a name", k.Value)
	}
	if frag.Kind != yaml.MappingNode {
		return nil, t.errf(frag.Line, "%s: the third argument must be a mapping {OutputKey: OutputValue}", k.Value)
	}
	coll, err := t.eval(v.Content[1], depth+1, false)
	if err != nil {
		return nil, err
	}
	if coll.kind == kindString && snapshot.IsUnknown(coll.s) {
		// The resources the loop makes are not known either.
		return nil, t.errf(v.Content[1].Line, "%s: the collection cannot be known (%s); pass it with --param", k.Value, coll.s)
	}
	if coll.kind != kindList {
		return nil, t.errf(v.Content[1].Line, "%s: the collection must be a list or a Ref to a CommaDelimitedList, got %s", k.Value, coll.kind)
	}
	id := idn.Value
	var out []*yaml.Node
	for _, e := range coll.list {
		if !e.scalar() {
			return nil, t.errf(e.line, "%s: collection elements must be strings, got %s", k.Value, e.kind)
		}
		copied := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: frag.Line, Column: frag.Column}
		for i := 0; i+1 < len(frag.Content); i += 2 {
			fk := frag.Content[i]
			if !strings.HasPrefix(fk.Value, forEachPrefix) && !strings.Contains(fk.Value, "${"+id+"}") && !strings.Contains(fk.Value, "&{"+id+"}") {
				return nil, t.errf(fk.Line, "%s: the output key %q must contain ${%s} or &{%s}", k.Value, fk.Value, id, id)
			}
			ck, err := t.substitute(fk, id, e.s, depth+1)
			if err != nil {
				return nil, err
			}
			cv, err := t.substitute(frag.Content[i+1], id, e.s, depth+1)
			if err != nil {
				return nil, err
			}
			copied.Content = append(copied.Content, ck, cv)
		}
		// Inner loops, now with this element substituted, expand too.
		if err := t.expandForEach(copied, depth+1); err != nil {
			return nil, err
		}
		out = append(out, copied.Content...)
	}
	return out, nil
}

// substitute copies n with the identifier replaced by val.
func (t *template) substitute(n *yaml.Node, id, val string, depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, t.errf(n.Line, "nesting deeper than %d levels while expanding Fn::ForEach", maxDepth)
	}
	if err := t.spend(n, 16+len(n.Value)); err != nil {
		return nil, err
	}
	if n.Kind == yaml.AliasNode {
		return n, nil
	}
	c := *n
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!Ref" && n.Value == id {
			c.Tag, c.Style, c.Value = "!!str", yaml.DoubleQuotedStyle, val
			return &c, nil
		}
		c.Value = strings.ReplaceAll(strings.ReplaceAll(n.Value, "${"+id+"}", val), "&{"+id+"}", alphanumeric(val))
		return &c, nil
	case yaml.MappingNode:
		if len(n.Content) == 2 && n.Content[0].Value == "Ref" && deref(n.Content[1]).Value == id {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Style: yaml.DoubleQuotedStyle, Value: val, Line: n.Line, Column: n.Column}, nil
		}
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		ce, err := t.substitute(e, id, val, depth+1)
		if err != nil {
			return nil, err
		}
		c.Content[i] = ce
	}
	return &c, nil
}

// alphanumeric is s without the characters a logical ID may not hold, as
// &{Identifier} writes it.
func alphanumeric(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
