package snapshot

// Reads are the collector calls (service:Operation, the service as a
// CollectionError names it) whose failure a snapshot records. Each rule's
// METADATA declares which of them it needs (custom.reads), and the
// analyzer turns a failed read into a "cannot prove" finding of each rule
// that needs it; the live collector's test keeps every call it makes
// listed here.
var Reads = []string{
	"cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus",
	"ec2:DescribeRegions",
	"eks:DescribeCluster", "eks:ListClusters",
	"events:ListRules", "events:ListTargetsByRule",
	"firehose:DescribeDeliveryStream", "firehose:ListDeliveryStreams",
	"guardduty:DescribePublishingDestination", "guardduty:GetAdministratorAccount", "guardduty:GetDetector",
	"guardduty:GetFilter", "guardduty:ListDetectors", "guardduty:ListFilters", "guardduty:ListMembers",
	"guardduty:ListPublishingDestinations",
	"iam:GetAccountAuthorizationDetails", "iam:ListAccessKeys",
	"kms:DescribeKey", "kms:GetKeyPolicy", "kms:ListAliases", "kms:ListGrants", "kms:ListKeys",
	"logs:DescribeLogGroups", "logs:DescribeSubscriptionFilters",
	"organizations:DescribeOrganization", "organizations:DescribePolicy",
	"organizations:ListAWSServiceAccessForOrganization", "organizations:ListAccountsForParent",
	"organizations:ListDelegatedAdministrators", "organizations:ListOrganizationalUnitsForParent",
	"organizations:ListPolicies", "organizations:ListRoots", "organizations:ListTargetsForPolicy",
	"redshift:DescribeClusterParameters", "redshift:DescribeClusters", "redshift:DescribeLoggingStatus",
	"s3:GetBucketAcl", "s3:GetBucketEncryption", "s3:GetBucketLifecycleConfiguration", "s3:GetBucketLocation",
	"s3:GetBucketNotificationConfiguration", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy",
	"s3:GetBucketRequestPayment", "s3:GetBucketVersioning", "s3:GetObjectLockConfiguration", "s3:GetPublicAccessBlock",
	"s3:ListBuckets", "s3:ListObjectsV2",
	"sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTopics",
	"sqs:GetQueueAttributes", "sqs:ListQueues",
	"sts:AssumeRole",
}

// readStandsFor maps the collection errors that are not one failed call
// but a part of the organization the collector never read whole (an
// interrupted run: Ctrl-C or --deadline) to the read whose failure hides
// the same data: an account not read whole hides everything its
// assumed-role entry (sts:AssumeRole) would have; a region, everything its
// listing (ec2:DescribeRegions) would have.
var readStandsFor = map[string]string{
	"trailgate:CollectAccount": "sts:AssumeRole",
	"trailgate:CollectRegion":  "ec2:DescribeRegions",
}

// ReadDependency is the read (one of Reads) whose dependent rules cannot
// be proven when op (service:Operation of a CollectionError) failed.
func ReadDependency(op string) string {
	if r, ok := readStandsFor[op]; ok {
		return r
	}
	return op
}
