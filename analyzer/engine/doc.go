// Package engine runs trailgate's rules: it loads the Rego modules embedded
// from rego/, decodes each rule's METADATA into a findings.Rule and refuses
// rules that break the catalog's contract, compiles the modules once and
// prepares one query per rule, and evaluates them per snapshot with the
// trailgate.authz built-in answered by an analyzer/authz index built once
// per Check; the rules of a Check share the library values computed
// without an Unknown answer (cache.go). The vendor profiles
// (rego/profiles) are the rules' data, at data.trailgate.profiles, in the
// engine and in the Rego test runner alike.
//
// It never stays silent about what it could not prove: a snapshot's
// collection errors and the Unknown answers a rule received become
// findings marked Unproven (see unproven.go). Paths builds the delivery
// paths (analyzer/datapath) the text report and --explain show.
//
// It must not judge anything itself (rules do), format findings (the
// report writers do), or read files other than the embedded rules.
package engine
