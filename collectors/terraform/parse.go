package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// DefaultMaxBytes bounds the plan size Parse accepts. Plans of large
// configurations run to tens of megabytes; anything past this is refused
// before decoding, which takes about ten times the file size in memory, so
// that a hostile file cannot exhaust a CI runner.
const DefaultMaxBytes = 64 << 20

// Options are the facts a plan may not state itself.
type Options struct {
	// AccountID is the account of resources whose ARN the plan does not
	// give and no aws_caller_identity data source names. When empty, such
	// an account is a snapshot.Symbol of the plan file: one account,
	// never an invented ID.
	AccountID string
	// Region is used when neither the resource, its provider configuration
	// nor an aws_region data source says (default us-east-1).
	Region string
	// Partition, when set, overrides the partition each resource's region
	// implies (aws-cn for cn-*, aws-us-gov for us-gov-*, else aws).
	Partition string
	// MaxBytes overrides DefaultMaxBytes when positive.
	MaxBytes int
	// SymbolScope names the plan in its symbols (snapshot.Symbol): what
	// tells its resources from another input's; the file name when empty.
	SymbolScope string
}

func (o Options) withDefaults(file string, data []byte) Options {
	if o.SymbolScope == "" {
		o.SymbolScope = file
	}
	if o.AccountID == "" {
		o.AccountID = planAccount(data)
	}
	if o.AccountID == "" {
		o.AccountID = snapshot.Symbol(o.SymbolScope, "provider", "account_id")
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// Error is a plan trailgate cannot read: malformed JSON, a field of the
// wrong type, an unsupported format version, or a resource whose value AWS
// would refuse (a policy that is not JSON). It names the file, the line
// when the fault is in the JSON text, and the resource address when the
// fault is in one resource.
type Error struct {
	File    string
	Line    int
	Address string
	Msg     string
}

func (e *Error) Error() string { return snapshot.ErrorText(e.File, e.Line, e.Address, e.Msg) }

// Detect reports whether data looks like a `terraform show -json` plan: a
// JSON object with format_version and planned_values or resource_changes.
// It reads only the top-level keys, so a large plan is detected cheaply.
func Detect(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(d) == 0 || d[0] != '{' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(d))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return false
	}
	var version, plan bool
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return false
		}
		key, _ := t.(string)
		switch key {
		case "format_version":
			version = true
		case "planned_values", "resource_changes":
			plan = true
		}
		if version && plan {
			return true
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return false
		}
	}
	return false
}

// Parse reads a plan and builds its snapshot. name is the file name used in
// locations and errors.
func Parse(name string, data []byte, opts Options) (*snapshot.Snapshot, error) {
	opts = opts.withDefaults(name, data)
	if len(data) > opts.MaxBytes {
		return nil, &Error{File: name, Msg: fmt.Sprintf("plan is %d bytes, more than the %d accepted", len(data), opts.MaxBytes)}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, decodeError(name, data, err)
	}
	if plan.PlannedValues == nil && plan.ResourceChanges == nil {
		return nil, &Error{File: name, Line: 1, Msg: "not a Terraform plan: neither planned_values nor resource_changes is present (use `terraform show -json PLANFILE`)"}
	}
	b := newBuilder(name, &plan, opts)
	s, err := b.build()
	if err != nil {
		return nil, err
	}
	s.Sensitive = sensitiveStrings(&plan)
	return s, nil
}

// decodeError turns an encoding/json error into an *Error with the line of
// the fault. terraform-json decodes some parts with nested decoders whose
// offsets are relative, so a type error is located by its field path.
func decodeError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &Error{File: name, Line: snapshot.LineAt(data, syn.Offset), Msg: "invalid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		msg := fmt.Sprintf("expected %s, found JSON %s", typ.Type, typ.Value)
		if typ.Field != "" {
			msg = typ.Field + ": " + msg
		}
		return &Error{File: name, Line: lineOfField(data, typ.Field, typ.Value), Msg: msg}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{File: name, Msg: "empty or truncated document"}
	}
	// terraform-json's own validation (format_version) and the decoder's
	// depth limit end up here.
	return &Error{File: name, Line: lineOfKey(data, "format_version"), Msg: err.Error()}
}

// lineOfField finds the first value whose key path ends with field (a
// dotted path as encoding/json reports it, array indices omitted) and whose
// JSON kind is kind; 0 when none is found.
func lineOfField(data []byte, field, kind string) int {
	if field == "" {
		return 0
	}
	want := strings.Split(field, ".")
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object    bool
		expectKey bool
	}
	var stack []frame
	var path []string
	pendingKey := ""
	// valueDone marks the end of a value: its enclosing object now expects
	// a key again.
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	for {
		off := dec.InputOffset()
		t, err := dec.Token()
		if err != nil {
			return 0
		}
		if d, ok := t.(json.Delim); ok && (d == '}' || d == ']') {
			if len(stack) == 0 {
				return 0
			}
			stack = stack[:len(stack)-1]
			path = path[:len(path)-1]
			valueDone()
			continue
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].expectKey {
			pendingKey, _ = t.(string)
			stack[n-1].expectKey = false
			continue
		}
		key := pendingKey
		if n := len(stack); n > 0 && !stack[n-1].object {
			key = ""
		}
		full := append(append([]string(nil), path...), key)
		if matchesSuffix(full, want) && kindOf(t) == kind {
			// off is before the separator and whitespace preceding the
			// value; the value starts after them.
			rest := bytes.TrimLeft(data[off:], " \t\r\n,:")
			return snapshot.LineAt(data, int64(len(data)-len(rest)))
		}
		if d, ok := t.(json.Delim); ok {
			stack = append(stack, frame{object: d == '{', expectKey: d == '{'})
			path = append(path, key)
			continue
		}
		valueDone()
	}
}

func matchesSuffix(path, want []string) bool {
	var keys []string
	for _, p := range path {
		if p != "" {
			keys = append(keys, p)
		}
	}
	if len(keys) < len(want) {
		return false
	}
	keys = keys[len(keys)-len(want):]
	for i := range want {
		if keys[i] != want[i] {
			return false
		}
	}
	return true
}

func kindOf(t json.Token) string {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return "object"
		}
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	}
	return "null"
}

// lineOfKey is the line of the first occurrence of "key": in data.
func lineOfKey(data []byte, key string) int {
	i := bytes.Index(data, []byte(`"`+key+`"`))
	if i < 0 {
		return 0
	}
	return snapshot.LineAt(data, int64(i))
}

// literalARNAccount finds the account field of literal ARNs.
var literalARNAccount = regexp.MustCompile(`arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:([0-9]{12}):`)

// planAccount is the account of every literal resource ARN the plan holds,
// when they all agree (a plan of one account's resources, its ARNs known
// from state or configuration); "" when there is none or they disagree.
// IAM and STS ARNs are left out: in policies they name who may call (a
// vendor's account, the organization's management account), not where
// the plan's resources are. It is the fallback for resources no
// aws_caller_identity places.
func planAccount(data []byte) string {
	found := ""
	for _, m := range literalARNAccount.FindAllSubmatch(data, -1) {
		if bytes.Contains(m[0], []byte(":iam:")) || bytes.Contains(m[0], []byte(":sts:")) {
			continue
		}
		switch a := string(m[1]); {
		case found == "":
			found = a
		case found != a:
			return ""
		}
	}
	return found
}
