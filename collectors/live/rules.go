package live

import "github.com/trailgate/trailgate/collectors/snapshot"

// RulesDependingOn lists the catalog rules that cannot be proven when the
// read (service, operation) failed. The table lives in collectors/snapshot
// (snapshot.RulesDependingOn) so that the analyzer can read it too; the
// collector's test keeps every call it makes mapped.
func RulesDependingOn(service, operation string) []string {
	return snapshot.RulesDependingOn(service, operation)
}
