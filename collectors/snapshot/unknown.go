package snapshot

import (
	"fmt"
	"strings"
)

// unknownPrefix opens every token that stands for an unresolved IaC value.
// It contains no IAM wildcard (* or ?) and no policy-variable syntax (${…}),
// so an unknown can never match by accident: rules and the evaluator must
// recognise it with IsUnknown and answer "cannot prove".
const unknownPrefix = "<unknown:"

// Unknown returns the token that stands for a value that cannot be known
// from the input, with the reason embedded for humans.
func Unknown(reason string) string {
	reason = strings.NewReplacer(">", ")", "<", "(").Replace(reason)
	return fmt.Sprintf("%s%s>", unknownPrefix, reason)
}

// IsUnknown reports whether s is, or contains, an unknown token (a !Sub may
// embed one in a longer string).
func IsUnknown(s string) bool { return strings.Contains(s, unknownPrefix) }

// Symbols.
//
// A value AWS assigns when a stack is applied (a generated bucket, topic,
// queue or role name, a KMS key ID, a GuardDuty detector ID) is not
// unknown: it is one definite value, the same wherever the template or
// plan refers to it, and different from every other resource's value. It
// is written as a symbol: "<@" FILE "#" OWNER "." ATTR ">", where OWNER is
// the logical ID or resource address that produces it. The IAM evaluator
// treats a symbol as an opaque atom: equal to itself, unequal to any other
// symbol and to any literal text, matched by a wildcard only where every
// value AWS could assign would be (analyzer/iam's symbol matching).
//
// The token holds no ':' or '/', so an ARN holding it still splits into
// its fields, no '*', '?', '\' or "${" (it is never a pattern), and the
// file, so that two copies of one stack in one run keep their resources
// apart.
const symbolOpen = "<@"

// Symbol returns the token for attribute attr of owner, a resource declared
// in file, whose value AWS assigns at apply.
func Symbol(file, owner, attr string) string {
	return symbolOpen + escapeSymbol(file) + "#" + escapeSymbol(owner) + "." + escapeSymbol(attr) + ">"
}

// IsSymbol reports whether s is, or contains, a symbol.
func IsSymbol(s string) bool { return strings.Contains(s, symbolOpen) }

// escapeSymbol percent-escapes every byte that could end the token, split
// an ARN, read as a wildcard or escape, or open a policy variable.
func escapeSymbol(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '_', c == '-', c == '[', c == ']', c == '#', c == '~':
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// isWholeSymbol reports whether s is exactly one symbol.
func isWholeSymbol(s string) bool {
	return strings.HasPrefix(s, symbolOpen) && strings.IndexByte(s, '>') == len(s)-1
}
