package jsondup

import (
	"strings"
	"testing"
)

func TestFirst(t *testing.T) {
	for _, tc := range []struct {
		doc, path string
		found     bool
	}{
		{`{"a":1,"b":{"c":[{"d":1},{"d":2,"e":3,"d":4}]}}`, "b.c.1.d", true},
		{`{"a":1,"a":2}`, "a", true},
		{`{"a":{"x":1},"b":{"x":1}}`, "", false},
		{`[1,2,{"k":null}]`, "", false},
		{`{"a":`, "", false},
	} {
		d, found := First([]byte(tc.doc))
		if found != tc.found || strings.Join(d.Path, ".") != tc.path {
			t.Errorf("First(%s) = %v %v, want %q %v", tc.doc, d.Path, found, tc.path, tc.found)
		}
		if found && (d.Offset <= 0 || d.Offset > int64(len(tc.doc))) {
			t.Errorf("First(%s): offset %d", tc.doc, d.Offset)
		}
	}
}
