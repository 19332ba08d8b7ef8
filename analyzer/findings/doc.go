// Package findings is the analyzer's output model: a finding (one broken or
// unprovable fact about the log pipeline, tied to a catalog rule and a
// resource), the rule descriptor decoded from Rego METADATA, severities,
// deterministic ordering and stable fingerprints. Report writers consume it;
// it must not evaluate anything itself.
package findings
