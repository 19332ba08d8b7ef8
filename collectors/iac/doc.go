// Package iac reads the infrastructure-as-code a change consists of: it
// walks files and directories in a stable order, tells CloudFormation
// templates from Terraform plans (`terraform show -json`) by their content,
// hands each to its collector (collectors/cfn, collectors/terraform) and
// merges the results into one snapshot. Files that are neither are skipped
// with the reason, for --verbose; IaC a directory walk cannot read is
// skipped as a Fault (file, line, why) while every other file is judged.
// Two files that both create one physical resource are refused, naming
// both (duplicates.go); each file's symbols carry the shortest part of its
// path no other input shares, so copies of a stack stay apart. It says
// which account each file is in (--account ID, --account PATH=ID) and
// lets IaC that names none take the account of a one-account snapshot it
// is laid over (AdoptAccount).
//
// The package must not interpret IaC itself (that is the collectors' job),
// overlay live snapshots (snapshot.Overlay does) or judge anything.
package iac
