package jsondup

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Duplicate is the first key found twice in one object.
type Duplicate struct {
	// Path is the keys and list indexes from the top down to the key,
	// the key last.
	Path []string
	// Offset is the byte offset just past the second occurrence.
	Offset int64
}

// First returns the first duplicate key of data, which should be valid
// JSON (what it returns for invalid JSON is unspecified, but it returns).
func First(data []byte) (Duplicate, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := walker{dec: dec}
	w.value(nil)
	return w.dup, w.found
}

type walker struct {
	dec   *json.Decoder
	dup   Duplicate
	found bool
}

// value reads one JSON value sitting at path.
func (w *walker) value(path []string) {
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
				w.found = true
				w.dup = Duplicate{Path: append(append([]string(nil), path...), k), Offset: w.dec.InputOffset()}
				return
			}
			seen[k] = true
			w.value(append(path, k))
		}
	case '[':
		for i := 0; w.dec.More() && !w.found; i++ {
			w.value(append(path, strconv.Itoa(i)))
		}
	}
	if !w.found {
		w.dec.Token() // the closing delimiter
	}
}
