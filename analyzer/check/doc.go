// Package check owns one run of `trailgate check`: it loads the inputs
// (a snapshot, IaC files laid over it, a connector file, a baseline),
// refuses what AWS would refuse, resolves the connector's role, builds the
// authorization index and the delivery paths once, has the rules judge
// them (analyzer/engine), and returns the findings, the paths, the rules
// and what the run passed over or could not prove.
//
// cmd/trailgate keeps only the flags, the call to Run and the exit-code
// map; the fixture and golden tests call Run as the command does. Run
// must not format anything (analyzer/report does) or write files.
package check
