package snapshot

// ReadsNotJudged are collector calls whose data no rule judges yet: the
// IAM users' access keys, the buckets' public access block and versioning,
// and the sources of issue 17's paths not judged yet (Macie's export; the
// EKS audit-log path is judged by EK01-EK03 and GuardDuty findings routed
// by EventBridge by EB01, and their reads are in Reads). A
// failure is recorded in the snapshot like any other, and changes no
// verdict while no rule reads the data; a rule that comes to judge it
// declares the read (custom.reads), which moves it to Reads.
var ReadsNotJudged = []string{
	"iam:ListAccessKeys",
	"macie2:GetClassificationExportConfiguration",
	"s3:GetBucketVersioning", "s3:GetPublicAccessBlock",
}
