package iam

import (
	"strings"
	"testing"
)

// Symbols (values AWS assigns at apply) match a wildcard only where every
// value would. Wildcards: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html#reference_policies_elements_resource_wildcards
func TestSymbolGlob(t *testing.T) {
	const key = "<@t.yaml#Key.KeyId>"
	tests := []struct {
		pattern, subject string
		want             tri
	}{
		{"arn:aws:kms:us-east-1:111122223333:key/*", "arn:aws:kms:us-east-1:111122223333:key/" + key, triYes},
		{"arn:aws:kms:us-east-1:111122223333:key/1*", "arn:aws:kms:us-east-1:111122223333:key/" + key, triMaybe},
		{"arn:aws:kms:us-east-1:111122223333:key/" + key, "arn:aws:kms:us-east-1:111122223333:key/" + key, triYes},
		{"arn:aws:kms:us-east-1:111122223333:key/<@t.yaml#Other.KeyId>", "arn:aws:kms:us-east-1:111122223333:key/" + key, triNo},
		{"arn:aws:s3:::*/AWSLogs/*", "arn:aws:s3:::" + key + "/AWSLogs/x", triYes},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::" + key + "/x", triMaybe},
		{"arn:aws:s3:::*-logs/*", "arn:aws:s3:::" + key + "/x", triMaybe},
		{"x/?", "x/" + key, triMaybe},
		{"x/*/y", "x/" + key, triNo},
	}
	for _, tc := range tests {
		if got := symbolGlob(tc.pattern, tc.subject); got != tc.want {
			t.Errorf("symbolGlob(%q, %q) = %v, want %v", tc.pattern, tc.subject, got, tc.want)
		}
	}
	// A literal field (another key's ID) never equals a symbol.
	if got := segmentTri("abcd", key); got != triNo {
		t.Errorf("segmentTri(abcd, %s) = %v, want no", key, got)
	}
}

// FuzzSymbolGlobSound: for a concrete value put in the symbol's place (no
// colon or slash, as every value AWS assigns), symbolGlob never
// contradicts globMatch: yes means the value matches, no that it does not.
func FuzzSymbolGlobSound(f *testing.F) {
	f.Add("key/*", "key/", "", "abc")
	f.Add("key/1*", "key/", "", "1x")
	f.Add("a*b?c", "a", "bzc", "q")
	f.Fuzz(func(t *testing.T, pattern, before, after, value string) {
		if value == "" || strings.ContainsAny(value, ":/<>@\\") || strings.Contains(pattern+before+after, "<@") {
			return
		}
		const sym = "<@f#S.Id>"
		got := symbolGlob(pattern, before+sym+after)
		concrete := globMatch(pattern, before+value+after, false)
		if got == triYes && !concrete || got == triNo && concrete {
			t.Fatalf("symbolGlob(%q, %q) = %v, but with %q globMatch = %v", pattern, before+sym+after, got, value, concrete)
		}
	})
}
