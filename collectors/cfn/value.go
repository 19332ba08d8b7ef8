package cfn

import (
	"bytes"
	"encoding/json"
)

// kind is the JSON type of a resolved template value.
type kind uint8

const (
	kindNull kind = iota
	kindString
	kindNumber
	kindBool
	kindList
	kindMap
	// kindNoValue is AWS::NoValue: the property or list element that holds
	// it is removed, as if it had never been written.
	kindNoValue
)

// value is a template value after every intrinsic function in it has been
// resolved. It keeps the line each part came from, so that policy
// statements and properties can be located in the file. Unknown values are
// strings holding a snapshot.Unknown token (possibly inside a longer string,
// as a !Sub may build).
type value struct {
	kind kind
	// s is the text of a scalar: numbers keep the digits written, booleans
	// are "true" or "false".
	s    string
	list []*value
	// keys, keyLines and vals are a mapping in document order.
	keys     []string
	keyLines []int
	vals     []*value
	line     int
}

func str(s string, line int) *value { return &value{kind: kindString, s: s, line: line} }

func boolean(b bool, line int) *value {
	if b {
		return &value{kind: kindBool, s: "true", line: line}
	}
	return &value{kind: kindBool, s: "false", line: line}
}

// get returns the value of key in a mapping, or nil.
func (v *value) get(key string) *value {
	if v == nil || v.kind != kindMap {
		return nil
	}
	for i, k := range v.keys {
		if k == key {
			return v.vals[i]
		}
	}
	return nil
}

// keyLine returns the line of key in a mapping, or the mapping's own line.
func (v *value) keyLine(key string) int {
	if v == nil {
		return 0
	}
	for i, k := range v.keys {
		if k == key {
			return v.keyLines[i]
		}
	}
	return v.line
}

// size is what v costs against the expansion budget: its text, and
// elementCost for each value it is made of.
func (v *value) size() int {
	n := elementCost + len(v.s)
	for _, e := range v.list {
		n += e.size()
	}
	for i, e := range v.vals {
		n += len(v.keys[i]) + e.size()
	}
	return n
}

// scalar reports whether v is a string, number or boolean.
func (v *value) scalar() bool {
	return v != nil && (v.kind == kindString || v.kind == kindNumber || v.kind == kindBool)
}

func (k kind) String() string {
	switch k {
	case kindNull:
		return "null"
	case kindString:
		return "a string"
	case kindNumber:
		return "a number"
	case kindBool:
		return "a boolean"
	case kindList:
		return "a list"
	case kindMap:
		return "a mapping"
	case kindNoValue:
		return "AWS::NoValue"
	}
	return "?"
}

// JSON renders v as CloudFormation hands it to the service: mappings keep
// their key order, numbers their digits.
func (v *value) JSON() []byte {
	var b bytes.Buffer
	v.writeJSON(&b)
	return b.Bytes()
}

func (v *value) writeJSON(b *bytes.Buffer) {
	switch v.kind {
	case kindString:
		writeJSONString(b, v.s)
	case kindNumber:
		if json.Valid([]byte(v.s)) {
			b.WriteString(v.s)
		} else {
			// YAML numbers JSON cannot spell (0x1F, 1_000, .5) go as text,
			// which is how CloudFormation passes most property values anyway.
			writeJSONString(b, v.s)
		}
	case kindBool:
		if v.s == "true" || v.s == "false" {
			b.WriteString(v.s)
		} else {
			writeJSONString(b, v.s) // an undecided condition's token
		}
	case kindList:
		b.WriteByte('[')
		for i, e := range v.list {
			if i > 0 {
				b.WriteByte(',')
			}
			e.writeJSON(b)
		}
		b.WriteByte(']')
	case kindMap:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			v.vals[i].writeJSON(b)
		}
		b.WriteByte('}')
	default:
		b.WriteString("null")
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	// An encoder without HTML escaping: policy documents and unknown tokens
	// (<unknown:…>) read better with < and > as written.
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Truncate(b.Len() - 1)
}
