package orgformation

import (
	"encoding/json"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// toJSON turns a policy document written in YAML into JSON.
func toJSON(n *yaml.Node) (json.RawMessage, error) {
	if n == nil {
		return nil, fmt.Errorf("no PolicyDocument")
	}
	if n.Kind == yaml.ScalarNode {
		if !json.Valid([]byte(n.Value)) {
			return nil, fmt.Errorf("PolicyDocument is not JSON")
		}
		return json.RawMessage(n.Value), nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
