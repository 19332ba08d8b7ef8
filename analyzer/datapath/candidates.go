package datapath

import (
	"strings"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/iam"
)

// inferredReaders are, without a connector file, who may read queue: the
// roles the authorization index says may be allowed on it
// (authz.Index.Candidates: its account's and those its policy can name;
// every other role is implicitly denied there), less the service-linked
// roles, that are allowed sqs:ReceiveMessage on it. Sorted by ARN. The
// answer is the index's, never decided here.
func (b *builder) inferredReaders(queue string) []string {
	if b.az == nil {
		return nil
	}
	if out, ok := b.inferred[queue]; ok {
		return out // every path to the queue asks
	}
	if b.inferred == nil {
		b.inferred = map[string][]string{}
	}
	var out []string
	defer func() { b.inferred[queue] = out }()
	for _, arn := range b.az.Candidates(queue) {
		r := b.ix.roles[arn]
		if r == nil || strings.HasPrefix(r.V.Path, "/aws-service-role/") {
			continue
		}
		if b.az.Authorize(authz.Request{Principal: arn, Action: "sqs:ReceiveMessage", Resource: queue}).Decision == iam.Allowed {
			out = append(out, arn)
		}
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
