package engine

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	policyfs "github.com/trailgate/trailgate/rego"
	"github.com/trailgate/trailgate/rego/profiles"
)

// TestProfileStepsReachTheirRules: every rule a vendor profile step names
// (step.rule, or an action's rule) must report the step, either through
// datapath.profile_findings.<ID> or by reading the step itself
// (datapath.required_steps, datapath.profile), else the step is checked and
// silently dropped.
func TestProfileStepsReachTheirRules(t *testing.T) {
	p, err := LoadPolicy(policyfs.FS)
	if err != nil {
		t.Fatal(err)
	}
	source := map[string]string{}
	for name, m := range p.Modules {
		if !strings.HasPrefix(name, "rules/") {
			continue
		}
		for _, r := range p.Rules {
			if "trailgate.rules."+strings.ToLower(r.ID) == strings.TrimPrefix(m.Package.Path.String(), "data.") {
				data, err := policyfs.FS.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				source[r.ID] = string(data)
			}
		}
	}
	all, err := profiles.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for name, prof := range all {
		for _, st := range prof.Steps {
			ids := []string{st.Rule}
			if raw, ok := st.Require["actions"]; ok {
				ids = append(ids, actionRules(t, raw)...)
			}
			for _, id := range ids {
				n++
				src, ok := source[id]
				switch {
				case !ok:
					t.Errorf("%s step %s names rule %s, which does not exist", name, st.ID, id)
				case !strings.Contains(src, "datapath.profile_findings."+id) &&
					!strings.Contains(src, "datapath.required_steps") && !readsProfile.MatchString(src):
					t.Errorf("%s step %s names rule %s, which never reports profile steps", name, st.ID, id)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no profile step checked")
	}
}

// readsProfile matches a rule reading the connector's profile document
// itself (datapath.profile, not datapath.profile_findings).
var readsProfile = regexp.MustCompile(`datapath\.profile\b[^_]`)

func actionRules(t *testing.T, raw []byte) []string {
	t.Helper()
	var actions []struct {
		Rule string `json:"rule"`
	}
	if err := json.Unmarshal(raw, &actions); err != nil {
		t.Fatalf("actions: %v", err)
	}
	var out []string
	for _, a := range actions {
		if a.Rule != "" {
			out = append(out, a.Rule)
		}
	}
	return out
}
