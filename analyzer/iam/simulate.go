package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// The `trailgate iam simulate FILE` request file, as analyzer/iam/README.md
// and the README's Commands section describe it.

// SimRequest is one question of a request file: the request and the
// compiled policies that apply to it, or why it cannot be asked.
type SimRequest struct {
	Request Request
	Set     PolicySet
	// Err: the request is refused (a policy AWS would reject as malformed,
	// a required field missing); Request and Set are then empty. Each
	// request is answered on its own: the others still get decisions.
	Err *SimError
}

// SimError is a request file problem: the file, the line, the request
// index, the policy and, for a malformed policy, the statement.
type SimError struct {
	File string
	// Line is 1-based: of a JSON syntax error, or where the refused
	// request starts; 0 when unknown.
	Line    int
	Request int // -1 when the file as a whole is bad
	Policy  string
	Err     error
}

func (e *SimError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Request >= 0 {
		fmt.Fprintf(&b, ": request %d", e.Request)
	}
	if e.Policy != "" {
		b.WriteString(": " + e.Policy)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *SimError) Unwrap() error { return e.Err }

type fileRequest struct {
	Request struct {
		Principal                    string                     `json:"principal"`
		Action                       string                     `json:"action"`
		Resource                     string                     `json:"resource"`
		ResourceAccount              string                     `json:"resourceAccount"`
		PrincipalInManagementAccount bool                       `json:"principalInManagementAccount"`
		ResourceInManagementAccount  bool                       `json:"resourceInManagementAccount"`
		Context                      map[string]json.RawMessage `json:"context"`
	} `json:"request"`
	IdentityPolicies      []json.RawMessage `json:"identityPolicies"`
	ResourcePolicy        json.RawMessage   `json:"resourcePolicy"`
	PermissionsBoundaries []json.RawMessage `json:"permissionsBoundaries"`
	SessionPolicy         json.RawMessage   `json:"sessionPolicy"`
	VPCEndpointPolicies   []json.RawMessage `json:"vpcEndpointPolicies"`
	SCPs                  []fileLevel       `json:"scps"`
	RCPs                  []fileLevel       `json:"rcps"`
}

type fileLevel struct {
	Target   string            `json:"target"`
	Policies []json.RawMessage `json:"policies"`
}

// ParseRequests reads a request file: one request object or an array of
// them. name is used in errors only. The error is for the file as a whole
// (not JSON, not a request or an array of requests); a request that cannot
// be asked carries its own Err and the others are still parsed.
func ParseRequests(name string, data []byte) ([]SimRequest, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a UTF-8 byte order mark, as every input accepts
	var raws []json.RawMessage
	array := IsRequestArray(data)
	if array {
		if err := json.Unmarshal(data, &raws); err != nil {
			return nil, jsonError(name, -1, data, err)
		}
	} else {
		var one json.RawMessage
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, jsonError(name, -1, data, err)
		}
		raws = []json.RawMessage{one}
	}
	if len(raws) == 0 {
		return nil, &SimError{File: name, Request: -1, Err: errors.New("no requests")}
	}
	starts := requestStarts(data, array, len(raws))
	out := make([]SimRequest, 0, len(raws))
	for i, raw := range raws {
		line := 1 + bytes.Count(data[:starts[i]], []byte("\n"))
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
			what := "the file"
			if array {
				what = fmt.Sprintf("element %d", i)
			}
			return nil, &SimError{File: name, Line: line, Request: -1, Err: fmt.Errorf("%s is not a request object", what)}
		}
		r, err := parseFileRequest(name, i, raw)
		if err != nil {
			err.Line = line
			r = SimRequest{Err: err}
		}
		out = append(out, r)
	}
	return out, nil
}

// requestStarts finds the byte offset where each of the n requests of a
// file that json.Unmarshal accepted starts, for error lines.
func requestStarts(data []byte, array bool, n int) []int {
	starts := make([]int, n)
	skip := func(off int) int {
		for off < len(data) && (data[off] == ' ' || data[off] == '\t' || data[off] == '\r' || data[off] == '\n' || data[off] == ',') {
			off++
		}
		return off
	}
	if !array {
		starts[0] = skip(0)
		return starts
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil {
		return starts
	}
	for i := 0; i < n && dec.More(); i++ {
		starts[i] = skip(int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			break
		}
	}
	return starts
}

func parseFileRequest(name string, i int, raw json.RawMessage) (SimRequest, *SimError) {
	var fr fileRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fr); err != nil {
		return SimRequest{}, &SimError{File: name, Request: i, Err: err}
	}
	fail := func(policy string, err error) (SimRequest, *SimError) {
		return SimRequest{}, &SimError{File: name, Request: i, Policy: policy, Err: err}
	}
	req := Request{
		Principal:       fr.Request.Principal,
		Action:          fr.Request.Action,
		Resource:        fr.Request.Resource,
		ResourceAccount: fr.Request.ResourceAccount,
	}
	if req.Action == "" {
		return fail("", errors.New("request.action is required"))
	}
	if req.Resource == "" {
		return fail("", errors.New("request.resource is required (\"*\" for actions without resource-level permissions)"))
	}
	if req.Principal == "" {
		return fail("", errors.New("request.principal is required (\"*\" for an anonymous caller)"))
	}
	if len(fr.Request.Context) > 0 {
		req.Context = make(map[string][]string, len(fr.Request.Context))
		for k, v := range fr.Request.Context {
			vals, err := contextValue(v)
			if err != nil {
				return fail("", fmt.Errorf("request.context[%q]: %w", k, err))
			}
			req.Context[k] = vals
		}
	}
	set := PolicySet{
		PrincipalInManagementAccount: fr.Request.PrincipalInManagementAccount,
		ResourceInManagementAccount:  fr.Request.ResourceInManagementAccount,
	}
	var err *SimError
	parse := func(label string, raw json.RawMessage, kind Kind) (*Policy, *SimError) {
		p, perr := ParsePolicy(raw, kind)
		if perr != nil {
			return nil, &SimError{File: name, Request: i, Policy: label, Err: perr}
		}
		return p, nil
	}
	// parseAll parses a list of documents labelled field[0], field[1], …
	parseAll := func(field string, raws []json.RawMessage, kind Kind) ([]*Policy, *SimError) {
		var out []*Policy
		for j, raw := range raws {
			p, err := parse(fmt.Sprintf("%s[%d]", field, j), raw, kind)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
		return out, nil
	}
	if set.Identity, err = parseAll("identityPolicies", fr.IdentityPolicies, KindIdentity); err != nil {
		return SimRequest{}, err
	}
	if !isNull(fr.ResourcePolicy) {
		kind := KindResource
		if inferResourceType(&req) == ResourceRoleTrust {
			kind = KindTrust
		}
		if set.Resource, err = parse("resourcePolicy", fr.ResourcePolicy, kind); err != nil {
			return SimRequest{}, err
		}
	}
	if set.Boundaries, err = parseAll("permissionsBoundaries", fr.PermissionsBoundaries, KindIdentity); err != nil {
		return SimRequest{}, err
	}
	if !isNull(fr.SessionPolicy) {
		if set.Session, err = parse("sessionPolicy", fr.SessionPolicy, KindIdentity); err != nil {
			return SimRequest{}, err
		}
	}
	if set.VPCEndpoints, err = parseAll("vpcEndpointPolicies", fr.VPCEndpointPolicies, KindResource); err != nil {
		return SimRequest{}, err
	}
	levels := func(field string, in []fileLevel, kind Kind) ([]Level, *SimError) {
		var out []Level
		for j, l := range in {
			ps, err := parseAll(fmt.Sprintf("%s[%d] (%s) policies", field, j, l.Target), l.Policies, kind)
			if err != nil {
				return nil, err
			}
			out = append(out, Level{Target: l.Target, Policies: ps})
		}
		return out, nil
	}
	if set.SCPs, err = levels("scps", fr.SCPs, KindSCP); err != nil {
		return SimRequest{}, err
	}
	if set.RCPs, err = levels("rcps", fr.RCPs, KindRCP); err != nil {
		return SimRequest{}, err
	}
	return SimRequest{Request: req, Set: set}, nil
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

// contextValue: a string, a JSON boolean or number, or a list of them. A
// boolean or number is read as the string AWS sends: its JSON text (true,
// 42, 1.5), never reformatted.
func contextValue(raw json.RawMessage) ([]string, error) {
	errValue := errors.New("a value must be a string, a boolean, a number or a list of them")
	if t := bytes.TrimSpace(raw); len(t) > 0 && t[0] == '[' {
		var l []json.RawMessage
		if err := json.Unmarshal(t, &l); err != nil {
			return nil, errValue
		}
		out := make([]string, 0, len(l))
		for _, e := range l {
			v, ok := contextScalar(e)
			if !ok {
				return nil, errValue
			}
			out = append(out, v)
		}
		return out, nil
	}
	v, ok := contextScalar(raw)
	if !ok {
		return nil, errValue
	}
	return []string{v}, nil
}

// contextScalar reads one string, boolean or number of a context value.
func contextScalar(raw json.RawMessage) (string, bool) {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "", false
	}
	switch c := t[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(t, &s); err != nil {
			return "", false
		}
		return s, true
	case string(t) == "true" || string(t) == "false":
		return string(t), true
	case c == '-' || c >= '0' && c <= '9':
		var n json.Number
		if err := json.Unmarshal(t, &n); err != nil {
			return "", false
		}
		return string(t), true
	}
	return "", false
}

// jsonError locates a JSON syntax or type error by line. (The same
// offset-to-line rule as snapshot.LineAt, kept here because this package
// must not depend on the snapshot model.)
func jsonError(name string, req int, data []byte, err error) error {
	off := int64(-1)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	line := 0
	if off >= 0 {
		line = 1 + bytes.Count(data[:min(off, int64(len(data)))], []byte("\n"))
	}
	return &SimError{File: name, Line: line, Request: req, Err: err}
}

// SimAnswer is simulate's answer to one request: its decision, or why the
// request was refused (Err).
type SimAnswer struct {
	Result Result
	Err    *SimError
}

// Simulate answers every request in order: a refused one with its error,
// the others with their decisions.
func Simulate(reqs []SimRequest) []SimAnswer {
	out := make([]SimAnswer, len(reqs))
	for i := range reqs {
		if reqs[i].Err != nil {
			out[i].Err = reqs[i].Err
			continue
		}
		out[i].Result = Evaluate(reqs[i].Request, reqs[i].Set)
	}
	return out
}

// IsRequestArray reports whether a request file holds an array of requests
// (the output is then an array too) rather than one request object.
func IsRequestArray(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '['
}
