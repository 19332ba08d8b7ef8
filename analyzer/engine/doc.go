// Package engine runs trailgate's rules: it loads the Rego modules embedded
// from rego/, decodes each rule's METADATA into a findings.Rule and refuses
// rules that break the catalog's contract, compiles and prepares the query
// once, and evaluates it per snapshot with the trailgate.authz built-in
// answered by an analyzer/authz index built once per Check.
//
// It must not judge anything itself (rules do), format findings (the
// report writers do), or read files other than the embedded rules.
package engine
