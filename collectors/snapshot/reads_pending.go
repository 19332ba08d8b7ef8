package snapshot

// ReadsNotJudged are collector calls whose data no rule judges yet: the
// sources of issue 17's paths (EKS audit logs through CloudWatch Logs and
// Firehose, findings routed by EventBridge, Macie's export). A
// failure is recorded in the snapshot like any other, and changes no
// verdict while no rule reads the data; a rule that comes to judge it
// declares the read (custom.reads), which moves it to Reads.
var ReadsNotJudged = []string{
	"eks:DescribeCluster", "eks:ListClusters",
	"events:ListRules", "events:ListTargetsByRule",
	"firehose:DescribeDeliveryStream", "firehose:ListDeliveryStreams",
	"logs:DescribeSubscriptionFilters",
	"macie2:GetClassificationExportConfiguration",
}
