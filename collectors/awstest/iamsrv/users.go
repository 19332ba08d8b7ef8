package iamsrv

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

type userDetail struct {
	Path                    string
	UserName                string
	UserID                  string `xml:"UserId"`
	Arn                     string
	CreateDate              string
	UserPolicyList          []member  `xml:"UserPolicyList>member"`
	GroupList               []string  `xml:"GroupList>member"`
	AttachedManagedPolicies []member  `xml:"AttachedManagedPolicies>member"`
	PermissionsBoundary     *boundary `xml:",omitempty"`
}

type instanceProfile struct {
	Path                string
	InstanceProfileName string
	InstanceProfileID   string `xml:"InstanceProfileId"`
	Arn                 string
	CreateDate          string
	Roles               []roleRef `xml:"Roles>member"`
}

type roleRef struct {
	Path       string
	RoleName   string
	RoleID     string `xml:"RoleId"`
	Arn        string
	CreateDate string
}

func userOf(u snapshot.User) userDetail {
	d := userDetail{Path: u.Path, UserName: u.Name, UserID: awstest.UniqueID("AIDA", u.ARN), Arn: u.ARN, CreateDate: created,
		GroupList: u.Groups}
	if d.Path == "" {
		d.Path = "/"
	}
	d.UserPolicyList, d.AttachedManagedPolicies, d.PermissionsBoundary = policyLists(u.InlinePolicies, u.AttachedPolicyARNs, u.PermissionsBoundaryARN)
	return d
}

// policyLists are a role's or user's inline policies, attached managed
// policies and permissions boundary as GetAccountAuthorizationDetails
// lists them.
func policyLists(inline []snapshot.NamedPolicy, attached []string, boundaryARN string) (inl, att []member, b *boundary) {
	for _, p := range inline {
		inl = append(inl, member{PolicyName: p.Name, PolicyDocument: encode(p.Document)})
	}
	for _, arn := range attached {
		att = append(att, member{PolicyName: arn[strings.LastIndex(arn, "/")+1:], PolicyArn: arn})
	}
	if boundaryARN != "" {
		b = &boundary{"Policy", boundaryARN}
	}
	return inl, att, b
}

// profilesOf lists the instance profiles holding r, as RoleDetail's
// InstanceProfileList does.
func profilesOf(a *snapshot.Account, r snapshot.Role) []instanceProfile {
	var out []instanceProfile
	for _, p := range a.InstanceProfiles {
		if !slices.Contains(p.RoleARNs, r.ARN) {
			continue
		}
		res := p.ARN[strings.Index(p.ARN, ":instance-profile")+len(":instance-profile"):]
		path := res[:strings.LastIndex(res, "/")+1]
		rp := cmp.Or(r.Path, "/")
		out = append(out, instanceProfile{Path: path, InstanceProfileName: p.Name, InstanceProfileID: awstest.UniqueID("AIPA", p.ARN),
			Arn: p.ARN, CreateDate: created, Roles: []roleRef{{Path: rp, RoleName: r.Name, RoleID: awstest.UniqueID("AROA", r.ARN), Arn: r.ARN, CreateDate: created}}})
	}
	return out
}

type accessKeyMetadata struct {
	UserName    string
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string
	CreateDate  string
}

type accessKeys struct {
	AccessKeyMetadata []accessKeyMetadata `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool
	Marker            string `xml:",omitempty"`
}

// accessKeys answers ListAccessKeys: the metadata of a user's keys (never
// a secret; IAM returns none here either).
func (s *server) accessKeys(rw http.ResponseWriter, c awstest.Caller, form url.Values) {
	name := form.Get("UserName")
	a := s.w.Account(c.Account)
	var user *snapshot.User
	if a != nil {
		for i := range a.Users {
			if a.Users[i].Name == name {
				user = &a.Users[i]
			}
		}
	}
	if user == nil {
		proto.Fail(rw, awstest.Errorf(404, "NoSuchEntity", "The user with name %s cannot be found.", name))
		return
	}
	max, _ := strconv.Atoi(form.Get("MaxItems"))
	start, end, next, ae := s.w.Page(len(user.AccessKeys), form.Get("Marker"), max, 100)
	if ae != nil {
		proto.Fail(rw, ae)
		return
	}
	var out accessKeys
	for _, k := range user.AccessKeys[start:end] {
		id := k.ID
		if id == "" || snapshot.IsUnknown(id) {
			id = "AKIA" + awstest.UniqueID("", user.ARN+k.ID)[:16]
		}
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, accessKeyMetadata{UserName: name, AccessKeyID: id, Status: k.Status, CreateDate: created})
	}
	out.IsTruncated, out.Marker = next != "", next
	proto.Answer(rw, "ListAccessKeys", out)
}
