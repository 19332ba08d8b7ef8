// Package iac reads the infrastructure-as-code a change consists of: it
// walks files and directories in a stable order, tells CloudFormation
// templates from Terraform plans (`terraform show -json`) by their content,
// hands each to its collector (collectors/cfn, collectors/terraform) and
// merges the results into one snapshot. Files that are neither are skipped
// with the reason, for --verbose; IaC a directory walk cannot read is
// skipped as a Fault (file, line, why) while every other file is judged.
//
// The package must not interpret IaC itself (that is the collectors' job),
// overlay live snapshots (snapshot.Overlay does) or judge anything.
package iac
