package iam

import (
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/jsondup"
)

// duplicateKey finds the first key that appears twice in one JSON object
// of doc. Parsers differ on which value counts, so a statement with two
// Effect keys may be read as Allow here and as Deny by AWS. stmt is the
// index of the statement holding the key (-1 outside any statement); path
// names the key from the top.
func duplicateKey(doc []byte) (stmt int, path string, found bool) {
	d, ok := jsondup.First(doc)
	if !ok {
		return -1, "", false
	}
	return statementOf(d.Path[:len(d.Path)-1]), strings.Join(d.Path, "."), true
}

// statementOf is the statement index of a path below the top-level
// Statement (a list, or a single statement object), else -1.
func statementOf(path []string) int {
	if len(path) == 0 || path[0] != "Statement" {
		return -1
	}
	if len(path) >= 2 {
		if i, err := strconv.Atoi(path[1]); err == nil {
			return i
		}
	}
	return 0
}
