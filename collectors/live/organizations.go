package live

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// delegatedServices are the services whose delegated administrators the
// rules need: CloudTrail (CT01: a delegated admin may create the
// organization trail) and GuardDuty (GD01: the admin exports findings).
var delegatedServices = []string{"cloudtrail.amazonaws.com", "guardduty.amazonaws.com"}

// collectOrganization reads the organization when the caller can. It
// returns nil and the reason when it cannot, which puts the run in
// single-account mode. A caller outside any organization is not an error;
// a caller that may not read the organization it belongs to is, since SCPs
// and RCPs then cannot be proven.
func (c *collector) collectOrganization(ctx context.Context) (*snapshot.Organization, string) {
	cl := organizations.NewFromConfig(c.base)
	d, err := cl.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	if err != nil {
		if isCode(err, "AWSOrganizationsNotInUseException") {
			return nil, "the account is not a member of an organization"
		}
		c.fail("", "", "organizations", "DescribeOrganization", "", err)
		return nil, "cannot describe the organization (" + errorCode(err) + ")"
	}
	o := &snapshot.Organization{ID: aws.ToString(d.Organization.Id), ARN: aws.ToString(d.Organization.Arn),
		ManagementAccountID: aws.ToString(d.Organization.MasterAccountId), FeatureSet: string(d.Organization.FeatureSet)}
	mgmt := o.ManagementAccountID
	roots, err := cl.ListRoots(ctx, &organizations.ListRootsInput{})
	if err != nil || len(roots.Roots) == 0 {
		if err == nil {
			err = errors.New("no root")
		}
		// Only the management account (or a delegated administrator) may
		// walk the organization; a member account gets AccessDenied here.
		c.fail(mgmt, "", "organizations", "ListRoots", o.ID, err)
		return nil, "organization " + o.ID + " cannot be read from this account (" + errorCode(err) + "); its SCPs and RCPs are unknown"
	}
	root := roots.Roots[0]
	o.RootID = aws.ToString(root.Id)
	for _, pt := range root.PolicyTypes {
		if pt.Status == orgtypes.PolicyTypeStatusEnabled {
			o.EnabledPolicyTypes = append(o.EnabledPolicyTypes, string(pt.Type))
		}
	}
	// Walk the OU tree breadth-first: per parent, its OUs and its accounts.
	queue := []string{o.RootID}
	for len(queue) > 0 {
		parent := queue[0]
		queue = queue[1:]
		ous := organizations.NewListOrganizationalUnitsForParentPaginator(cl, &organizations.ListOrganizationalUnitsForParentInput{ParentId: aws.String(parent)})
		eachPage(ctx, c, ous, call{mgmt, "", "organizations", "ListOrganizationalUnitsForParent", parent}, func(page *organizations.ListOrganizationalUnitsForParentOutput) {
			for _, ou := range page.OrganizationalUnits {
				o.OrganizationalUnits = append(o.OrganizationalUnits, snapshot.OrganizationalUnit{ID: aws.ToString(ou.Id), Name: aws.ToString(ou.Name), ParentID: parent})
				queue = append(queue, aws.ToString(ou.Id))
			}
		})
		accts := organizations.NewListAccountsForParentPaginator(cl, &organizations.ListAccountsForParentInput{ParentId: aws.String(parent)})
		eachPage(ctx, c, accts, call{mgmt, "", "organizations", "ListAccountsForParent", parent}, func(page *organizations.ListAccountsForParentOutput) {
			for _, a := range page.Accounts {
				// Organizations retired Account.Status on 2026-09-09 in favour
				// of State (same values plus PENDING_ACTIVATION and CLOSED);
				// Status is read only from endpoints that still send it.
				status := string(a.State)
				if status == "" {
					status = string(a.Status)
				}
				o.Members = append(o.Members, snapshot.OrgAccount{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Status: status, ParentID: parent})
			}
		})
	}
	for _, typ := range []orgtypes.PolicyType{orgtypes.PolicyTypeServiceControlPolicy, orgtypes.PolicyTypeResourceControlPolicy} {
		ps := organizations.NewListPoliciesPaginator(cl, &organizations.ListPoliciesInput{Filter: typ})
		eachPage(ctx, c, ps, call{mgmt, "", "organizations", "ListPolicies", string(typ)}, func(page *organizations.ListPoliciesOutput) {
			for _, p := range page.Policies {
				o.Policies = append(o.Policies, c.orgPolicy(ctx, cl, mgmt, p))
			}
		})
	}
	sps := organizations.NewListAWSServiceAccessForOrganizationPaginator(cl, &organizations.ListAWSServiceAccessForOrganizationInput{})
	eachPage(ctx, c, sps, call{mgmt, "", "organizations", "ListAWSServiceAccessForOrganization", o.ID}, func(page *organizations.ListAWSServiceAccessForOrganizationOutput) {
		for _, sp := range page.EnabledServicePrincipals {
			o.EnabledServicePrincipals = append(o.EnabledServicePrincipals, aws.ToString(sp.ServicePrincipal))
		}
	})
	for _, svc := range delegatedServices {
		das := organizations.NewListDelegatedAdministratorsPaginator(cl, &organizations.ListDelegatedAdministratorsInput{ServicePrincipal: aws.String(svc)})
		eachPage(ctx, c, das, call{mgmt, "", "organizations", "ListDelegatedAdministrators", svc}, func(page *organizations.ListDelegatedAdministratorsOutput) {
			for _, da := range page.DelegatedAdministrators {
				o.DelegatedAdministrators = append(o.DelegatedAdministrators, snapshot.DelegatedAdministrator{AccountID: aws.ToString(da.Id), ServicePrincipal: svc})
			}
		})
	}
	return o, ""
}

func (c *collector) orgPolicy(ctx context.Context, cl *organizations.Client, mgmt string, p orgtypes.PolicySummary) snapshot.OrgPolicy {
	op := snapshot.OrgPolicy{ID: aws.ToString(p.Id), Name: aws.ToString(p.Name), ARN: aws.ToString(p.Arn), Type: string(p.Type), AWSManaged: p.AwsManaged}
	d, err := cl.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: p.Id})
	if !c.fail(mgmt, "", "organizations", "DescribePolicy", op.ID, err) && d.Policy != nil {
		if doc, ok := document(aws.ToString(d.Policy.Content)); ok {
			op.Document = snapshot.Policy{Document: doc}
		}
	}
	if op.Document.Document == nil {
		// The model requires a document; an unreadable one is an empty
		// policy whose absence the collection error explains.
		op.Document = snapshot.Policy{Document: json.RawMessage(`{}`)}
	}
	ts := organizations.NewListTargetsForPolicyPaginator(cl, &organizations.ListTargetsForPolicyInput{PolicyId: p.Id})
	eachPage(ctx, c, ts, call{mgmt, "", "organizations", "ListTargetsForPolicy", op.ID}, func(page *organizations.ListTargetsForPolicyOutput) {
		for _, t := range page.Targets {
			op.Targets = append(op.Targets, aws.ToString(t.TargetId))
		}
	})
	return op
}
