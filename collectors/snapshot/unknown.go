package snapshot

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// unknownPrefix opens every token that stands for an unresolved IaC value.
// It contains no IAM wildcard (* or ?) and no policy-variable syntax (${…}),
// so an unknown can never match by accident: rules and the evaluator must
// recognise it with IsUnknown and answer "cannot prove".
const unknownPrefix = "<unknown:"

// Reasons a Terraform plan gives for an unknown value, at the start of the
// reason Unknown embeds: the engine's "cannot prove" remediation tells a
// value the plan leaves to apply (give the .tf configuration) from one the
// plan does not declare (give a snapshot).
const (
	ReasonAfterApply = "known after apply: "
	ReasonNotInPlan  = "not in plan: "
)

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

// ParseSymbol splits a token Symbol wrote back into its file, owner and
// attribute, unescaped; ok is false when tok is not exactly one symbol. An
// attribute holds no '.', and the file is split from the owner at the last
// '#' (a Terraform address may hold '.', never an unescaped '#' of its own
// once written: see escapeSymbol).
func ParseSymbol(tok string) (file, owner, attr string, ok bool) {
	if !isWholeSymbol(tok) {
		return "", "", "", false
	}
	body := tok[len(symbolOpen) : len(tok)-1]
	dot := strings.LastIndexByte(body, '.')
	if dot < 0 {
		return "", "", "", false
	}
	hash := strings.LastIndexByte(body[:dot], '#')
	if hash < 0 {
		return "", "", "", false
	}
	return unescapeSymbol(body[:hash]), unescapeSymbol(body[hash+1 : dot]), unescapeSymbol(body[dot+1:]), true
}

// FindSymbols returns the start and end offsets of every symbol in s.
func FindSymbols(s string) [][2]int {
	var out [][2]int
	for i := 0; ; {
		j := strings.Index(s[i:], symbolOpen)
		if j < 0 {
			return out
		}
		j += i
		k := strings.IndexByte(s[j:], '>')
		if k < 0 {
			return out
		}
		out = append(out, [2]int{j, j + k + 1})
		i = j + k + 1
	}
}

func unescapeSymbol(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if c, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(c))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unknownToken matches one token Unknown wrote.
var unknownToken = regexp.MustCompile(regexp.QuoteMeta(unknownPrefix) + `[^>]*>`)

// UnknownTokens lists, sorted and once each, the unknown tokens in a
// decoded JSON value, object keys included.
func UnknownTokens(v any) []string {
	seen := map[string]bool{}
	var walk func(any)
	add := func(s string) {
		if IsUnknown(s) {
			for _, t := range unknownToken.FindAllString(s, -1) {
				seen[t] = true
			}
		}
	}
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			add(x)
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				add(k)
				walk(e)
			}
		}
	}
	walk(v)
	return slices.Sorted(maps.Keys(seen))
}
