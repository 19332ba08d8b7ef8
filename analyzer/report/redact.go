package report

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
)

// Redacted replaces a sensitive value in output.
const Redacted = "(sensitive value)"

// minRedactLen is the shortest value Redact hides: a shorter one (a "1",
// an "aws") would match ordinary text all over the report and garble it,
// and says too little to be a secret worth hiding that way.
const minRedactLen = 4

// Redact replaces every occurrence of each secret in out, as written and
// as JSON escapes it, with Redacted. It runs on what the report writers
// wrote, so that no writer (text, JSON, SARIF, --explain) can forget a
// value: Terraform's sensitive values are judged like any other but never
// printed.
func Redact(out string, secrets []string) string {
	var pairs []string
	seen := map[string]bool{}
	add := func(s string) {
		if len(s) >= minRedactLen && !seen[s] {
			seen[s] = true
			pairs = append(pairs, s)
		}
	}
	for _, s := range secrets {
		forms := []string{s}
		if strings.HasPrefix(s, "arn:") && strings.Count(s, ":") >= 5 {
			// Output names resources by their short forms too: a key ARN
			// appears as key/ID and as its ID.
			res := s[strings.LastIndex(s, ":")+1:]
			forms = append(forms, res, res[strings.LastIndex(res, "/")+1:])
		}
		for _, f := range forms {
			add(f)
			if js, err := json.Marshal(f); err == nil {
				add(string(js[1 : len(js)-1]))
			}
		}
	}
	if len(pairs) == 0 {
		return out
	}
	// Longest first: where secrets overlap, the longer is replaced whole.
	slices.SortFunc(pairs, func(x, y string) int { return cmp.Compare(len(y), len(x)) })
	args := make([]string, 0, 2*len(pairs))
	for _, s := range pairs {
		args = append(args, s, Redacted)
	}
	return strings.NewReplacer(args...).Replace(out)
}
