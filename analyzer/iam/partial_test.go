package iam

import (
	"regexp"
	"strings"
	"testing"
)

// TestWidenUnknown: a token of collectors/snapshot.Unknown's form is read
// as "*"; anything else leaves the entry wholly unresolved.
func TestWidenUnknown(t *testing.T) {
	isUnk := unknownOpts.Unknown
	cases := []struct {
		entry, want string
		ok          bool
	}{
		{"arn:aws:s3:::" + unk + "/*", "arn:aws:s3:::*/*", true},
		{"s3:Get" + unk, "s3:Get*", true},
		{unk + ":" + unk, "*:*", true},
		{unk, "*", true},
		{"arn:aws:s3:::<unknown:no end", "", false},
		{"arn:aws:s3:::${aws:username}/" + unk, "", false},
		{`a\` + unk, "", false},
		{"no token", "", false},
	}
	for _, c := range cases {
		got, ok := widenUnknown(c.entry, isUnk)
		if got != c.want || ok != c.ok {
			t.Errorf("widenUnknown(%q) = %q, %v; want %q, %v", c.entry, got, ok, c.want, c.ok)
		}
	}
	// An ARN entry is widened only when its known pieces fix the fields.
	for entry, ok := range map[string]bool{
		"arn:aws:s3:::" + unk + "/*":              true,
		"arn:aws:sqs:us-east-1:" + unk + ":queue": true,
		unk + ":aws:s3:::b":                       false,
		"arn:aws:s3:" + unk + ":b":                false,
	} {
		if _, got := widenARN(entry, isUnk); got != ok {
			t.Errorf("widenARN(%q) ok = %v, want %v", entry, got, ok)
		}
	}
}

// TestGlobsIntersect checks the pattern product against a brute force over
// short strings of a small alphabet.
func TestGlobsIntersect(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"arn:*:iam:*:222:role/R", "arn:aws:iam::*:role/*", true},
		{"arn:aws:iam::999:role/*", "arn:*:iam:*:222:role/*/R", true}, // "*" spans colons
		{"arn:aws:iam::999:role/*", "arn:\x00:iam:\x00:222:role/*/R", false},
		{"arn:aws:iam::*:role/*", "arn:\x00:iam:\x00:222:role/*/R", true},
		{"arn:*:role/*", "arn:\x00:iam:\x00:222:role/*/R", true},
		{"a:b", "\x00", false},
		{"a*b", "\x00", true},
		{"a*b", "*c", false},
		{"a*b", "*b", true},
		{"?", "", false},
		{"*", "", true},
		{`\*`, "?", true},
		{`\*`, "a", false},
		{"a?c", "*b*", true},
		{"ab*", "*ba", true},
	}
	for _, c := range cases {
		if got := globsIntersect(c.a, c.b); got != c.want {
			t.Errorf("globsIntersect(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	// Brute force: patterns and strings over {a, b, :}; fieldStar is
	// checked through a regular expression.
	var strs []string
	var gen func(s string)
	gen = func(s string) {
		strs = append(strs, s)
		if len(s) < 5 {
			gen(s + "a")
			gen(s + "b")
			gen(s + ":")
		}
	}
	gen("")
	pats := []string{"", "*", "a", "?", "a*", "*b", "a*b", "?*a", "*a*b*", "ab", "b?a", "**a", "a?b*", ":", "*:a", "a:*"}
	field := []string{"\x00", "a\x00", "\x00:\x00", ":\x00b", "\x00*"}
	matchB := func(b, s string) bool {
		re := "^" + strings.NewReplacer("*", ".*", "?", ".", "\x00", "[^:]*").Replace(b) + "$"
		return regexp.MustCompile(re).MatchString(s)
	}
	for _, a := range pats {
		for _, b := range append(pats, field...) {
			want := false
			for _, s := range strs {
				if globMatch(a, s, false) && matchB(b, s) {
					want = true
					break
				}
			}
			// Strings up to 5 bytes witness every intersection of these
			// patterns (each has at most 3 fixed bytes).
			if got := globsIntersect(a, b); got != want {
				t.Errorf("globsIntersect(%q, %q) = %v, brute force %v", a, b, got, want)
			}
		}
	}
}
