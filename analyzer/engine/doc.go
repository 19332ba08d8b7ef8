// Package engine runs trailgate's rules: it loads the Rego modules embedded
// from rego/, decodes each rule's METADATA into a findings.Rule and refuses
// rules that break the catalog's contract, compiles the modules once (at
// build time: `go generate` writes them compiled to compiled.bin, which New
// decodes) and prepares one query per rule, and evaluates them against a Subject
// (NewSubject: the snapshot, the connector, the analyzer/authz index built
// once, and the log sources, publishers and delivery paths analyzer/datapath
// builds once, handed to the rules as input.sources, input.publishers and
// input.paths), with the trailgate.authz built-in answered by that index;
// the rules of a run share the library values computed without an Unknown
// answer (cache.go). The vendor profiles (rego/profiles) are the rules'
// data, at data.trailgate.profiles, in the engine and in the Rego test
// runner alike; a Rego test, which brings only a snapshot, gets the sources
// and publishers from the trailgate.sources built-in.
//
// It never stays silent about what it could not prove: a snapshot's
// collection errors and the Unknown answers a rule received become
// findings marked Unproven (see unproven.go).
//
// It must not judge anything itself (rules do), format findings (the
// report writers do), or read files other than the embedded rules.
package engine
