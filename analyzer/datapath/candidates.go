package datapath

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// This file chooses candidate readers when no connector file names one. It
// reads policies only far enough to pick candidates: a role is a candidate
// when its trust policy names a principal outside the organization and an
// Allow statement (identity or queue policy) could grant it
// sqs:ReceiveMessage on the queue. Whether the role really can is the
// evaluator's answer to the reader hop's questions, never decided here.

type statement struct {
	Effect    string          `json:"Effect"`
	Action    json.RawMessage `json:"Action"`
	NotAction json.RawMessage `json:"NotAction"`
	Resource  json.RawMessage `json:"Resource"`
	Principal json.RawMessage `json:"Principal"`
}

// statements decodes a policy's statements; a document that does not
// decode yields none (the loader and the evaluator report bad documents).
func statements(p *snapshot.Policy) []statement {
	if p == nil || len(p.Document) == 0 {
		return nil
	}
	var doc struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal(p.Document, &doc) != nil || len(doc.Statement) == 0 {
		return nil
	}
	var list []statement
	if doc.Statement[0] == '{' {
		var one statement
		if json.Unmarshal(doc.Statement, &one) != nil {
			return nil
		}
		return []statement{one}
	}
	if json.Unmarshal(doc.Statement, &list) != nil {
		return nil
	}
	return list
}

// strs decodes a string-or-list JSON value.
func strs(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	return nil
}

// principals decodes a Principal element into "AWS"/"Federated"/"Service"
// values; "*" is returned as AWS "*".
func principals(raw json.RawMessage) map[string][]string {
	out := map[string][]string{}
	if len(raw) == 0 {
		return out
	}
	var star string
	if json.Unmarshal(raw, &star) == nil {
		out["AWS"] = []string{star}
		return out
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return out
	}
	for k, v := range m {
		out[k] = strs(v)
	}
	return out
}

// globMatch is IAM's wildcard match: * is any run of characters, ? is one.
// Action names compare case-insensitively, ARNs case-sensitively.
func globMatch(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	// Iterative wildcard matching with one backtrack point: linear in
	// practice, no allocation, safe for concurrent use.
	p, i, star, mark := 0, 0, -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if globMatch(p, s, fold) {
			return true
		}
	}
	return false
}

// allowedResources lists the Resource patterns of p's Allow statements
// that name action (Principal is not looked at): p could allow action on a
// resource exactly when one of them matches it.
func allowedResources(p *snapshot.Policy, action string) []string {
	var out []string
	for _, st := range statements(p) {
		if st.Effect != "Allow" {
			continue
		}
		if len(st.NotAction) > 0 {
			if anyMatch(strs(st.NotAction), action, true) {
				continue
			}
		} else if !anyMatch(strs(st.Action), action, true) {
			continue
		}
		out = append(out, strs(st.Resource)...)
	}
	return out
}

// accountOf returns the account a principal value names: the 12-digit ID,
// or the account field of an ARN; "" for "*" or anything else.
func accountOf(principal string) string {
	if len(principal) == 12 && strings.Trim(principal, "0123456789") == "" {
		return principal
	}
	if a, ok := parseARN(principal); ok {
		return a.Account
	}
	return ""
}

// externalTrust reports whether role's trust policy allows a principal from
// outside the organization to assume it: an AWS account or ARN of a
// non-member account, "*", or a federated (OIDC/SAML) provider of a vendor
// such as Microsoft Sentinel's.
func (ix *index) externalTrust(role *snapshot.Role) bool {
	for _, st := range statements(role.TrustPolicy) {
		if st.Effect != "Allow" {
			continue
		}
		ps := principals(st.Principal)
		for _, p := range ps["AWS"] {
			if p == "*" {
				return true
			}
			if acct := accountOf(p); acct != "" && !ix.inOrg(acct) {
				return true
			}
		}
		for _, p := range ps["Federated"] {
			// A web-identity provider outside AWS accounts (an OIDC URL such
			// as sts.windows.net/…) is by nature outside the organization.
			if !strings.HasPrefix(p, "arn:") || strings.Contains(p, ":oidc-provider/") || strings.Contains(p, ":saml-provider/") {
				return true
			}
		}
	}
	return false
}

// candidateReaders lists, sorted by ARN, the roles that trust a principal
// outside the organization and that an identity policy or the queue policy
// could allow to receive from queue.
func (ix *index) candidateReaders(queue *snapshot.Queue) []*snapshot.Role {
	// The roles the queue policy names in a statement that could allow
	// sqs:ReceiveMessage, decoded once per queue rather than once per
	// role.
	named := map[string]bool{}
	for _, st := range statements(queue.Policy) {
		if st.Effect != "Allow" || !anyMatch(strs(st.Action), "sqs:ReceiveMessage", true) {
			continue
		}
		for _, p := range principals(st.Principal)["AWS"] {
			named[p] = true
		}
	}
	var out []*snapshot.Role
	for _, r := range ix.externalRoles() {
		if anyMatch(r.receive, queue.ARN, false) || named[r.role.ARN] {
			out = append(out, r.role)
		}
	}
	return out
}

// externalRole is a role that trusts a principal outside the organization,
// with the Resource patterns of its identity policies' Allow statements
// that could grant sqs:ReceiveMessage (allowedResources, decoded once).
type externalRole struct {
	role    *snapshot.Role
	receive []string
}

// externalRoles lists, sorted by ARN, the roles that trust a principal
// outside the organization. Computed once: candidateReaders asks for
// every queue, and parsing every trust policy per queue made building the
// paths grow with the square of the organization (5.6 s of 6.9 s at 200
// synthetic accounts). Decoding each role's identity policies per queue
// did too: 1.5 s of the 3.9 s of CPU `check --iac` took on 300
// independent stacks, each with its own queue and cross-account role.
func (ix *index) externalRoles() []externalRole {
	if !ix.externalDone {
		for _, r := range ix.roles {
			if !ix.externalTrust(r.V) {
				continue
			}
			var receive []string
			for i := range r.V.InlinePolicies {
				receive = append(receive, allowedResources(&r.V.InlinePolicies[i].Policy, "sqs:ReceiveMessage")...)
			}
			for _, a := range r.V.AttachedPolicyARNs {
				if mp, ok := ix.managed[a]; ok {
					receive = append(receive, allowedResources(&mp.Policy, "sqs:ReceiveMessage")...)
				}
			}
			ix.external = append(ix.external, externalRole{role: r.V, receive: receive})
		}
		sort.Slice(ix.external, func(i, j int) bool { return ix.external[i].role.ARN < ix.external[j].role.ARN })
		ix.externalDone = true
	}
	return ix.external
}
