package profiles

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/connector"
)

func TestEveryConnectorProfileHasData(t *testing.T) {
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for name := range ps {
		got = append(got, name)
	}
	sort.Strings(got)
	want := append([]string(nil), connector.Profiles...)
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("profiles (-connector.Profiles +rego/profiles):\n%s", d)
	}
}

// The steps must be the ones the vendors' guides list (kept, with the
// guides' wording, in a profiles.md beside the repository when it is
// present), so that a finding's "expel step E6" points at a real guide step.
func TestStepsMatchProfilesMarkdown(t *testing.T) {
	md, err := os.ReadFile("../../../shared/profiles.md")
	if err != nil {
		t.Skip("shared/profiles.md not present:", err)
	}
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile(`(?m)^## (\w+) `)
	step := regexp.MustCompile(`(?m)^- ([A-Z][0-9]+) `)
	idx := section.FindAllStringSubmatchIndex(string(md), -1)
	for i, m := range idx {
		name := string(md[m[2]:m[3]])
		end := len(md)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		var want []string
		for _, s := range step.FindAllStringSubmatch(string(md[m[1]:end]), -1) {
			want = append(want, s[1])
		}
		p, ok := ps[name]
		if !ok {
			t.Errorf("profiles.md has %s, rego/profiles has no %s.json", name, name)
			continue
		}
		var got []string
		for _, s := range p.Steps {
			got = append(got, s.ID)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s steps (-profiles.md +%s.json):\n%s", name, name, d)
		}
	}
}

func TestRulesAreCatalogIDs(t *testing.T) {
	ids, err := os.ReadFile("../catalog_ids.txt")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, l := range strings.Split(string(ids), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			known[l] = true
		}
	}
	ps, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range ps {
		for _, s := range p.Steps {
			if !known[s.Rule] {
				t.Errorf("%s step %s: rule %q is not a catalog ID", name, s.ID, s.Rule)
			}
		}
	}
}

func TestValidateRejectsTypos(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    Profile
	}{
		{"file name", Profile{Profile: "expell", Delivery: Delivery{NotificationFormat: "any"}}},
		{"format", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "sns"}}},
		{"requirement", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "any"}, Steps: []Step{{ID: "E1", Title: "t", Rule: "ID01", Require: map[string]json.RawMessage{"role_nmae": nil}}}}},
		{"duplicate step", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "any"}, Steps: []Step{{ID: "E1", Title: "t", Rule: "ID01"}, {ID: "E1", Title: "t", Rule: "ID01"}}}},
		{"dangling step", Profile{Profile: "expel", Delivery: Delivery{NotificationFormat: "any", RawStep: "E6"}}},
	} {
		if err := tc.p.validate("expel"); err == nil {
			t.Errorf("%s: validate accepted %+v", tc.name, tc.p)
		}
	}
}

func TestDataShape(t *testing.T) {
	d, err := Data()
	if err != nil {
		t.Fatal(err)
	}
	expel := d["expel"].(map[string]any)
	if expel["delivery"].(map[string]any)["raw_message_delivery"] != true {
		t.Errorf("expel delivery = %v", expel["delivery"])
	}
}
