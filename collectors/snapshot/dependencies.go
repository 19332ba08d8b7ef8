package snapshot

import "sort"

// RulesDependingOn lists the catalog rules (shared/catalog.md) that cannot
// be proven when the read (service, operation) failed, service being the
// CollectionError's service (iam, s3, organizations, cloudtrail, kms, sns,
// sqs, guardduty, sts, ec2). It lives with the model, not with the live
// collector that records the errors, because the analyzer turns each
// CollectionError into "cannot prove" findings and must not import
// collectors/live. An unknown pair returns nil.
func RulesDependingOn(service, operation string) []string {
	ids := ruleDeps[service+":"+operation]
	if ids == nil {
		return nil
	}
	out := append([]string(nil), ids...)
	sort.Strings(out)
	return out
}

var (
	// Everything an account's resources feed: a refused AssumeRole (or a
	// failed region listing) hides them all.
	accountRules = []string{"CT02", "CT03", "CT04", "CT05", "CT07", "GD01", "GD02", "GD03", "GD04", "GD05",
		"ID01", "ID02", "ID03", "KM01", "KM02", "KM03", "NT01", "NT02", "NT03", "NT04", "NT05",
		"S301", "S302", "S303", "S304", "S305", "S306", "SN01", "SN02", "SN03",
		"SQ01", "SQ02", "SQ03", "SQ04", "SQ05", "SQ06"}
	regionalRules = []string{"CT02", "CT03", "CT04", "CT05", "CT07", "GD01", "GD02", "GD03", "GD04", "GD05",
		"KM01", "KM02", "KM03", "NT04", "NT05", "SN01", "SN02", "SN03", "SQ01", "SQ02", "SQ03", "SQ04", "SQ05", "SQ06"}
	orgStructure = []string{"CT01", "OR01", "OR02"}
	orgPolicies  = []string{"CT06", "OR01", "OR02", "S306"}
	bucketRules  = []string{"CT03", "GD04", "GD05", "NT01", "NT02", "NT03", "NT04", "S301", "S302", "S303", "S304", "S305", "S306"}
	keyRules     = []string{"CT04", "GD02", "GD03", "KM01", "KM02", "KM03", "SN02", "SQ02"}
	topicRules   = []string{"CT05", "NT04", "NT05", "SN01", "SN02", "SN03", "SQ01"}
	queueRules   = []string{"NT04", "SQ01", "SQ02", "SQ03", "SQ04", "SQ05", "SQ06"}
	trailRules   = []string{"CT01", "CT02", "CT03", "CT04", "CT05", "CT06", "CT07", "KM01", "KM02", "NT02", "NT05"}
	gdRules      = []string{"GD01", "GD02", "GD03", "GD04", "GD05"}
)

var ruleDeps = map[string][]string{
	"sts:AssumeRole":      accountRules,
	"ec2:DescribeRegions": regionalRules,

	"organizations:DescribeOrganization":                orgStructure,
	"organizations:ListRoots":                           orgStructure,
	"organizations:ListOrganizationalUnitsForParent":    orgStructure,
	"organizations:ListAccountsForParent":               orgStructure,
	"organizations:ListPolicies":                        orgPolicies,
	"organizations:DescribePolicy":                      orgPolicies,
	"organizations:ListTargetsForPolicy":                orgPolicies,
	"organizations:ListAWSServiceAccessForOrganization": {"CT01"},
	"organizations:ListDelegatedAdministrators":         {"CT01", "GD01"},

	"iam:GetAccountAuthorizationDetails": {"ID01", "ID02", "ID03", "KM01", "OR01", "S305", "S306", "SQ06"},

	"s3:ListBuckets":                        bucketRules,
	"s3:GetBucketLocation":                  {"CT04", "GD02", "NT04", "SQ03"},
	"s3:GetBucketPolicy":                    {"CT03", "GD04", "S304", "S305", "SQ01"},
	"s3:GetBucketOwnershipControls":         {"S301"},
	"s3:GetBucketAcl":                       {"S301"},
	"s3:GetBucketEncryption":                {"CT04", "KM01", "S302"},
	"s3:GetBucketNotificationConfiguration": {"NT01", "NT02", "NT03", "NT04", "NT05", "SQ05"},
	"s3:GetBucketRequestPayment":            {"S303"},
	"s3:GetBucketLifecycleConfiguration":    {"GD05", "SQ04"},
	"s3:GetObjectLockConfiguration":         {"S306"},
	"s3:ListObjectsV2":                      {"GD05"},

	"cloudtrail:DescribeTrails":    trailRules,
	"cloudtrail:GetTrailStatus":    {"CT02", "CT03", "CT04", "CT05"},
	"cloudtrail:GetEventSelectors": {"CT02", "CT07"},

	"kms:ListKeys":     keyRules,
	"kms:DescribeKey":  keyRules,
	"kms:GetKeyPolicy": {"CT04", "GD03", "KM01", "KM02", "SN02", "SQ02"},
	"kms:ListGrants":   {"KM01"},
	"kms:ListAliases":  {"GD02", "KM03", "S302", "SN02", "SQ02"},

	"sns:ListTopics":                topicRules,
	"sns:GetTopicAttributes":        {"CT05", "NT04", "SN01", "SN02"},
	"sns:ListSubscriptionsByTopic":  {"NT05", "SN03", "SQ01"},
	"sns:GetSubscriptionAttributes": {"NT05", "SN03"},

	"sqs:ListQueues":         queueRules,
	"sqs:GetQueueAttributes": queueRules,

	"guardduty:ListDetectors":                 gdRules,
	"guardduty:GetDetector":                   {"GD01"},
	"guardduty:ListPublishingDestinations":    gdRules,
	"guardduty:DescribePublishingDestination": gdRules,
	"guardduty:ListMembers":                   {"GD01"},
	"guardduty:GetAdministratorAccount":       {"GD01"},
	"guardduty:ListFilters":                   {"GD01"},
	"guardduty:GetFilter":                     {"GD01"},

	// The reader's IAM user (SkyFormation "Basic"), the bucket's public
	// access posture, and the paths of issue 17: EKS audit logs through
	// CloudWatch Logs and Firehose (EK01–EK03), GuardDuty findings through
	// EventBridge to SNS (EB01), the trail's CloudWatch Logs delivery
	// (CW01).
	"iam:ListAccessKeys":               {"ID01"},
	"s3:GetPublicAccessBlock":          {"S305"},
	"s3:GetBucketVersioning":           {"S306"},
	"eks:ListClusters":                 eksRules,
	"eks:DescribeCluster":              {"EK01"},
	"logs:DescribeLogGroups":           {"CW01", "EK01", "EK02"},
	"logs:DescribeSubscriptionFilters": {"EK02"},
	"firehose:ListDeliveryStreams":     {"EK02", "EK03"},
	"firehose:DescribeDeliveryStream":  {"EK02", "EK03"},
	"events:ListRules":                 {"EB01"},
	"events:ListTargetsByRule":         {"EB01"},
	// Macie's results bucket, read by SkyFormation's Macie source (K4).
	"macie2:GetClassificationExportConfiguration": {"S305"},
}

// eksRules are the rules of the EKS audit path.
var eksRules = []string{"EK01", "EK02", "EK03"}
