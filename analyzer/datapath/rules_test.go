package datapath

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Every catalog ID has hops to explain, and no unknown ID sneaks in.
func TestHopsForEveryCatalogRule(t *testing.T) {
	f, err := os.Open("../../rego/catalog_ids.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	if d := cmp.Diff(want, RuleIDs()); d != "" {
		t.Errorf("rule IDs (-catalog +ruleHops):\n%s", d)
	}
}

func TestForRuleSelectsBrokenHops(t *testing.T) {
	s := load(t, "controltower.json")
	paths := Build(s, nil)
	// GD02's key-region problem is on the GuardDuty path only.
	got := ForRule(paths, HopsForRule("GD02")...)
	if len(got) != 1 || got[0].Source.Kind != SourceGuardDuty {
		t.Errorf("ForRule(GD02) = %d paths", len(got))
	}
	if HopsForRule("XX99") != nil {
		t.Error("unknown rule has hops")
	}
}
