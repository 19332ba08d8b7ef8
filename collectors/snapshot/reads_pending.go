package snapshot

// ReadsNotJudged are collector calls whose data no rule judges yet: the
// IAM users' access keys, the buckets' public access block and versioning,
// and the sources of issue 17's paths (EKS audit logs through CloudWatch
// Logs and Firehose, Macie's export). A
// failure is recorded in the snapshot like any other, and changes no
// verdict while no rule reads the data; a rule that comes to judge it
// declares the read (custom.reads), which moves it to Reads.
var ReadsNotJudged = []string{
	"eks:DescribeCluster", "eks:ListClusters",
	"firehose:DescribeDeliveryStream", "firehose:ListDeliveryStreams",
	"iam:ListAccessKeys",
	"logs:DescribeLogGroups", "logs:DescribeSubscriptionFilters",
	"macie2:GetClassificationExportConfiguration",
	"s3:GetBucketVersioning", "s3:GetPublicAccessBlock",
}
