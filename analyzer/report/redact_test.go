package report

import "testing"

func TestRedact(t *testing.T) {
	key := "arn:aws:kms:us-east-1:111111111111:key/6f3c2a1e-8b7d"
	for _, tc := range []struct{ in, want string }{
		{"key " + key + " denies", "key (sensitive value) denies"},
		{"object-key key/6f3c2a1e-8b7d", "object-key (sensitive value)"},
		{"id 6f3c2a1e-8b7d.", "id (sensitive value)."},
		{`{"v":"a\"quoted\"b"}`, `{"v":"(sensitive value)"}`},
		{"short ab stays", "short ab stays"},
	} {
		if got := Redact(tc.in, []string{key, `a"quoted"b`, "ab"}); got != tc.want {
			t.Errorf("Redact(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
