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

// Segments between stars are found in order and may not overlap the
// pattern's fixed start and end.
func TestWildcardMatchSegments(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"a*b*c", "abc", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "acb", false},
		{"ab*ba", "aba", false},
		{"ab*ba", "abba", true},
		{"**", "anything", true},
		{"a*", "a", true},
	} {
		if got := wildcardMatch(c.pattern, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}
