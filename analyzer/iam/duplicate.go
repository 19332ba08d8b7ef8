package iam

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// duplicateKey finds the first key that appears twice in one JSON object
// of doc (already known to be valid JSON). JSON leaves the meaning of
// duplicate keys open and parsers differ: one takes the first, another the
// last, so a statement with two Effect keys may be read as Allow here and
// as Deny by AWS. stmt is the index of the statement holding the key (-1
// outside any statement); path names the key from the top.
func duplicateKey(doc []byte) (stmt int, path string, found bool) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	w := dupWalker{dec: dec, stmt: -1}
	w.value(nil)
	return w.stmt, w.path, w.found
}

type dupWalker struct {
	dec   *json.Decoder
	stmt  int
	path  string
	found bool
}

// value reads one JSON value; path is where it sits.
func (w *dupWalker) value(path []string) {
	tok, err := w.dec.Token()
	if err != nil || w.found {
		return
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for w.dec.More() && !w.found {
			kt, err := w.dec.Token()
			if err != nil {
				return
			}
			k, _ := kt.(string)
			if seen[k] {
				w.found, w.path = true, strings.Join(append(path, k), ".")
				w.stmt = statementOf(path)
				return
			}
			seen[k] = true
			w.value(append(path, k))
		}
	case '[':
		for i := 0; w.dec.More() && !w.found; i++ {
			w.value(append(path, fmt.Sprint(i)))
		}
	}
	if !w.found {
		w.dec.Token() // the closing delimiter
	}
}

// statementOf is the statement index of a path below the top-level
// Statement (a list, or a single statement object), else -1.
func statementOf(path []string) int {
	if len(path) == 0 || path[0] != "Statement" {
		return -1
	}
	if len(path) >= 2 {
		var i int
		if _, err := fmt.Sscan(path[1], &i); err == nil {
			return i
		}
	}
	return 0
}
