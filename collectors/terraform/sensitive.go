package terraform

import (
	"encoding/json"
	"maps"
	"slices"

	tfjson "github.com/hashicorp/terraform-json"
)

// sensitiveStrings lists the string values the plan marks sensitive
// (after_sensitive, before_sensitive, a state's sensitive_values, a
// variable declared sensitive). trailgate judges them as any value, but
// never prints them: Terraform itself shows them as (sensitive value).
func sensitiveStrings(p *tfjson.Plan) []string {
	set := map[string]bool{}
	for _, rc := range p.ResourceChanges {
		if rc == nil || rc.Change == nil {
			continue
		}
		collectMarked(rc.Change.After, rc.Change.AfterSensitive, set)
		collectMarked(rc.Change.Before, rc.Change.BeforeSensitive, set)
	}
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r == nil || len(r.SensitiveValues) == 0 {
				continue
			}
			var marks any
			if json.Unmarshal(r.SensitiveValues, &marks) != nil {
				continue
			}
			vals := map[string]any{}
			for k, v := range r.AttributeValues {
				vals[k] = v
			}
			collectMarked(vals, marks, set)
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	for _, sv := range []*tfjson.StateValues{p.PlannedValues, priorValues(p)} {
		if sv != nil {
			walk(sv.RootModule)
		}
	}
	if p.Config != nil && p.Config.RootModule != nil {
		for name, v := range p.Config.RootModule.Variables {
			if v != nil && v.Sensitive && p.Variables[name] != nil {
				collectMarked(p.Variables[name].Value, true, set)
			}
		}
	}
	return slices.Sorted(maps.Keys(set))
}

func priorValues(p *tfjson.Plan) *tfjson.StateValues {
	if p.PriorState == nil {
		return nil
	}
	return p.PriorState.Values
}

// collectMarked adds to set the strings of v that marks flags sensitive:
// marks mirrors v's shape, with true where a value (or all below it) is.
func collectMarked(v, marks any, set map[string]bool) {
	switch m := marks.(type) {
	case bool:
		if m {
			collectAll(v, set)
		}
	case map[string]any:
		if vm, ok := v.(map[string]any); ok {
			for k, mk := range m {
				collectMarked(vm[k], mk, set)
			}
		}
	case []any:
		if vl, ok := v.([]any); ok {
			for i, mk := range m {
				if i < len(vl) {
					collectMarked(vl[i], mk, set)
				}
			}
		}
	}
}

func collectAll(v any, set map[string]bool) {
	switch x := v.(type) {
	case string:
		if x != "" {
			set[x] = true
		}
	case map[string]any:
		for _, e := range x {
			collectAll(e, set)
		}
	case []any:
		for _, e := range x {
			collectAll(e, set)
		}
	}
}
