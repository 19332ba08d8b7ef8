package authz

// Decisions, as the IAM evaluator names them, plus Unknown: the policies
// needed to decide are not all in the snapshot (an attached managed policy
// whose document is not known, a resource outside the snapshot, an
// unresolved IaC value). Rules must not report Unknown as a denial.
const (
	Allowed          = "Allowed"
	ImplicitlyDenied = "ImplicitlyDenied"
	ExplicitlyDenied = "ExplicitlyDenied"
	Unknown          = "Unknown"
)

// Answer is the reply to one question.
type Answer struct {
	Decision string `json:"decision"`
	// Proof is one sentence a finding can quote.
	Proof string `json:"proof"`
	// Explanation lists, for each policy kind consulted, what it said.
	Explanation []string `json:"explanation"`
}
