package snapshot

import "testing"

// TestLineIndexAgreesWithLineAt: the walker's binary search names the
// same line as LineAt for every offset, including offsets on a newline,
// at both ends and past the end.
func TestLineIndexAgreesWithLineAt(t *testing.T) {
	for _, doc := range []string{"", "{}", "\n", "{\n\"a\": {\n}\n}\n", "\n\n{\"x\":\n[{},\n{}]}"} {
		data := []byte(doc)
		ix := newLineIndex(data)
		for off := int64(0); off <= int64(len(data)); off++ {
			if got, want := ix.line(off), LineAt(data, off); got != want {
				t.Errorf("%q offset %d: line %d, LineAt says %d", doc, off, got, want)
			}
		}
	}
}
