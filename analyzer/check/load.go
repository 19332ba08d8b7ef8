package check

import (
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/collectors/jsondup"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// warnDuplicates wraps a JSON input's parser so that a duplicate key in
// the file (trailgate never writes one: it was edited) is reported in
// *warnings; encoding/json judges the last value.
func warnDuplicates[T any](parse func(string, []byte) (T, error), warnings *[]string) func(string, []byte) (T, error) {
	return func(name string, data []byte) (T, error) {
		if d, ok := jsondup.First(data); ok {
			*warnings = append(*warnings, fmt.Sprintf("%s:%d: duplicate key %s: the last value is the one judged (trailgate never writes duplicates: was the file edited?)",
				name, snapshot.LineAt(data, d.Offset), strings.Join(d.Path, ".")))
		}
		return parse(name, data)
	}
}
