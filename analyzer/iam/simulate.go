package iam

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The `trailgate iam simulate FILE` request file, exactly as
// /work/shared/spec/iam-request.md (docs: the CLI contract) describes it.

// SimRequest is one question of a request file: the request and the
// compiled policies that apply to it.
type SimRequest struct {
	Request Request
	Set     PolicySet
}

// SimError is a request file AWS-level problem: the file, the request
// index, the policy and, for a malformed policy, the statement.
type SimError struct {
	File    string
	Line    int // 1-based line of a JSON syntax error, 0 otherwise
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
		Principal       string                     `json:"principal"`
		Action          string                     `json:"action"`
		Resource        string                     `json:"resource"`
		ResourceAccount string                     `json:"resourceAccount"`
		Context         map[string]json.RawMessage `json:"context"`
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
// them. name is used in errors only.
func ParseRequests(name string, data []byte) ([]SimRequest, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff")) // a UTF-8 byte order mark, as every input accepts
	var raws []json.RawMessage
	if IsRequestArray(data) {
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
	out := make([]SimRequest, 0, len(raws))
	for i, raw := range raws {
		r, err := parseFileRequest(name, i, raw)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func parseFileRequest(name string, i int, raw json.RawMessage) (SimRequest, error) {
	var fr fileRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fr); err != nil {
		return SimRequest{}, &SimError{File: name, Request: i, Err: err}
	}
	fail := func(policy string, err error) (SimRequest, error) {
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
	var set PolicySet
	var err error
	parse := func(label string, raw json.RawMessage, kind Kind) (*Policy, error) {
		p, perr := ParsePolicy(raw, kind)
		if perr != nil {
			return nil, &SimError{File: name, Request: i, Policy: label, Err: perr}
		}
		return p, nil
	}
	// parseAll parses a list of documents labelled field[0], field[1], …
	parseAll := func(field string, raws []json.RawMessage, kind Kind) ([]*Policy, error) {
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
	levels := func(field string, in []fileLevel, kind Kind) ([]Level, error) {
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

// contextValue: a string or a list of strings.
func contextValue(raw json.RawMessage) ([]string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return []string{s}, nil
	}
	var l []string
	if err := json.Unmarshal(raw, &l); err == nil {
		if l == nil {
			l = []string{}
		}
		return l, nil
	}
	return nil, errors.New("a value must be a string or a list of strings (numbers, booleans and dates are written as strings)")
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

// Simulate answers every request in order.
func Simulate(reqs []SimRequest) []Result {
	out := make([]Result, len(reqs))
	for i := range reqs {
		out[i] = Evaluate(reqs[i].Request, reqs[i].Set)
	}
	return out
}

// IsRequestArray reports whether a request file holds an array of requests
// (the output is then an array too) rather than one request object.
func IsRequestArray(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '['
}

// WriteJSON writes one decision object per result, in order: a JSON array
// when array is set (the request file held an array), else the single
// object.
func WriteJSON(w io.Writer, results []Result, array bool) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if !array && len(results) == 1 {
		return enc.Encode(results[0])
	}
	if results == nil {
		results = []Result{}
	}
	return enc.Encode(results)
}

// WriteText writes one block per result: the decision, the proof, and the
// explanation steps.
func WriteText(w io.Writer, results []Result, _ bool) error {
	var b strings.Builder
	for i, r := range results {
		fmt.Fprintf(&b, "request %d: %s\n  %s\n", i, r.Decision, r.Proof())
		for _, s := range r.Explanation {
			fmt.Fprintf(&b, "  - %-20s %-13s %s\n", s.Kind, s.Outcome, s.Reason)
			if s.Detail != "" {
				fmt.Fprintf(&b, "    %-20s %-13s %s\n", "", "", s.Detail)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
