package remedy

import (
	"fmt"
	"strings"

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

// lifecycleRulesHCL writes CloudFormation's LifecycleConfiguration (its
// Rules: Id, Status, Prefix, ExpirationInDays,
// NoncurrentVersionExpiration) as the rule blocks of an
// aws_s3_bucket_lifecycle_configuration; ok is false for a property it
// does not know.
func lifecycleRulesHCL(v any) (string, bool) {
	m, _ := v.(map[string]any)
	rules, ok := m["Rules"].([]any)
	if len(m) != 1 || !ok || len(rules) == 0 {
		return "", false
	}
	var blocks []string
	for _, r := range rules {
		rm, ok := r.(map[string]any)
		if !ok {
			return "", false
		}
		var lines []string
		if id, ok := rm["Id"]; ok {
			lines = append(lines, "id = "+hclValue(id, ""))
		}
		if st, ok := rm["Status"]; ok {
			lines = append(lines, "status = "+hclValue(st, ""))
		}
		lines = alignArgs(lines)
		filter := "filter {}"
		if p, ok := rm["Prefix"]; ok {
			filter = "filter {\n  prefix = " + hclValue(p, "") + "\n}"
		}
		lines = append(lines, strings.Split(filter, "\n")...)
		for _, k := range props(rm) {
			switch k {
			case "Id", "Status", "Prefix":
			case "ExpirationInDays":
				lines = append(lines, "expiration {", "  days = "+hclValue(rm[k], ""), "}")
			case "NoncurrentVersionExpiration":
				nv, _ := rm[k].(map[string]any)
				days, ok := nv["NoncurrentDays"]
				if !ok || len(nv) != 1 {
					return "", false
				}
				lines = append(lines, "noncurrent_version_expiration {", "  noncurrent_days = "+hclValue(days, ""), "}")
			default:
				return "", false
			}
		}
		blocks = append(blocks, hclBlock("rule", lines))
	}
	return strings.Join(blocks, "\n"), true
}
