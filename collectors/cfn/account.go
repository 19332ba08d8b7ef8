package cfn

import (
	"regexp"

	"go.yaml.in/yaml/v3"
)

// literalARNAccount finds the account field of literal ARNs in a scalar,
// also inside a longer string (an !Sub text).
var literalARNAccount = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)

// ownAccount is the account a template that does not say where it is
// deployed (no --param AWS::AccountId, no Metadata.trailgate.AccountId, no
// --account) evidently lives in: the account of every literal ARN it
// writes, when they all agree. ARNs under Principal, NotPrincipal,
// Condition and a role's trust policy are left out, since they name who
// may call (a vendor, the organization's management account), not where
// the stack's resources are; so are Mappings and Parameters, which list
// candidates. "" when no literal ARN is left or two disagree: the account
// is then a symbol.
func ownAccount(doc *yaml.Node) string {
	found := ""
	agree := true
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		if n == nil || depth > maxDepth || !agree {
			return
		}
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				walk(c, depth+1)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				switch n.Content[i].Value {
				case "Principal", "NotPrincipal", "Condition", "AssumeRolePolicyDocument",
					"Mappings", "Parameters", "Metadata", "Outputs":
					continue
				}
				walk(n.Content[i+1], depth+1)
			}
		case yaml.ScalarNode:
			for _, m := range literalARNAccount.FindAllStringSubmatch(n.Value, -1) {
				switch {
				case found == "":
					found = m[1]
				case found != m[1]:
					agree = false
				}
			}
		}
	}
	walk(doc, 0)
	if !agree {
		return ""
	}
	return found
}
