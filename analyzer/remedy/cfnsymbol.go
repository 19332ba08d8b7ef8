package remedy

import (
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/analyzer/iacref"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// A fix's value may hold a value AWS assigns at apply (a snapshot symbol:
// the account of a pseudo parameter, a resource's ARN). In a template it
// is written as the template refers to it, !Sub "…${AWS::AccountId}…",
// !GetAtt or !Ref (their long forms in JSON), never as the raw token,
// which pasted into the template would name no resource.

// symbolNode is the YAML node of a string holding symbols, as iacref
// writes it for the template; ok is false when iacref cannot.
func symbolNode(s string) (*yaml.Node, bool) {
	if !snapshot.IsSymbol(s) {
		return nil, false
	}
	e, ok := iacref.Value(s)
	if !ok {
		return nil, false
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(e), &doc); err != nil || len(doc.Content) != 1 {
		return nil, false
	}
	return doc.Content[0], true
}

// symbolJSON is the JSON of a string holding symbols, as iacref writes it
// for a JSON template ({"Fn::Sub": "…"}); ok is false otherwise.
func symbolJSON(s string) (string, bool) {
	if !snapshot.IsSymbol(s) {
		return "", false
	}
	e, ok := iacref.Value(s)
	if !ok || !strings.HasPrefix(e, "{") || !json.Valid([]byte(e)) {
		return "", false
	}
	return e, true
}

// stringOf is v when it is a string, else "".
func stringOf(v any) string {
	s, _ := v.(string)
	return s
}
