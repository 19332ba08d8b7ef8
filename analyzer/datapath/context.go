package datapath

import "github.com/trailgate/trailgate/collectors/snapshot"

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
func (ix *index) principalContext(roleARN string) map[string][]string {
	account := accountOf(roleARN)
	ctx := map[string][]string{
		"aws:PrincipalArn":          {roleARN},
		"aws:PrincipalAccount":      {account},
		"aws:PrincipalIsAWSService": {"false"},
		"aws:PrincipalType":         {principalType(roleARN)},
		"aws:SecureTransport":       {"true"},
	}
	if ix.orgID != "" && ix.members[account] {
		ctx["aws:PrincipalOrgID"] = []string{ix.orgID}
	}
	return ctx
}

// objectDecryptContext is the request context of a reader's kms:Decrypt
// when S3 decrypts an SSE-KMS log object in region on its behalf: the
// reader's principal keys, kms:ViaService and kms:CallerAccount, and the
// encryption context the object's data key was made under. S3 sends
// aws:s3:arn, the object ARN, or the bucket ARN when the bucket uses an S3
// Bucket Key (s3ContextARN); CloudTrail adds aws:cloudtrail:arn when the
// object is encrypted with the trail's own key (trail; "" for none)
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html,
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/encrypting-cloudtrail-log-files-with-aws-kms.html).
// Both the paths' read hops and Reads ask with it.
func (ix *index) objectDecryptContext(reader, region string, bucket *snapshot.Bucket, object, trail string) map[string][]string {
	ctx := ix.principalContext(reader)
	ctx["kms:ViaService"] = []string{"s3." + region + ".amazonaws.com"}
	ctx["kms:CallerAccount"] = []string{accountOf(reader)}
	if bucket != nil {
		ctx["kms:EncryptionContext:aws:s3:arn"] = []string{s3ContextARN(ix.partition, bucket, object)}
	}
	if trail != "" {
		ctx["kms:EncryptionContext:aws:cloudtrail:arn"] = []string{trail}
	}
	return ctx
}

// queueDecryptContext is the request context of a reader's kms:Decrypt
// when SQS decrypts a message of queueARN (in region) for its
// ReceiveMessage: the reader's principal keys, kms:ViaService,
// kms:CallerAccount, and the queue ARN SQS binds the data keys to as
// encryption context aws:sqs:arn (the context of SQS's GenerateDataKey and
// Decrypt calls, which key policies scope consumers with:
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html).
// Both the paths' reader hops and Reads ask with it.
func (ix *index) queueDecryptContext(reader, queueARN, region string) map[string][]string {
	ctx := ix.principalContext(reader)
	ctx["kms:ViaService"] = []string{"sqs." + region + ".amazonaws.com"}
	ctx["kms:CallerAccount"] = []string{accountOf(reader)}
	ctx["kms:EncryptionContext:aws:sqs:arn"] = []string{queueARN}
	return ctx
}
