package snapshot

import (
	"encoding/json"
	"fmt"
)

// What AWS gives a resource created without the setting. The IaC collectors
// (collectors/cfn, collectors/terraform) judge a template's or plan's new
// resource as the live one will be, and the test servers in
// collectors/awstest answer with the same values, so each default is
// written once, here, with the AWS documentation behind it.

// DefaultSSEAlgorithm is the default encryption of a new bucket: since 5
// January 2023 S3 encrypts every new bucket with SSE-S3 unless told
// otherwise, and GetBucketEncryption reports AES256.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html
const DefaultSSEAlgorithm = "AES256"

// DefaultBucketEncryption returns a new bucket's encryption setting (a fresh
// value: the collectors fill in its fields from the template).
func DefaultBucketEncryption() *BucketEncryption {
	return &BucketEncryption{SSEAlgorithm: DefaultSSEAlgorithm}
}

// DefaultObjectOwnership is a new bucket's Object Ownership: since April
// 2023, BucketOwnerEnforced (ACLs disabled) unless set otherwise.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
const DefaultObjectOwnership = OwnershipBucketOwnerEnforced

// DefaultRequestPayer is who pays for requests to a bucket without a
// request payment configuration: "BucketOwner (the default)"; by default a
// bucket is not a Requester Pays bucket.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysExamples.html
const DefaultRequestPayer = "BucketOwner"

// Queue attribute defaults from the SQS API reference (CreateQueue
// attributes): a 30-second visibility timeout and four days (345,600
// seconds) of message retention.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
const (
	DefaultVisibilityTimeout      = 30
	DefaultMessageRetentionPeriod = 345600
)

// DefaultIncludeGlobalServiceEvents is CreateTrail's default: a trail
// records global service events (IAM, STS, CloudFront) unless told not to.
// (Its other booleans, multi-region, organization and log file validation,
// default to false.)
// https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
const DefaultIncludeGlobalServiceEvents = true

// A key created by a template or plan is a customer managed key, enabled
// unless the template says otherwise (KMS CreateKey; the KeyState and
// KeyManager values of DescribeKey).
// https://docs.aws.amazon.com/kms/latest/APIReference/API_KeyMetadata.html
const (
	KeyStateEnabled    = "Enabled"
	KeyManagerCustomer = "CUSTOMER"
)

// DefaultKeyPolicy is the policy KMS gives a key created without one: the
// account root may do everything with the key, which lets the account's IAM
// policies allow access.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func DefaultKeyPolicy(partition, account string) json.RawMessage {
	return json.RawMessage(fmt.Sprintf(`{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:%s:iam::%s:root"},"Action":"kms:*","Resource":"*"}]}`, partition, account))
}

// DefaultSqsManagedSse is whether SQS encrypts a new queue with SSE-SQS: it
// does unless the queue is given a KMS key (SSE-KMS) or
// SqsManagedSseEnabled is set to false.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
func DefaultSqsManagedSse(kmsMasterKeyID string) bool { return kmsMasterKeyID == "" }
