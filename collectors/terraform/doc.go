// Package terraform turns a Terraform plan in `terraform show -json` form
// (format_version 0.x or 1.x) into a snapshot: the resources the plan will
// leave in place, with values known only after apply kept as explicit
// snapshot.Unknown tokens (listed in Snapshot.Unknowns), and references
// between planned resources resolved through the plan's configuration
// (a bucket policy naming aws_s3_bucket.logs.arn gets the ARN AWS will
// assign) wherever the referenced value can be computed as AWS computes it.
//
// Every model object keeps its resource address (Location.Address) and the
// plan file it came from. A plan carries no source lines for its
// configuration, so no line is ever invented: SARIF results for Terraform
// point at the plan file with the address as logical location.
//
// The package must not call AWS or Terraform, read anything but the bytes it
// is given, or judge what it builds: rules live in the analyzer.
package terraform
