package orgsrv

import (
	"cmp"
	"net/http"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = awstest.JSON11("organizations", "AWSOrganizationsV20161128.")

// Service is Organizations for awstest.Start.
var Service = awstest.JSONService(awstest.Organizations, proto, func(req *request) awstest.Op {
	return awstest.Op{Continuation: req.NextToken != "", Resource: req.PolicyID + req.ParentID}
}, func(w *awstest.World) awstest.JSONServe[request] { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type request struct {
	ParentID         string `json:"ParentId"`
	PolicyID         string `json:"PolicyId"`
	Filter           string
	ServicePrincipal string
	NextToken        string
	MaxResults       int
}

// joined is the fixed join date loopback accounts report (epoch seconds).
const joined = 1704067200

func (s *server) serve(rw http.ResponseWriter, op string, c awstest.Caller, req *request) {
	o := s.w.Snapshot.Organization
	if !awstest.InOrganization(o, c.Account) {
		proto.Fail(rw, awstest.Errorf(400, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."))
		return
	}
	if op != "DescribeOrganization" && c.Account != o.ManagementAccountID {
		proto.Fail(rw, awstest.Errorf(400, "AccessDeniedException", "You don't have permissions to access this resource."))
		return
	}
	switch op {
	case "DescribeOrganization":
		s.describeOrganization(rw, o)
	case "ListRoots":
		var types []map[string]string
		for _, t := range o.EnabledPolicyTypes {
			types = append(types, map[string]string{"Type": t, "Status": "ENABLED"})
		}
		awstest.WriteJSON(rw, proto.ContentType, map[string]any{"Roots": []map[string]any{{
			"Id": o.RootID, "Arn": s.arn(o, "root", o.RootID), "Name": "Root", "PolicyTypes": types}}})
	case "ListOrganizationalUnitsForParent":
		s.page(rw, "OrganizationalUnits", listWhere(o.OrganizationalUnits, func(ou snapshot.OrganizationalUnit) bool { return ou.ParentID == req.ParentID },
			func(ou snapshot.OrganizationalUnit) map[string]string {
				return map[string]string{"Id": ou.ID, "Arn": s.arn(o, "ou", ou.ID), "Name": ou.Name}
			}), req)
	case "ListAccountsForParent":
		s.page(rw, "Accounts", listWhere(o.Members, func(m snapshot.OrgAccount) bool { return m.ParentID == req.ParentID },
			func(m snapshot.OrgAccount) map[string]any { return s.account(o, m) }), req)
	case "ListPolicies":
		s.page(rw, "Policies", listWhere(o.Policies, func(p snapshot.OrgPolicy) bool { return p.Type == req.Filter },
			func(p snapshot.OrgPolicy) map[string]any { return s.summary(o, p) }), req)
	case "DescribePolicy":
		p := s.policy(o, req.PolicyID)
		if p == nil {
			proto.Fail(rw, awstest.Errorf(400, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified."))
			return
		}
		awstest.WriteJSON(rw, proto.ContentType, map[string]any{"Policy": map[string]any{"PolicySummary": s.summary(o, *p), "Content": string(p.Document.Document)}})
	case "ListTargetsForPolicy":
		p := s.policy(o, req.PolicyID)
		if p == nil {
			proto.Fail(rw, awstest.Errorf(400, "PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified."))
			return
		}
		var ts []map[string]string
		for _, t := range p.Targets {
			ts = append(ts, s.target(o, t))
		}
		s.page(rw, "Targets", ts, req)
	case "ListAWSServiceAccessForOrganization":
		var sps []map[string]any
		for _, sp := range o.EnabledServicePrincipals {
			sps = append(sps, map[string]any{"ServicePrincipal": sp, "DateEnabled": joined})
		}
		s.page(rw, "EnabledServicePrincipals", sps, req)
	case "ListDelegatedAdministrators":
		var das []map[string]any
		for _, d := range o.DelegatedAdministrators {
			if req.ServicePrincipal != "" && d.ServicePrincipal != req.ServicePrincipal {
				continue
			}
			m := snapshot.OrgAccount{ID: d.AccountID, Status: "ACTIVE"}
			for _, mm := range o.Members {
				if mm.ID == d.AccountID {
					m = mm
				}
			}
			a := s.account(o, m)
			a["DelegationEnabledDate"] = joined
			das = append(das, a)
		}
		s.page(rw, "DelegatedAdministrators", das, req)
	default:
		proto.Fail(rw, awstest.Errorf(400, "UnknownOperationException", "unknown operation %s", op))
	}
}

func page[T any](s *server, rw http.ResponseWriter, key string, items []T, req *request) {
	out, ae := awstest.JSONPage(s.w, items, key, "NextToken", req.NextToken, req.MaxResults, 20)
	if ae != nil {
		proto.Fail(rw, ae)
		return
	}
	awstest.WriteJSON(rw, proto.ContentType, out)
}

func (s *server) page(rw http.ResponseWriter, key string, items any, req *request) {
	switch v := items.(type) {
	case []map[string]string:
		page(s, rw, key, v, req)
	case []map[string]any:
		page(s, rw, key, v, req)
	}
}

func (s *server) arn(o *snapshot.Organization, kind, id string) string {
	p := s.w.PartitionName()
	switch kind {
	case "root":
		return "arn:" + p + ":organizations::" + o.ManagementAccountID + ":root/" + o.ID + "/" + id
	case "ou":
		return "arn:" + p + ":organizations::" + o.ManagementAccountID + ":ou/" + o.ID + "/" + id
	default:
		return "arn:" + p + ":organizations::" + o.ManagementAccountID + ":account/" + o.ID + "/" + id
	}
}

func (s *server) describeOrganization(rw http.ResponseWriter, o *snapshot.Organization) {
	arn := o.ARN
	if arn == "" {
		arn = "arn:" + s.w.PartitionName() + ":organizations::" + o.ManagementAccountID + ":organization/" + o.ID
	}
	fs := cmp.Or(o.FeatureSet, "ALL")
	awstest.WriteJSON(rw, proto.ContentType, map[string]any{"Organization": map[string]any{
		"Id": o.ID, "Arn": arn, "FeatureSet": fs,
		"MasterAccountArn":   s.arn(o, "account", o.ManagementAccountID),
		"MasterAccountId":    o.ManagementAccountID,
		"MasterAccountEmail": "management@example.com",
	}})
}

func (s *server) account(o *snapshot.Organization, m snapshot.OrgAccount) map[string]any {
	status := cmp.Or(m.Status, "ACTIVE")
	// Account.Status was retired on 2026-09-09; AWS now sends State only.
	return map[string]any{"Id": m.ID, "Arn": s.arn(o, "account", m.ID), "Name": m.Name,
		"Email": m.ID + "@example.com", "State": status, "JoinedMethod": "CREATED", "JoinedTimestamp": joined}
}

func (s *server) policy(o *snapshot.Organization, id string) *snapshot.OrgPolicy {
	return awstest.Find(o.Policies, func(p *snapshot.OrgPolicy) bool { return p.ID == id })
}

func (s *server) summary(o *snapshot.Organization, p snapshot.OrgPolicy) map[string]any {
	arn := p.ARN
	if arn == "" {
		kind := "service_control_policy"
		if p.Type == snapshot.PolicyTypeRCP {
			kind = "resource_control_policy"
		}
		owner := o.ManagementAccountID + ":policy/" + o.ID
		if p.AWSManaged {
			owner = "aws:policy"
		}
		arn = "arn:" + s.w.PartitionName() + ":organizations::" + owner + "/" + kind + "/" + p.ID
	}
	return map[string]any{"Id": p.ID, "Arn": arn, "Name": p.Name, "Type": p.Type, "AwsManaged": p.AWSManaged}
}

func (s *server) target(o *snapshot.Organization, id string) map[string]string {
	switch {
	case strings.HasPrefix(id, "r-"):
		return map[string]string{"TargetId": id, "Arn": s.arn(o, "root", id), "Name": "Root", "Type": "ROOT"}
	case strings.HasPrefix(id, "ou-"):
		name := ""
		for _, ou := range o.OrganizationalUnits {
			if ou.ID == id {
				name = ou.Name
			}
		}
		return map[string]string{"TargetId": id, "Arn": s.arn(o, "ou", id), "Name": name, "Type": "ORGANIZATIONAL_UNIT"}
	default:
		name := ""
		for _, m := range o.Members {
			if m.ID == id {
				name = m.Name
			}
		}
		return map[string]string{"TargetId": id, "Arn": s.arn(o, "account", id), "Name": name, "Type": "ACCOUNT"}
	}
}

// listWhere is the entries of a list operation: each item that keep
// accepts, as entry writes it.
func listWhere[T, E any](items []T, keep func(T) bool, entry func(T) E) []E {
	var out []E
	for _, it := range items {
		if keep(it) {
			out = append(out, entry(it))
		}
	}
	return out
}
