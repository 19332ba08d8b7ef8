package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// user turns a GetAccountAuthorizationDetails user into the model: a
// connector may authenticate as an IAM user (SkyFormation "Basic").
func (c *collector) user(account string, u iamtypes.UserDetail) snapshot.User {
	user := snapshot.User{Name: aws.ToString(u.UserName), ARN: aws.ToString(u.Arn), Path: aws.ToString(u.Path)}
	if len(u.GroupList) > 0 {
		user.Groups = u.GroupList
	}
	user.InlinePolicies, user.AttachedPolicyARNs, user.PermissionsBoundaryARN = c.principalPolicies(account, user.ARN, u.UserPolicyList, u.AttachedManagedPolicies, u.PermissionsBoundary)
	return user
}

// principalPolicies turns a role's or user's policies, as
// GetAccountAuthorizationDetails lists them, into the model: the inline
// policies (one that is not JSON is recorded as a collection error
// against principalARN and left out), the attached managed policy ARNs and
// the permissions boundary ARN.
func (c *collector) principalPolicies(account, principalARN string, inline []iamtypes.PolicyDetail, attached []iamtypes.AttachedPolicy,
	boundary *iamtypes.AttachedPermissionsBoundary) (policies []snapshot.NamedPolicy, attachedARNs []string, boundaryARN string) {
	for _, p := range inline {
		if doc, ok := iamDocument(aws.ToString(p.PolicyDocument)); ok {
			policies = append(policies, snapshot.NamedPolicy{Name: aws.ToString(p.PolicyName), Policy: snapshot.Policy{Document: doc}})
		} else {
			c.record(snapshot.CollectionError{Account: account, Service: "iam", Operation: "GetAccountAuthorizationDetails",
				Resource: principalARN, Code: "MalformedPolicyDocument", Message: "inline policy " + aws.ToString(p.PolicyName) + " is not JSON"})
		}
	}
	for _, ap := range attached {
		attachedARNs = append(attachedARNs, aws.ToString(ap.PolicyArn))
	}
	if boundary != nil {
		boundaryARN = aws.ToString(boundary.PermissionsBoundaryArn)
	}
	return policies, attachedARNs, boundaryARN
}

// instanceProfiles lists the instance profiles a role detail names (an EC2
// host acting as the role: SkyFormation "InstanceProfile").
func instanceProfiles(r iamtypes.RoleDetail) []snapshot.InstanceProfile {
	var out []snapshot.InstanceProfile
	for _, p := range r.InstanceProfileList {
		ip := snapshot.InstanceProfile{Name: aws.ToString(p.InstanceProfileName), ARN: aws.ToString(p.Arn)}
		for _, ro := range p.Roles {
			ip.RoleARNs = append(ip.RoleARNs, aws.ToString(ro.Arn))
		}
		out = append(out, ip)
	}
	return out
}

// collectAccessKeys reads each user's access key metadata (ID and status;
// ListAccessKeys never returns a secret). Instance profiles shared by
// several role details are kept once.
func (c *collector) collectAccessKeys(ctx context.Context, cl *iam.Client, a *snapshot.Account) {
	seen := map[string]bool{}
	profiles := a.InstanceProfiles[:0]
	for _, p := range a.InstanceProfiles {
		if !seen[p.ARN] {
			seen[p.ARN] = true
			profiles = append(profiles, p)
		}
	}
	a.InstanceProfiles = profiles
	for i := range a.Users {
		u := &a.Users[i]
		p := iam.NewListAccessKeysPaginator(cl, &iam.ListAccessKeysInput{UserName: aws.String(u.Name)})
		eachPage(ctx, c, p, call{a.ID, "", "iam", "ListAccessKeys", u.ARN}, func(page *iam.ListAccessKeysOutput) {
			for _, k := range page.AccessKeyMetadata {
				u.AccessKeys = append(u.AccessKeys, snapshot.AccessKey{ID: aws.ToString(k.AccessKeyId), Status: string(k.Status)})
			}
		})
	}
}
