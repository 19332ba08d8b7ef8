package snapshot

import (
	"bytes"
	"fmt"
	"strings"
)

// LineAt converts a byte offset into data (as encoding/json reports it in a
// SyntaxError, an UnmarshalTypeError or Decoder.InputOffset) into a 1-based
// line number. An offset outside data is clamped to it, so a truncated
// document names its last line.
func LineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// ErrorText is how every trailgate input error reads, so that an editor or
// CI annotation can jump to it: "file[:line][: where]: msg". line is
// omitted when 0 (the fault concerns the whole file), where (a JSON path, a
// resource address) when empty.
func ErrorText(file string, line int, where, msg string) string {
	var b strings.Builder
	b.WriteString(file)
	if line > 0 {
		fmt.Fprintf(&b, ":%d", line)
	}
	if where != "" {
		b.WriteString(": " + where)
	}
	b.WriteString(": " + msg)
	return b.String()
}
