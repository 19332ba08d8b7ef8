package snapshot

// ReadsNotJudged are collector calls whose data no rule judges yet: the
// sources of issue 17's paths not judged yet (Macie's export; the EKS
// audit-log path is judged by EK01-EK03, GuardDuty findings routed by
// EventBridge by EB01, users' access keys, public access block and
// versioning by the guide steps, and their reads are in Reads). A
// failure is recorded in the snapshot like any other, and changes no
// verdict while no rule reads the data; a rule that comes to judge it
// declares the read (custom.reads), which moves it to Reads.
var ReadsNotJudged = []string{
	"macie2:GetClassificationExportConfiguration",
}
