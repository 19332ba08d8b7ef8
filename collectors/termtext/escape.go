package termtext

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Escape makes a value from the input (a file name, an ARN, a message
// quoting one) safe to print on a terminal: control characters (newlines,
// carriage returns, the escape that starts a terminal sequence, C1
// controls), Unicode bidirectional overrides and invalid UTF-8 are written
// as Go escapes (\n, \x1b, \u202e). A file name holding a newline could
// otherwise forge report lines, and one holding escape sequences could
// rewrite the terminal.
func Escape(s string) string {
	if !needsEscape(s, false) {
		return s
	}
	return escape(s, false)
}

// EscapeLines is Escape for multi-line text: its newlines stay.
func EscapeLines(s string) string {
	if !needsEscape(s, true) {
		return s
	}
	return escape(s, true)
}

func needsEscape(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, n, keepNewlines) {
			return true
		}
		i += n
	}
	return false
}

func unsafeRune(r rune, size int, keepNewlines bool) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\n':
		return !keepNewlines
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

func escape(s string, keepNewlines bool) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case !unsafeRune(r, n, keepNewlines):
			b.WriteString(s[i : i+n])
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}
