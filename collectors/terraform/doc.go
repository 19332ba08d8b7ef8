// Package terraform turns a Terraform plan in `terraform show -json` form
// (format_version 0.x or 1.x) into a snapshot: the resources the plan will
// leave in place, with the IDs and names AWS assigns at apply as
// snapshot.Symbol tokens bound to their resource address, other values
// known only after apply kept as explicit snapshot.Unknown tokens (listed
// in Snapshot.Unknowns), and references
// between planned resources resolved through the plan's configuration
// (a bucket policy naming aws_s3_bucket.logs.arn gets the ARN AWS will
// assign) wherever the referenced value can be computed as AWS computes it.
//
// Every model object keeps its resource address (Location.Address), the
// plan file it came from and the planned action (Location.Change: create,
// update, replace, no-op, read; delete for the few resources that outlive
// their destruction, see survivesDelete). A bucket, key, topic, queue, role
// or detector the plan only attaches something to is a stand-in marked
// Partial, whose undeclared properties are unknown, for an overlay to merge
// into the live resource. A plan carries no source lines for its
// configuration, so no line is ever invented: without the .tf files,
// SARIF results for Terraform point at the plan file with the address as
// logical location. With them (beside the plan, or Options.ConfigDir),
// each resource points at its block and each policy statement at its
// line (config.go), and an attribute known only after apply is evaluated
// from its expression text, which the plan's JSON drops (expr.go).
//
// The package must not call AWS or Terraform, read anything but the bytes it
// is given, or judge what it builds: rules live in the analyzer.
package terraform
