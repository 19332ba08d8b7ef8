package datapath

import "github.com/trailgate/trailgate/analyzer/authz"

// AuthzAsker answers a path's questions with analyzer/authz, which
// assembles every policy that applies to the request (identity, resource,
// key, boundary, SCPs, RCPs) and asks the IAM evaluator.
func AuthzAsker(ix *authz.Index) Asker {
	return AskerFunc(func(q Question) Answer {
		return ix.Authorize(authz.Request{Principal: q.Principal, Action: q.Action, Resource: q.Resource, Context: q.Context})
	})
}
