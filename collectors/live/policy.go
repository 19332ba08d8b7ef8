package live

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

// policyJSON is the least-privilege IAM policy of the collector: read-only
// actions, and sts:AssumeRole on the member role. The same policy serves
// the caller (management account) and the member role in every account.
//
//go:embed policy.json
var policyJSON []byte

// defaultMemberRole is the role policy.json names: the role Organizations
// creates in every account it creates.
const defaultMemberRole = "OrganizationAccountAccessRole"

// Policy returns the collector's IAM policy, with the AssumeRole statement
// naming memberRole (policy.json's default when empty) in partition.
func Policy(memberRole, partition string) ([]byte, error) {
	doc := policyJSON
	if memberRole != "" && memberRole != defaultMemberRole {
		if strings.ContainsAny(memberRole, `"*?\`) {
			return nil, fmt.Errorf("member role name %q is not a role name", memberRole)
		}
		doc = bytes.Replace(doc, []byte("role/"+defaultMemberRole+`"`), []byte("role/"+memberRole+`"`), 1)
	}
	if partition != "" && partition != "aws" {
		doc = bytes.ReplaceAll(doc, []byte(`"arn:aws:`), []byte(`"arn:`+partition+`:`))
	}
	if !json.Valid(doc) {
		return nil, fmt.Errorf("collector policy is not valid JSON")
	}
	return doc, nil
}

// IAMAction is the IAM action that authorizes an SDK operation
// ("ServiceID:Operation" as Stats.Operations names it), "" for an operation
// that needs no permission, and false for an operation the collector is
// not expected to call. Most actions share the operation's name; S3's do
// not (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
func IAMAction(operation string) (string, bool) {
	a, ok := iamActions[operation]
	return a, ok
}

var iamActions = map[string]string{
	// GetCallerIdentity needs no permission, and an explicit deny cannot
	// stop it (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
	"STS:GetCallerIdentity": "",
	"STS:AssumeRole":        "sts:AssumeRole",

	"Organizations:DescribeOrganization":                "organizations:DescribeOrganization",
	"Organizations:ListRoots":                           "organizations:ListRoots",
	"Organizations:ListOrganizationalUnitsForParent":    "organizations:ListOrganizationalUnitsForParent",
	"Organizations:ListAccountsForParent":               "organizations:ListAccountsForParent",
	"Organizations:ListPolicies":                        "organizations:ListPolicies",
	"Organizations:DescribePolicy":                      "organizations:DescribePolicy",
	"Organizations:ListTargetsForPolicy":                "organizations:ListTargetsForPolicy",
	"Organizations:ListAWSServiceAccessForOrganization": "organizations:ListAWSServiceAccessForOrganization",
	"Organizations:ListDelegatedAdministrators":         "organizations:ListDelegatedAdministrators",

	"EC2:DescribeRegions":                "ec2:DescribeRegions",
	"IAM:GetAccountAuthorizationDetails": "iam:GetAccountAuthorizationDetails",

	"S3:ListBuckets":                        "s3:ListAllMyBuckets",
	"S3:GetBucketLocation":                  "s3:GetBucketLocation",
	"S3:GetBucketPolicy":                    "s3:GetBucketPolicy",
	"S3:GetBucketOwnershipControls":         "s3:GetBucketOwnershipControls",
	"S3:GetBucketAcl":                       "s3:GetBucketAcl",
	"S3:GetBucketEncryption":                "s3:GetEncryptionConfiguration",
	"S3:GetBucketNotificationConfiguration": "s3:GetBucketNotification",
	"S3:GetBucketRequestPayment":            "s3:GetBucketRequestPayment",
	"S3:GetBucketLifecycleConfiguration":    "s3:GetLifecycleConfiguration",
	"S3:GetObjectLockConfiguration":         "s3:GetBucketObjectLockConfiguration",
	"S3:ListObjectsV2":                      "s3:ListBucket",

	"CloudTrail:DescribeTrails":    "cloudtrail:DescribeTrails",
	"CloudTrail:GetTrailStatus":    "cloudtrail:GetTrailStatus",
	"CloudTrail:GetEventSelectors": "cloudtrail:GetEventSelectors",

	"KMS:ListKeys":     "kms:ListKeys",
	"KMS:ListAliases":  "kms:ListAliases",
	"KMS:DescribeKey":  "kms:DescribeKey",
	"KMS:GetKeyPolicy": "kms:GetKeyPolicy",
	"KMS:ListGrants":   "kms:ListGrants",

	"SNS:ListTopics":                "sns:ListTopics",
	"SNS:GetTopicAttributes":        "sns:GetTopicAttributes",
	"SNS:ListSubscriptionsByTopic":  "sns:ListSubscriptionsByTopic",
	"SNS:GetSubscriptionAttributes": "sns:GetSubscriptionAttributes",

	"SQS:ListQueues":         "sqs:ListQueues",
	"SQS:GetQueueAttributes": "sqs:GetQueueAttributes",

	"GuardDuty:ListDetectors":                 "guardduty:ListDetectors",
	"GuardDuty:GetDetector":                   "guardduty:GetDetector",
	"GuardDuty:ListPublishingDestinations":    "guardduty:ListPublishingDestinations",
	"GuardDuty:DescribePublishingDestination": "guardduty:DescribePublishingDestination",
	"GuardDuty:ListMembers":                   "guardduty:ListMembers",
	"GuardDuty:GetAdministratorAccount":       "guardduty:GetAdministratorAccount",
	"GuardDuty:ListFilters":                   "guardduty:ListFilters",
	"GuardDuty:GetFilter":                     "guardduty:GetFilter",

	"IAM:ListAccessKeys":                          "iam:ListAccessKeys",
	"S3:GetPublicAccessBlock":                     "s3:GetBucketPublicAccessBlock",
	"S3:GetBucketVersioning":                      "s3:GetBucketVersioning",
	"EKS:ListClusters":                            "eks:ListClusters",
	"EKS:DescribeCluster":                         "eks:DescribeCluster",
	"CloudWatch Logs:DescribeLogGroups":           "logs:DescribeLogGroups",
	"CloudWatch Logs:DescribeSubscriptionFilters": "logs:DescribeSubscriptionFilters",
	"Firehose:ListDeliveryStreams":                "firehose:ListDeliveryStreams",
	"Firehose:DescribeDeliveryStream":             "firehose:DescribeDeliveryStream",
	"EventBridge:ListRules":                       "events:ListRules",
	"EventBridge:ListTargetsByRule":               "events:ListTargetsByRule",
	"Macie2:GetClassificationExportConfiguration": "macie2:GetClassificationExportConfiguration",
	"Redshift:DescribeClusters":                   "redshift:DescribeClusters",
	"Redshift:DescribeLoggingStatus":              "redshift:DescribeLoggingStatus",
	"Redshift:DescribeClusterParameters":          "redshift:DescribeClusterParameters",
}
