package datapath

import "testing"

func TestForRuleSelectsBrokenHops(t *testing.T) {
	s := load(t, "controltower.json")
	paths := Build(s, nil)
	// GD02 judges the object key; its key-region problem is on the
	// GuardDuty path only.
	got := ForRule(paths, HopObjectKey)
	if len(got) != 1 || got[0].Source.Kind != SourceGuardDuty {
		t.Errorf("ForRule(object-key) = %d paths", len(got))
	}
}

func TestIsHopKind(t *testing.T) {
	if !IsHopKind("object-key") || IsHopKind("kms") || !IsHopKind("log-subscription") || !IsHopKind("event-rule") || len(HopKinds) < 15 {
		t.Errorf("hop kinds: %v", HopKinds)
	}
	seen := map[HopKind]bool{}
	for _, k := range HopKinds {
		if seen[k] {
			t.Errorf("hop kind %s listed twice", k)
		}
		seen[k] = true
	}
}
