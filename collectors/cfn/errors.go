package cfn

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Error is a template that cannot be read or resolved: malformed YAML or
// JSON, an unknown intrinsic function, a reference to nothing, a circular
// dependency, a property of the wrong shape, or input past the safety
// bounds. The CLI maps it to exit status 2.
type Error struct {
	File string
	// Line is 1-based; 0 when the problem concerns the whole file.
	Line int
	Msg  string
	// Undecided are the conditions, sorted, whose value the template
	// leaves open (a parameter without value or default) and on which the
	// fault hangs: judged once with each assignment of them (through
	// Options.Conditions) the template resolves.
	Undecided []string
}

func (e *Error) Error() string { return snapshot.ErrorText(e.File, e.Line, "", e.Msg) }

var yamlLineRe = regexp.MustCompile(`line ([0-9]+)`)

// yamlError turns a go.yaml.in/yaml error ("yaml: line 7: mapping values
// are not allowed in this context") into an *Error with that line.
//
// go.yaml.in/yaml reports the line where the enclosing block starts when it
// knows it, which for an indentation error can be far above the mistake;
// faultLine narrows it down to the line a pull request should be told about.
func yamlError(file string, data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.TrimPrefix(msg, m[0]+":"))
		line = faultLine(data, line, msg)
	} else if m := unknownAnchorRe.FindStringSubmatch(msg); m != nil {
		// The parser names the anchor but not where it is used.
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = bytes.Count(data[:i], []byte{'\n'}) + 1
		}
	}
	return &Error{File: file, Line: line, Msg: "invalid YAML: " + msg}
}

var unknownAnchorRe = regexp.MustCompile(`unknown anchor '([^']+)' referenced`)

// faultLine finds the first line whose addition makes the document fail
// with the same problem: the parse of every shorter prefix either succeeds
// or fails differently (block YAML cut at a line end is usually still
// valid). It bisects over line counts, at most about 20 parses, and keeps
// the parser's line when the answer does not check out.
func faultLine(data []byte, reported int, problem string) int {
	ends := []int{}
	for i, c := range data {
		if c == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ends = append(ends, len(data))
	}
	if reported < 1 || reported > len(ends) {
		return reported
	}
	same := func(k int) bool { // does the prefix of k lines fail alike?
		var n yaml.Node
		err := yaml.Unmarshal(data[:ends[k-1]], &n)
		return err != nil && strings.HasSuffix(err.Error(), problem)
	}
	lo, hi := reported, len(ends) // same(hi) holds: the whole file fails so
	if !same(hi) {
		return reported
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if same(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
