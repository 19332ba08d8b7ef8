package termtext

import "testing"

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, one, lines string }{
		{"plain ARN arn:aws:s3:::b", "plain ARN arn:aws:s3:::b", "plain ARN arn:aws:s3:::b"},
		{"a\nb", `a\nb`, "a\nb"},
		{"evil\x1b[2Jname", `evil\x1b[2Jname`, `evil\x1b[2Jname`},
		{"cr\rtab\t", `cr\rtab\t`, `cr\rtab\t`},
		{"c1\u009bx", `c1\u009bx`, `c1\u009bx`},
		{"bidi\u202etxt", `bidi\u202etxt`, `bidi\u202etxt`},
		{"bad\xffutf8", `bad\xffutf8`, `bad\xffutf8`},
		{"ünïcode ✓ →", "ünïcode ✓ →", "ünïcode ✓ →"},
	} {
		if got := Escape(tc.in); got != tc.one {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.one)
		}
		if got := EscapeLines(tc.in); got != tc.lines {
			t.Errorf("EscapeLines(%q) = %q, want %q", tc.in, got, tc.lines)
		}
	}
}
