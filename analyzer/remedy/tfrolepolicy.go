package remedy

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// tfOnlyRolePolicy is the one aws_iam_role_policy of body that belongs to
// the role block (its role argument refers to the role, or names it
// literally), or nil when there is none or more than one: with one inline
// policy, the statement a role's identity policy must gain goes there;
// with several, which one is the author's choice.
func tfOnlyRolePolicy(body *hclsyntax.Body, role *hclsyntax.Block) *hclsyntax.Block {
	if role.Body.Attributes["count"] != nil || role.Body.Attributes["for_each"] != nil {
		return nil
	}
	self := role.Labels[0] + "." + role.Labels[1]
	name := attrString(role, "name")
	var found *hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 || b.Labels[0] != "aws_iam_role_policy" {
			continue
		}
		a, ok := b.Body.Attributes["role"]
		if !ok {
			continue
		}
		if !(name != "" && literalString(a.Expr) == name) && !tfExprRefers(a.Expr, self) {
			continue
		}
		if found != nil || b.Body.Attributes["count"] != nil || b.Body.Attributes["for_each"] != nil {
			return nil
		}
		found = b
	}
	return found
}

// tfRolePolicyChange adds an identity statement of the role block to its
// one inline policy, where that policy is written so that a statement can
// be placed exactly (tfStatementEdit); nil otherwise.
func tfRolePolicyChange(f findings.Finding, c *findings.Change, body *hclsyntax.Body, role *hclsyntax.Block, data []byte) *findings.Change {
	p := tfOnlyRolePolicy(body, role)
	if p == nil {
		return nil
	}
	e, at, ok := tfStatementEdit(body, p, "policy", f.Fix.AddStatement, data)
	if !ok {
		return nil
	}
	addr := p.Labels[0] + "." + p.Labels[1]
	c.Line = at
	c.Text = fmt.Sprintf("In %s, add to the Statement list of %s's policy (the one inline policy of %s):\n\n%s", where(c.File, at), addr, f.Address, indentText(hclValue(f.Fix.AddStatement, ""), "  "))
	c.Edits = []findings.Replacement{e}
	return c
}
