package report

// DeliveryPath is one delivery path as the Markdown and HTML reports draw
// it: a log source's hops, in data-flow order, each with its state and the
// explanation behind it. The caller builds it from the analyzer's path
// model, so that this package draws paths without judging them.
type DeliveryPath struct {
	// ID is stable across runs (the source and the queue).
	ID string
	// Source names the log source: "cloudtrail trail/org-trail".
	Source string
	// Status is ok, broken or unknown.
	Status string
	Hops   []DeliveryHop
}

// DeliveryHop is one hop of a DeliveryPath.
type DeliveryHop struct {
	// Kind is the hop's place in the pipeline: writer, bucket, topic, …
	Kind string
	// Name is the hop's main resource, short: "bucket/org-logs".
	Name string
	// Status is ok, broken, unknown or pending.
	Status string
	// FirstBroken marks the first broken hop of the path: where delivery stops.
	FirstBroken bool
	// Resources are the ARNs on the hop.
	Resources []string
	// Explain is what was asked and answered on the hop, one line each:
	// the authorization questions with their decisions and deciding
	// statements, and the structural problems.
	Explain []string
	// Findings are the fingerprints of the findings about this hop.
	Findings []string
}

// Hop and path states as DeliveryPath spells them.
const (
	StatusOK      = "ok"
	StatusBroken  = "broken"
	StatusUnknown = "unknown"
)

// mark shows a state in one character.
func mark(status string) string {
	switch status {
	case StatusOK:
		return "✓"
	case StatusBroken:
		return "✗"
	case StatusUnknown:
		return "?"
	}
	return "·"
}
