package live

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectIAM reads every role and the managed policies in use with one
// paginated GetAccountAuthorizationDetails, instead of ListRoles plus
// three calls per role.
func (c *collector) collectIAM(ctx context.Context, cfg aws.Config, a *snapshot.Account) {
	cl := iam.NewFromConfig(cfg)
	p := iam.NewGetAccountAuthorizationDetailsPaginator(cl, &iam.GetAccountAuthorizationDetailsInput{
		Filter: []iamtypes.EntityType{iamtypes.EntityTypeRole, iamtypes.EntityTypeUser, iamtypes.EntityTypeLocalManagedPolicy, iamtypes.EntityTypeAWSManagedPolicy},
	})
	if !eachPage(ctx, c, p, call{a.ID, "", "iam", "GetAccountAuthorizationDetails", ""}, func(page *iam.GetAccountAuthorizationDetailsOutput) {
		for _, r := range page.RoleDetailList {
			a.Roles = append(a.Roles, c.role(a.ID, r))
			a.InstanceProfiles = append(a.InstanceProfiles, instanceProfiles(r)...)
		}
		for _, u := range page.UserDetailList {
			a.Users = append(a.Users, c.user(a.ID, u))
		}
		for _, mp := range page.Policies {
			// The AWSManagedPolicy filter returns only AWS managed policies
			// in use in the account (inf); keep, likewise, customer policies
			// attached somewhere or used as a boundary.
			if aws.ToInt32(mp.AttachmentCount) == 0 && aws.ToInt32(mp.PermissionsBoundaryUsageCount) == 0 {
				continue
			}
			m := snapshot.ManagedPolicy{ARN: aws.ToString(mp.Arn), Name: aws.ToString(mp.PolicyName),
				AWSManaged: strings.HasPrefix(aws.ToString(mp.Arn), "arn:"+c.partN+":iam::aws:policy/")}
			for _, v := range mp.PolicyVersionList {
				if v.IsDefaultVersion {
					if doc, ok := iamDocument(aws.ToString(v.Document)); ok {
						m.Document = doc
					}
				}
			}
			if m.Document == nil {
				c.record(snapshot.CollectionError{Account: a.ID, Service: "iam", Operation: "GetAccountAuthorizationDetails",
					Resource: m.ARN, Code: "MalformedPolicyDocument", Message: "default version's document missing or not JSON"})
				continue
			}
			a.ManagedPolicies = append(a.ManagedPolicies, m)
		}
	}) {
		return
	}
	c.collectAccessKeys(ctx, cl, a)
}

func (c *collector) role(account string, r iamtypes.RoleDetail) snapshot.Role {
	role := snapshot.Role{Name: aws.ToString(r.RoleName), ARN: aws.ToString(r.Arn), Path: aws.ToString(r.Path), RoleID: aws.ToString(r.RoleId)}
	if r.AssumeRolePolicyDocument != nil {
		if doc, ok := iamDocument(*r.AssumeRolePolicyDocument); ok {
			role.TrustPolicy = &snapshot.Policy{Document: doc}
		} else {
			c.record(snapshot.CollectionError{Account: account, Service: "iam", Operation: "GetAccountAuthorizationDetails",
				Resource: role.ARN, Code: "MalformedPolicyDocument", Message: "trust policy is not JSON"})
		}
	}
	role.InlinePolicies, role.AttachedPolicyARNs, role.PermissionsBoundaryARN = c.principalPolicies(account, role.ARN, r.RolePolicyList, r.AttachedManagedPolicies, r.PermissionsBoundary)
	for _, t := range r.Tags {
		if role.Tags == nil {
			role.Tags = map[string]string{}
		}
		role.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return role
}
