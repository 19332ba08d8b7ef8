// Package orgformation reads org-formation templates (the landing-zone
// tool of https://github.com/org-formation/org-formation-cli) the way its
// CLI deploys them: the organization file (OC::ORG:: accounts, OUs, root,
// service control policies) gives account IDs and the organization tree,
// and every resource's OrganizationBinding names the accounts and Regions
// it is created in. Each bound (account, Region) becomes one CloudFormation
// template, with references to organization resources (!Ref
// SecurityAccount, !GetAtt MasterAccount.RootEmail) replaced by their
// values, read by collectors/cfn as a stack in that account, so that the
// snapshot holds each resource where org-formation puts it.
package orgformation
