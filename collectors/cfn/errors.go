package cfn

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

var yamlLineRe = regexp.MustCompile(`line ([0-9]+)`)

// yamlError turns a go.yaml.in/yaml error ("yaml: line 7: mapping values
// are not allowed in this context") into an *Error with that line.
//
// go.yaml.in/yaml reports the line where the enclosing block starts when it
// knows it, which for an indentation error is a few lines above the
// mistake; that is still the best line available.
func yamlError(file string, data []byte, err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = strings.TrimSpace(strings.TrimPrefix(msg, m[0]+":"))
	} else if m := unknownAnchorRe.FindStringSubmatch(msg); m != nil {
		// The parser names the anchor but not where it is used.
		if i := bytes.Index(data, []byte("*"+m[1])); i >= 0 {
			line = bytes.Count(data[:i], []byte{'\n'}) + 1
		}
	}
	return &Error{File: file, Line: line, Msg: "invalid YAML: " + msg}
}

var unknownAnchorRe = regexp.MustCompile(`unknown anchor '([^']+)' referenced`)
