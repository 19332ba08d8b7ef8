package datapath

import "testing"

// EventBridge's wildcard filter: only * is special, \* and \\ escape
// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-wildcard-matching).
func TestWildcardMatchIsEventBridges(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"GuardDuty *", "GuardDuty Finding", true},
		{"GuardDuty *", "GuardDuty", false},
		{"*Finding", "GuardDuty Finding", true},
		{"Guard?uty Finding", "GuardDuty Finding", false},
		{"Guard?uty Finding", "Guard?uty Finding", true},
		{`a\*b`, "a*b", true},
		{`a\*b`, "axb", false},
		{`a\\b`, `a\b`, true},
		{"a.b", "axb", false},
		{"*", "", true},
	} {
		if got := wildcardMatch(c.pattern, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
