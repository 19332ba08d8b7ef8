package snapshot

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
)

// WalkObjects reads a JSON document and calls visit for every object in it,
// innermost first (an object's fields are complete when it is visited),
// with the path leading to it (object keys and array indices as decimal
// strings), its string-valued fields, and the line its '{' is on. It stops
// at the first syntax error and returns it; a document Parse accepted has
// none.
//
// Readers that point people at a resource inside a JSON file (SARIF for a
// snapshot, a Terraform plan) need the line of the resource's object, which
// encoding/json does not keep.
func WalkObjects(data []byte, visit func(path []string, fields map[string]string, line int)) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	w := objectWalker{data: data, dec: dec, visit: visit, lines: newLineIndex(data)}
	return w.value(nil)
}

type objectWalker struct {
	data  []byte
	dec   *json.Decoder
	visit func([]string, map[string]string, int)
	lines lineIndex
}

// lineIndex holds the offset of every newline of a document, so that the
// line of an offset is a binary search: counting newlines from the start
// for each object made walking a snapshot quadratic in its size (8 s of
// a 1,000-account check's 10).
type lineIndex []int

func newLineIndex(data []byte) lineIndex {
	var ix lineIndex
	for off := 0; ; {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return ix
		}
		off += i
		ix = append(ix, off)
		off++
	}
}

// line is the 1-based line of off, as LineAt counts it.
func (ix lineIndex) line(off int64) int {
	n, _ := slices.BinarySearch(ix, int(off))
	return n + 1
}

// value reads one value at path; for an object or array it recurses.
func (w *objectWalker) value(path []string) error {
	off := w.dec.InputOffset()
	t, err := w.dec.Token()
	if err != nil {
		return err
	}
	d, ok := t.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '[':
		for i := 0; w.dec.More(); i++ {
			if err := w.value(append(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
		_, err = w.dec.Token() // ]
		return err
	case '{':
		// off is before the whitespace and separator preceding '{'.
		start := int64(bytes.IndexByte(w.data[off:], '{')) + off
		fields := map[string]string{}
		for w.dec.More() {
			kt, err := w.dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			if w.peekScalar() {
				vt, err := w.dec.Token()
				if err != nil {
					return err
				}
				if s, ok := vt.(string); ok {
					fields[key] = s
				}
				continue
			}
			if err := w.value(append(path, key)); err != nil {
				return err
			}
		}
		if _, err := w.dec.Token(); err != nil { // }
			return err
		}
		w.visit(path, fields, w.lines.line(start))
	}
	return nil
}

// peekScalar reports whether the next value is neither an object nor an array.
func (w *objectWalker) peekScalar() bool {
	rest := bytes.TrimLeft(w.data[w.dec.InputOffset():], " \t\r\n:")
	return len(rest) > 0 && rest[0] != '{' && rest[0] != '['
}

// ResourceLines maps the IDs findings name a snapshot's resources by to
// the line of the resource's object in the snapshot file: ARNs, the
// organization's and its policies' IDs, and GuardDuty detectors by the ARN
// GuardDuty uses as aws:SourceArn (the model keeps none). A subscription
// or policy inside a resource is mapped by its own ARN or ID. data must be a
// snapshot Parse accepted; the map is empty for anything else.
func ResourceLines(data []byte) map[string]int {
	lines := map[string]int{}
	put := func(id string, line int) {
		if _, ok := lines[id]; id != "" && !ok {
			lines[id] = line
		}
	}
	type detector struct {
		account, id, region string
		line                int
	}
	var detectors []detector
	// A pending or deleted subscription has no ARN: it is named by its
	// topic (visited after it, innermost first) and endpoint.
	type subscription struct {
		topic, arn, endpoint string
		line                 int
	}
	var subscriptions []subscription
	topics := map[string]string{}     // topic object path → ARN
	accountIDs := map[string]string{} // account index → ID
	partition := ""
	err := WalkObjects(data, func(path []string, fields map[string]string, line int) {
		n := len(path)
		switch {
		case n == 0:
			partition = fields["partition"]
		case n == 1 && path[0] == "organization":
			put(fields["arn"], line)
			put(fields["id"], line)
		case n == 3 && path[0] == "organization" && path[1] == "policies":
			put(fields["arn"], line)
			put(fields["id"], line)
		case n == 2 && path[0] == "accounts":
			accountIDs[path[1]] = fields["id"]
		case n == 4 && path[0] == "accounts" && path[2] == "detectors":
			detectors = append(detectors, detector{account: path[1], id: fields["id"], region: fields["region"], line: line})
		case n == 6 && path[0] == "accounts" && path[2] == "topics" && path[4] == "subscriptions":
			subscriptions = append(subscriptions, subscription{topic: path[1] + "/" + path[3], arn: fields["arn"], endpoint: fields["endpoint"], line: line})
			put(fields["arn"], line)
		case n >= 4 && path[0] == "accounts":
			if n == 4 && path[2] == "topics" {
				topics[path[1]+"/"+path[3]] = fields["arn"]
			}
			put(fields["arn"], line)
		}
	})
	if err != nil {
		return map[string]int{}
	}
	if partition == "" {
		partition = "aws"
	}
	for _, sub := range subscriptions {
		if t := topics[sub.topic]; t != "" {
			put(subscriptionID(t, sub.arn, sub.endpoint), sub.line)
		}
	}
	for _, d := range detectors {
		put("arn:"+partition+":guardduty:"+d.region+":"+accountIDs[d.account]+":detector/"+d.id, d.line)
	}
	return lines
}
