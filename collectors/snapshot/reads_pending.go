package snapshot

// ReadsNotJudged are collector calls whose data no rule judges yet: the
// sources of issue 17's paths not judged yet (findings routed by
// EventBridge, Macie's export; the EKS audit-log path is judged by
// EK01-EK03 and its reads are in Reads). A
// failure is recorded in the snapshot like any other, and changes no
// verdict while no rule reads the data; a rule that comes to judge it
// declares the read (custom.reads), which moves it to Reads.
var ReadsNotJudged = []string{
	"events:ListRules", "events:ListTargetsByRule",
	"macie2:GetClassificationExportConfiguration",
}
