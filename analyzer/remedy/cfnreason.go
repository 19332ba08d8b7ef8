package remedy

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// computedReason says why a Set cannot be an exact edit of the mapping
// pn when one of the properties it gives is computed by the template (a
// short-form tag such as !If or !Sub, or a long-form Fn::… or Ref
// mapping): the value depends on a condition, a parameter or another
// resource, and rewriting the function is the author's call. "" when no
// property is computed.
func computedReason(pn *yaml.Node, set map[string]any) string {
	if pn == nil || pn.Kind != yaml.MappingNode {
		return ""
	}
	for _, p := range props(set) {
		_, v := mapGet(pn, p)
		if v == nil {
			continue
		}
		fn := ""
		switch {
		case strings.HasPrefix(v.Tag, "!") && !strings.HasPrefix(v.Tag, "!!"):
			fn = v.Tag
		case v.Kind == yaml.MappingNode && intrinsic(v):
			fn = v.Content[0].Value
		}
		if fn != "" {
			return fmt.Sprintf("\n\n(No exact edit: %s is computed by %s at line %d, so its value depends on a condition, a parameter or another resource: give it the value above in every case the stack is deployed, or replace the function.)", p, fn, v.Line)
		}
	}
	return ""
}
