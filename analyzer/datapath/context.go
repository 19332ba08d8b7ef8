package datapath

// The request context of every question a path asks is assembled here and
// in analyzer/authz, which the questions are asked through:
//
//   - analyzer/iam derives from the principal and resource ARNs
//     aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalIsAWSService,
//     aws:PrincipalServiceName, aws:PrincipalType, aws:username and
//     aws:ResourceAccount;
//   - analyzer/authz adds what the snapshot knows: aws:PrincipalArn with
//     the role's path, aws:PrincipalOrgID, aws:PrincipalOrgPaths,
//     aws:ResourceOrgID, aws:ResourceOrgPaths (snapshot.Organization
//     .OrgContext, which the loopback test servers use too),
//     aws:RequestedRegion (the resource's region) and aws:SecureTransport;
//   - this file names what a given call sends besides: a service
//     principal's aws:SourceArn and aws:SourceAccount (serviceContext), a
//     role session's keys (principalContext), and each hop adds the
//     call's own keys (s3:x-amz-acl, the SSE headers, kms:ViaService,
//     kms:CallerAccount, kms:EncryptionContext:…, sts:ExternalId).
//
// A key set here wins over a derived one, so the question shows what the
// call sends.

// serviceContext is the request context AWS sends when a service principal
// acts for a resource: aws:SourceArn and aws:SourceAccount name the
// resource
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn).
// aws:PrincipalOrgID and aws:PrincipalAccount are absent for service
// principals, which is why a PrincipalOrgID deny without an
// aws:PrincipalIsAWSService exemption stops service writers.
func serviceContext(principal, sourceARN, sourceAccount string) map[string][]string {
	return map[string][]string{
		"aws:PrincipalIsAWSService": {"true"},
		"aws:PrincipalServiceName":  {principal},
		"aws:SourceArn":             {sourceARN},
		"aws:SourceAccount":         {sourceAccount},
		"aws:SecureTransport":       {"true"},
	}
}

// principalContext is what AWS sends about a role session's principal.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func (b *builder) principalContext(roleARN string) map[string][]string {
	account := accountOf(roleARN)
	ctx := map[string][]string{
		"aws:PrincipalArn":          {roleARN},
		"aws:PrincipalAccount":      {account},
		"aws:PrincipalIsAWSService": {"false"},
		"aws:PrincipalType":         {principalType(roleARN)},
		"aws:SecureTransport":       {"true"},
	}
	if b.ix.orgID != "" && b.ix.members[account] {
		ctx["aws:PrincipalOrgID"] = []string{b.ix.orgID}
	}
	return ctx
}
