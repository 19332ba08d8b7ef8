// Package iacref writes a value AWS assigns at apply (a snapshot symbol,
// "<@FILE#OWNER.ATTR>") the way a user writes it in the input that
// declared it: a CloudFormation !GetAtt, !Ref or !Sub (or their JSON
// forms), a Terraform reference such as aws_kms_key.trail.arn, and in
// prose a readable name. A remediation must never quote the raw token:
// pasted into a template it would be a literal no resource has.
//
// It renders strings; it evaluates nothing. The engine applies it to every
// remediation, and a report's fix renderer can call Value for one value.
package iacref
