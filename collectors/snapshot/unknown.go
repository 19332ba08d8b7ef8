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
