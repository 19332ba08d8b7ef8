package remedy

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// A lifecycle rule's Prefix (CloudFormation's Rule.Prefix), which a Fix
// gives to scope the rule, is in the AWS provider the prefix of the
// rule's filter block (or of the filter's and block) in an
// aws_s3_bucket_lifecycle_configuration, a rule's prefix argument before
// filter existed, or the prefix of an aws_s3_bucket's lifecycle_rule
// block (provider v3) (registry.terraform.io/providers/hashicorp/aws:
// aws_s3_bucket_lifecycle_configuration, aws_s3_bucket).

// tfLifecycleBlocks are the nested blocks that are lifecycle rules.
var tfLifecycleBlocks = map[string]bool{"rule": true, "lifecycle_rule": true}

// lifecyclePrefix is the prefix of a SetAt that scopes a lifecycle rule.
func lifecyclePrefix(set map[string]any) (string, bool) {
	p, ok := set["Prefix"].(string)
	return p, ok && len(set) == 1
}

// lifecycleRuleAt is the lifecycle rule block of block written at line,
// or its only one where line is the resource's own.
func lifecycleRuleAt(block *hclsyntax.Block, line int) *hclsyntax.Block {
	var rules []*hclsyntax.Block
	for _, nb := range block.Body.Blocks {
		if tfLifecycleBlocks[nb.Type] {
			if nb.DefRange().Start.Line == line {
				return nb
			}
			rules = append(rules, nb)
		}
	}
	if len(rules) == 1 && block.DefRange().Start.Line == line {
		return rules[0]
	}
	return nil
}

// lifecycleText is the HCL that scopes a rule block to prefix.
func lifecycleText(typ, prefix string) string {
	if typ == "lifecycle_rule" {
		return "  prefix = " + hclString(prefix)
	}
	return "  filter {\n    prefix = " + hclString(prefix) + "\n  }"
}

// lifecycleChange scopes the lifecycle rule block rule of owner to the
// SetAt's prefix: the prefix where the rule holds it (its filter, the
// filter's and block, its own prefix argument), else a new filter block.
func lifecycleChange(f findings.Finding, rule *hclsyntax.Block, owner string, src *hclSource) *findings.Change {
	prefix, ok := lifecyclePrefix(f.Fix.SetAt)
	if !ok {
		return nil
	}
	c := &findings.Change{Language: "terraform", File: f.Location.File, Line: f.Location.Line}
	name := rule.Type
	if id := attrString(rule, "id"); id != "" {
		name = fmt.Sprintf("%s (id = %s)", rule.Type, hclString(id))
	}
	c.Text = fmt.Sprintf("In %s, set in the %s block of %s:\n\n%s", where(c.File, c.Line), name, owner, lifecycleText(rule.Type, prefix))
	value := []string{hclString(prefix)}
	var edits []findings.Replacement
	exact := false
	target := rule
	if rule.Type == "rule" {
		for _, nb := range rule.Body.Blocks {
			if nb.Type == "filter" {
				target = nb
				for _, and := range nb.Body.Blocks {
					if and.Type == "and" {
						target = and
					}
				}
			}
		}
	}
	switch {
	case target != rule || rule.Type == "lifecycle_rule" || rule.Body.Attributes["prefix"] != nil:
		edits, exact = src.bodyEdits(target, []string{"prefix"}, value, nil)
	default:
		edits, exact = src.blockEdits(rule, "filter", []string{"filter {\n  prefix = " + value[0] + "\n}"})
	}
	if exact {
		c.Edits = edits
	} else {
		c.Text += "\n\n(No exact edit: the block is written on one line, which an inserted argument would have to break.)"
	}
	return c
}
