// Package report turns findings into what people and machines read: a
// terminal text report grouped by severity, the contract's JSON result,
// SARIF 2.1.0 for code-scanning tools, the rule list, --explain and the
// path view, the smoke test's step report and `iam simulate`'s answers:
// the packages below return data, rendered here only. It also reads an
// earlier result back as a baseline (a set of fingerprints).
//
// It must not judge anything: it never decides whether a resource is broken,
// never changes a finding's severity, and never reads a snapshot. Every
// writer is deterministic (sorted input, no wall clock, no map order), so its
// output can be compared byte for byte in golden tests and in CI.
package report
