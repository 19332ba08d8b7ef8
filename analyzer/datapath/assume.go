package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// VendorPrincipal is the principal the vendor assumes the connector role
// from: the connector file's trusted_principal, else the one its vendor's
// guide names (Radiant R6), "" when neither does.
func VendorPrincipal(conn *connector.Connector) string {
	if conn == nil {
		return ""
	}
	if conn.TrustedPrincipal != "" {
		return conn.TrustedPrincipal
	}
	return profiles.TrustedPrincipal(conn.Profile)
}

// assumes are the sts:AssumeRole requests of a connector: the vendor's of
// the connector role (whoever names the vendor's principal: the connector
// file or the guide), and, where the guide has the main role read other
// accounts through a role in each (Radiant R8, require.member_roles), the
// main role's of each member role, with the external ID the connector
// gives. ask answers each.
func (ix *index) assumes(conn *connector.Connector, ask func(principal, action, resource string, ctx map[string][]string) *Answer) (vendor, members []Request) {
	if conn == nil {
		return nil, nil
	}
	main := ix.roles[conn.Role]
	if main == nil {
		return nil, nil
	}
	roleTarget := func(r *owned[snapshot.Role]) Target {
		return Target{ID: r.V.ARN, Type: "AWS::IAM::Role", Account: r.Account}
	}
	if p := VendorPrincipal(conn); p != "" {
		ctx := vendorAssumeContext(p, conn.ExternalID)
		vendor = []Request{{Reader: p, Action: "sts:AssumeRole", Resource: main.V.ARN, Context: ctx,
			On: roleTarget(main), Answer: ask(p, "sts:AssumeRole", main.V.ARN, ctx)}}
	}
	if !profiles.Demands(conn.Profile, "member_roles") {
		return vendor, nil
	}
	for _, m := range ix.memberRoles(main) {
		ctx := ix.principalContext(main.V.ARN)
		if conn.ExternalID != "" {
			ctx["sts:ExternalId"] = []string{conn.ExternalID}
		}
		members = append(members, Request{Reader: main.V.ARN, Action: "sts:AssumeRole", Resource: m.V.ARN, Context: ctx,
			On: roleTarget(m), Answer: ask(main.V.ARN, "sts:AssumeRole", m.V.ARN, ctx)})
	}
	return vendor, members
}

// memberRoles are the roles of other accounts than main's that may be the
// member roles a guide has the main role assume: named like it, named in
// one of its policies (its sts:AssumeRole resources), or naming it in
// their trust policy. The guide's rules choose among these (rego/lib
// guide_accounts.rego member_roles); this is a superset of their choice,
// found by name and text, so that each is asked once here. Sorted by ARN.
func (ix *index) memberRoles(main *owned[snapshot.Role]) []*owned[snapshot.Role] {
	var docs []string
	for _, p := range main.V.InlinePolicies {
		docs = append(docs, policyText(p.Document))
	}
	for _, arn := range main.V.AttachedPolicyARNs {
		if mp, ok := ix.managed[arn]; ok {
			docs = append(docs, policyText(mp.Document))
		}
	}
	named := func(arn string) bool {
		return slices.ContainsFunc(docs, func(d string) bool { return strings.Contains(d, `"`+arn+`"`) })
	}
	var out []*owned[snapshot.Role]
	for _, r := range ix.roles {
		if r.Account == main.Account {
			continue
		}
		trust := ""
		if r.V.TrustPolicy != nil {
			trust = policyText(r.V.TrustPolicy.Document)
		}
		if strings.EqualFold(r.V.Name, main.V.Name) || named(r.V.ARN) || strings.Contains(trust, `"`+main.V.ARN+`"`) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b *owned[snapshot.Role]) int { return strings.Compare(a.V.ARN, b.V.ARN) })
	return out
}

// policyText is a policy document's JSON with "\/" unescaped, so that an
// ARN is found in it as written.
func policyText(doc []byte) string {
	return strings.ReplaceAll(string(doc), `\/`, `/`)
}
