package cfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// props reads the resolved properties of one resource (or of one object
// inside them), turning a wrong shape into an *Error with its line.
type props struct {
	t    *template
	r    *resource
	v    *value
	path string // e.g. "BucketEncryption.ServerSideEncryptionConfiguration[0]"
}

func (p props) at(key string) string {
	if p.path == "" {
		return p.r.id + "." + key
	}
	return p.r.id + "." + p.path + "." + key
}

func (p props) fail(line int, format string, args ...any) error {
	return p.t.errf(line, format, args...)
}

// unknown is the error for a property whose value the template does not
// determine. When the value hangs on undecided conditions the message names
// them and the error lists them (Error.Undecided), so that a caller can
// judge each branch instead; otherwise the value is input only the user
// can give (--param).
func (p props) unknown(v *value, what, advice string) error {
	conds := p.t.condOf[v.s]
	if len(conds) == 0 {
		return p.fail(v.line, "%s cannot be known (%s); %s", what, v.s, advice)
	}
	e := p.t.errf(v.line, "%s cannot be known: it hangs on condition %s, undecided (%s); pass the parameter with --param", what, strings.Join(conds, ", "), v.s)
	e.Undecided = conds
	return e
}

// str returns a string property ("" when absent). Numbers and booleans are
// accepted as CloudFormation accepts them, by their text.
func (p props) str(key string) (string, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return "", nil
	}
	if !v.scalar() {
		return "", p.fail(v.line, "%s must be a string, got %s", p.at(key), v.kind)
	}
	return v.s, nil
}

// requiredStr is str for a property the resource type requires: absent or
// empty, it is an error naming the resource.
func (p props) requiredStr(key string) (string, error) {
	s, err := p.str(key)
	if err == nil && s == "" {
		err = p.fail(p.r.line, "%s: %s is required", p.r.id, key)
	}
	return s, err
}

// boolean returns a Boolean property; CloudFormation accepts true/false and
// the strings "true"/"false" alike.
func (p props) boolean(key string, def bool) (bool, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return def, nil
	}
	if v.scalar() {
		switch strings.ToLower(v.s) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		}
		if snapshot.IsUnknown(v.s) {
			return false, p.unknown(v, p.at(key), "pass the value with --param")
		}
	}
	return false, p.fail(v.line, "%s must be true or false, got %s %q", p.at(key), v.kind, v.s)
}

// integer returns an Integer property.
func (p props) integer(key string, def int) (int, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return def, nil
	}
	if v.scalar() {
		if n, err := strconv.Atoi(v.s); err == nil {
			return n, nil
		}
		if snapshot.IsUnknown(v.s) {
			return 0, p.unknown(v, p.at(key), "pass the value with --param")
		}
	}
	return 0, p.fail(v.line, "%s must be an integer, got %s %q", p.at(key), v.kind, v.s)
}

// list returns a List property (nil when absent).
func (p props) list(key string) ([]*value, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return nil, nil
	}
	if v.kind == kindString && snapshot.IsUnknown(v.s) {
		if len(p.t.condOf[v.s]) > 0 {
			return nil, p.unknown(v, p.at(key)+" (a list)", "")
		}
		return nil, p.fail(v.line, "%s is a list that cannot be known (%s)", p.at(key), v.s)
	}
	if v.kind != kindList {
		return nil, p.fail(v.line, "%s must be a list, got %s", p.at(key), v.kind)
	}
	return v.list, nil
}

// strList returns a List of String property (nil when absent).
func (p props) strList(key string) ([]string, error) {
	l, err := p.list(key)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(l))
	for i, e := range l {
		if !e.scalar() {
			return nil, p.fail(e.line, "%s[%d] must be a string, got %s", p.at(key), i, e.kind)
		}
		out = append(out, e.s)
	}
	return out, nil
}

// reader reads one property a line and keeps the first error, as
// bufio.Scanner does: once a read has failed, later reads return zero
// values and leave err as it was. Check err before using what was read.
type reader struct {
	p   props
	err error
}

// read returns a reader of p's properties.
func (p props) read() *reader { return &reader{p: p} }

// keep returns what get read, unless an earlier read failed.
func keep[T any](r *reader, get func() (T, error)) T {
	var v T
	if r.err == nil {
		v, r.err = get()
	}
	return v
}

func (r *reader) str(key string) string {
	return keep(r, func() (string, error) { return r.p.str(key) })
}

func (r *reader) boolean(key string, def bool) bool {
	return keep(r, func() (bool, error) { return r.p.boolean(key, def) })
}

func (r *reader) integer(key string, def int) int {
	return keep(r, func() (int, error) { return r.p.integer(key, def) })
}

func (r *reader) strList(key string) []string {
	return keep(r, func() ([]string, error) { return r.p.strList(key) })
}

// obj returns a nested object property.
func (p props) obj(key string) (props, bool, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return props{}, false, nil
	}
	if v.kind != kindMap {
		return props{}, false, p.fail(v.line, "%s must be a mapping, got %s", p.at(key), v.kind)
	}
	path := key
	if p.path != "" {
		path = p.path + "." + key
	}
	return props{t: p.t, r: p.r, v: v, path: path}, true, nil
}

// item wraps the i-th element of a list property as an object.
func (p props) item(key string, i int, e *value) (props, error) {
	if e.kind != kindMap {
		return props{}, p.fail(e.line, "%s[%d] must be a mapping, got %s", p.at(key), i, e.kind)
	}
	path := fmt.Sprintf("%s[%d]", key, i)
	if p.path != "" {
		path = p.path + "." + path
	}
	return props{t: p.t, r: p.r, v: e, path: path}, nil
}

// each ranges over a list property's elements as objects, in order: it
// yields the list's error, or each element with the error that makes it no
// object, and stops after the first error (a loop returns on it).
func (p props) each(key string) iter.Seq2[props, error] {
	return func(yield func(props, error) bool) {
		l, err := p.list(key)
		if err != nil {
			yield(props{}, err)
			return
		}
		for i, e := range l {
			it, err := p.item(key, i, e)
			if !yield(it, err) || err != nil {
				return
			}
		}
	}
}

// loc is where something of the current resource is written. Its change
// is create: a template says what a stack will make exist, and deploying
// it calls the Create (or, for a stack already deployed, Update) APIs for
// every resource it declares.
func (p props) loc(line int) *snapshot.Location {
	return &snapshot.Location{File: p.t.file, Line: line, Address: p.r.id, Change: snapshot.ChangeCreate}
}

// requiredPolicy is policy for a property CloudFormation requires: its
// absence is an error at the resource's line.
func (p props) requiredPolicy(r *resource, key string) (*snapshot.Policy, error) {
	pol, err := p.policy(key)
	if err == nil && pol == nil {
		err = p.fail(r.line, "%s: %s is required", r.id, key)
	}
	return pol, err
}

// namedPolicy reads the PolicyName and PolicyDocument of an inline policy,
// as AWS::IAM::Policy, AWS::IAM::RolePolicy, AWS::IAM::UserPolicy and each
// entry of a role's or user's Policies write it. Either may be absent (""
// or nil): each caller says, at its own place, that both are required.
func (p props) namedPolicy() (string, *snapshot.Policy, error) {
	name, err := p.str("PolicyName")
	if err != nil {
		return "", nil, err
	}
	pol, err := p.policy("PolicyDocument")
	return name, pol, err
}

// policy returns a policy document property with the location of the
// document and of each statement. CloudFormation takes documents as a JSON
// object (YAML mapping) or, for some types, as a JSON string.
func (p props) policy(key string) (*snapshot.Policy, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return nil, nil
	}
	return p.policyValue(p.at(key), v, p.v.keyLine(key))
}

func (p props) policyValue(what string, v *value, keyLine int) (*snapshot.Policy, error) {
	pol := &snapshot.Policy{Location: p.loc(keyLine)}
	switch v.kind {
	case kindMap:
		pol.Document = json.RawMessage(v.JSON())
		st := v.get("Statement")
		switch {
		case st == nil:
		case st.kind == kindList:
			for _, s := range st.list {
				pol.StatementLocations = append(pol.StatementLocations, *p.loc(s.line))
			}
		default:
			pol.StatementLocations = []snapshot.Location{*p.loc(st.line)}
		}
		return pol, nil
	case kindString:
		if snapshot.IsUnknown(v.s) && !strings.HasPrefix(strings.TrimSpace(v.s), "{") {
			// A whole policy the template cannot tell (an ImportValue, a
			// parameter without value): judging the rest as if the policy
			// were empty or permissive would be a guess either way.
			return nil, p.unknown(v, what, "trailgate cannot judge a policy it cannot read")
		}
		doc := []byte(v.s)
		offsets, err := statementOffsets(doc)
		if err != nil {
			return nil, p.fail(v.line, "%s is not a JSON policy document: %v", what, err)
		}
		pol.Document = json.RawMessage(compactJSON(doc))
		for _, off := range offsets {
			// The string's lines are the file's only when it is a block
			// scalar starting on the next line; otherwise the best line is
			// the string's own.
			line := v.line
			if n := bytes.Count(doc[:off], []byte{'\n'}); n > 0 {
				line = v.line + n + 1
			}
			pol.StatementLocations = append(pol.StatementLocations, *p.loc(line))
		}
		return pol, nil
	}
	return nil, p.fail(v.line, "%s must be a policy document (a mapping), got %s", what, v.kind)
}

func compactJSON(doc []byte) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, doc); err != nil {
		return doc
	}
	return b.Bytes()
}

// statementOffsets checks that doc is a JSON object and returns the byte
// offset of each element of its Statement list (or of the single
// Statement object).
func statementOffsets(doc []byte) ([]int, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("expected a JSON object")
	}
	var offs []int
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, _ := kt.(string)
		if key != "Statement" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
			continue
		}
		start := skipSpace(doc, int(dec.InputOffset()))
		if start < len(doc) && doc[start] == '[' {
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			for dec.More() {
				offs = append(offs, skipSpace(doc, int(dec.InputOffset())))
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return nil, err
				}
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
		} else {
			offs = append(offs, start)
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the policy object")
	}
	return offs, nil
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\n' || doc[i] == '\r' || doc[i] == ',' || doc[i] == ':') {
		i++
	}
	return i
}

// jsonish returns a property that CloudFormation takes either as a JSON
// object or as a JSON string (FilterPolicy, RedrivePolicy), as JSON.
func (p props) jsonish(key string) (json.RawMessage, *value, error) {
	v := p.v.get(key)
	if v == nil || v.kind == kindNull {
		return nil, nil, nil
	}
	switch v.kind {
	case kindMap, kindList:
		return json.RawMessage(v.JSON()), v, nil
	case kindString:
		if !json.Valid([]byte(v.s)) {
			return nil, v, p.fail(v.line, "%s must be JSON, got %q", p.at(key), v.s)
		}
		return json.RawMessage(compactJSON([]byte(v.s))), v, nil
	}
	return nil, v, p.fail(v.line, "%s must be a JSON object, got %s", p.at(key), v.kind)
}

// checkKnown refuses a property whose name is a near miss of one this
// resource type has (KmsKeyId on a trail, whose property is KMSKeyId):
// CloudFormation would reject it, and reading past it would judge the
// resource without the setting its author meant. Names far from any known
// property are left alone, so a property AWS adds later is no error.
func (p props) checkKnown(known []string) error {
	for i, k := range p.v.keys {
		if slices.Contains(known, k) {
			continue
		}
		for _, want := range known {
			if strings.EqualFold(k, want) || (len(want) > 5 && within2(k, want)) {
				return p.fail(p.v.keyLines[i], "%s (%s) has no property %q; did you mean %q?", p.r.id, p.r.typ, k, want)
			}
		}
	}
	return nil
}

// within2 reports whether the Levenshtein distance of a and b is at most
// 2, in time linear in their length (only a band of width 5 around the
// diagonal can stay within 2), so that a mapping with many unknown keys
// costs little.
func within2(a, b string) bool {
	const k = 2
	if len(a)-len(b) > k || len(b)-len(a) > k || len(a) > 128 || len(b) > 128 {
		return false
	}
	const inf = 1 << 20
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		for j := range cur {
			cur[j] = inf
		}
		if i <= k {
			cur[0] = i
		}
		best := cur[0]
		for j := lo; j <= hi; j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
			best = min(best, cur[j])
		}
		if best > k {
			return false
		}
		prev, cur = cur, prev
	}
	return prev[len(b)] <= k
}
