package iamsrv

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = &awstest.QueryProtocol{Service: "iam", Xmlns: "https://iam.amazonaws.com/doc/2010-05-08/", Version: "2010-05-08"}

// Service is IAM for awstest.Start.
var Service = awstest.QueryService(awstest.IAM, proto, describe, func(w *awstest.World) awstest.QueryServe { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

// created is the fixed timestamp loopback entities report; trailgate does
// not model creation dates.
const created = "2024-01-01T00:00:00Z"

// describe is what the call log and the authorizer know of a call.
func describe(form url.Values) awstest.Op {
	return awstest.Op{Continuation: form.Get("Marker") != ""}
}

func (s *server) serve(rw http.ResponseWriter, action string, c awstest.Caller, form url.Values) {
	switch action {
	case "GetAccountAuthorizationDetails":
		s.details(rw, c, form)
	case "ListAccessKeys":
		s.accessKeys(rw, c, form)
	default:
		proto.UnknownAction(rw, action)
	}
}

type member struct {
	PolicyName     string `xml:",omitempty"`
	PolicyArn      string `xml:",omitempty"`
	PolicyDocument string `xml:",omitempty"`
}

type tag struct{ Key, Value string }

type boundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

type roleDetail struct {
	Path                     string
	RoleName                 string
	RoleID                   string `xml:"RoleId"`
	Arn                      string
	CreateDate               string
	AssumeRolePolicyDocument string            `xml:",omitempty"`
	RolePolicyList           []member          `xml:"RolePolicyList>member"`
	AttachedManagedPolicies  []member          `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary      *boundary         `xml:",omitempty"`
	Tags                     []tag             `xml:"Tags>member"`
	InstanceProfileList      []instanceProfile `xml:"InstanceProfileList>member"`
}

type policyVersion struct {
	Document         string
	VersionID        string `xml:"VersionId"`
	IsDefaultVersion bool
	CreateDate       string
}

type policyDetail struct {
	PolicyName                    string
	PolicyID                      string `xml:"PolicyId"`
	Arn                           string
	Path                          string
	DefaultVersionID              string `xml:"DefaultVersionId"`
	AttachmentCount               int
	PermissionsBoundaryUsageCount int
	IsAttachable                  bool
	CreateDate                    string
	UpdateDate                    string
	PolicyVersionList             []policyVersion `xml:"PolicyVersionList>member"`
}

type details struct {
	UserDetailList []userDetail   `xml:"UserDetailList>member"`
	RoleDetailList []roleDetail   `xml:"RoleDetailList>member"`
	Policies       []policyDetail `xml:"Policies>member"`
	IsTruncated    bool
	Marker         string `xml:",omitempty"`
}

// encode URL-encodes a policy document as IAM does (RFC 3986).
func encode(doc []byte) string {
	return strings.ReplaceAll(url.QueryEscape(string(doc)), "+", "%20")
}

func (s *server) details(rw http.ResponseWriter, c awstest.Caller, form url.Values) {
	filter := map[string]bool{}
	for _, f := range awstest.ListParam(form, "Filter") {
		filter[f] = true
	}
	all := len(filter) == 0
	a := s.w.Account(c.Account)
	var entries []any
	if a != nil {
		if all || filter["User"] {
			for _, u := range a.Users {
				entries = append(entries, userOf(u))
			}
		}
		if all || filter["Role"] {
			for _, r := range a.Roles {
				entries = append(entries, roleOf(a, r))
			}
		}
		for _, p := range a.ManagedPolicies {
			aws := strings.HasPrefix(p.ARN, "arn:"+s.w.PartitionName()+":iam::aws:policy/")
			if all || aws && filter["AWSManagedPolicy"] || !aws && filter["LocalManagedPolicy"] {
				entries = append(entries, policyOf(a, p))
			}
		}
	}
	max, _ := strconv.Atoi(form.Get("MaxItems"))
	start, end, next, ae := s.w.Page(len(entries), form.Get("Marker"), max, 100)
	if ae != nil {
		proto.Fail(rw, ae)
		return
	}
	var out details
	for _, e := range entries[start:end] {
		switch e := e.(type) {
		case userDetail:
			out.UserDetailList = append(out.UserDetailList, e)
		case roleDetail:
			out.RoleDetailList = append(out.RoleDetailList, e)
		case policyDetail:
			out.Policies = append(out.Policies, e)
		}
	}
	out.IsTruncated, out.Marker = next != "", next
	proto.Answer(rw, "GetAccountAuthorizationDetails", out)
}

func roleOf(a *snapshot.Account, r snapshot.Role) roleDetail {
	d := roleDetail{Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, Arn: r.ARN, CreateDate: created}
	if d.Path == "" {
		d.Path = "/"
	}
	if d.RoleID == "" {
		d.RoleID = awstest.UniqueID("AROA", r.ARN)
	}
	if r.TrustPolicy != nil {
		d.AssumeRolePolicyDocument = encode(r.TrustPolicy.Document)
	}
	d.RolePolicyList, d.AttachedManagedPolicies, d.PermissionsBoundary = policyLists(r.InlinePolicies, r.AttachedPolicyARNs, r.PermissionsBoundaryARN)
	for _, k := range slices.Sorted(maps.Keys(r.Tags)) {
		d.Tags = append(d.Tags, tag{k, r.Tags[k]})
	}
	d.InstanceProfileList = profilesOf(a, r)
	return d
}

func policyOf(a *snapshot.Account, p snapshot.ManagedPolicy) policyDetail {
	res := p.ARN[strings.Index(p.ARN, ":policy")+len(":policy"):]
	path := res[:strings.LastIndex(res, "/")+1]
	name := p.Name
	if name == "" {
		name = res[strings.LastIndex(res, "/")+1:]
	}
	d := policyDetail{PolicyName: name, PolicyID: awstest.UniqueID("ANPA", p.ARN), Arn: p.ARN, Path: path,
		DefaultVersionID: "v1", IsAttachable: true, CreateDate: created, UpdateDate: created,
		PolicyVersionList: []policyVersion{{Document: encode(p.Document), VersionID: "v1", IsDefaultVersion: true, CreateDate: created}}}
	for _, u := range a.Users {
		for _, arn := range u.AttachedPolicyARNs {
			if arn == p.ARN {
				d.AttachmentCount++
			}
		}
	}
	for _, r := range a.Roles {
		for _, arn := range r.AttachedPolicyARNs {
			if arn == p.ARN {
				d.AttachmentCount++
			}
		}
		if r.PermissionsBoundaryARN == p.ARN {
			d.PermissionsBoundaryUsageCount++
		}
	}
	// A policy the snapshot lists but no role or user uses is attached to
	// a group, which the model does not hold.
	if d.AttachmentCount == 0 && d.PermissionsBoundaryUsageCount == 0 {
		d.AttachmentCount = 1
	}
	return d
}
