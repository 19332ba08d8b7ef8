package remedy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A memoized render is the render: the second call (a hit) gives the text
// the first (a miss) did, and values that differ only in a number's type or
// a string that looks like another type get their own entries.
func TestYAMLBlockMemo(t *testing.T) {
	clear(yamlCache.blocks)
	clear(yamlCache.scalars)
	values := []any{
		map[string]any{"Effect": "Allow", "Action": []any{"s3:PutObject"}, "Resource": "arn:aws:s3:::b/*"},
		map[string]any{"Days": float64(1209600)},
		map[string]any{"Days": "1209600"},
		[]any{"true", true, nil, "null", float64(1.5)},
		"yes",
	}
	var first []string
	for _, v := range values {
		first = append(first, yamlBlock(v))
	}
	for i, v := range values {
		if got := yamlBlock(v); got != first[i] {
			t.Errorf("value %d: memoized render differs:\n%s", i, cmp.Diff(first[i], got))
		}
	}
	if first[1] == first[2] {
		t.Errorf("number and string rendered alike: %q", first[1])
	}
	if _, ok := blockKey([]string{"a"}); ok {
		t.Error("a []string got a key: yamlNode renders it through the encoder, the key could not tell it from []any")
	}
}
