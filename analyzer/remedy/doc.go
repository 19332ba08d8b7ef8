// Package remedy writes a rule's remedy (findings.Fix, data in
// CloudFormation's vocabulary) in the language of the input the finding
// came from: the property or policy statement to add to a CloudFormation
// template, in that template's YAML or JSON style, or the argument,
// nested block, statement, condition or resource to add to a Terraform
// configuration, in HCL, in the entry the finding points at. Where the
// file lets the change be placed exactly (a literal property value, a
// resource block, a statement list, a notification entry, a statement's
// Condition), it also gives the exact edit, which SARIF
// carries as a fix with artifactChanges and which a user (or a bot) can
// apply; applying it fixes the cause, so the next check no longer reports
// it.
//
// It never judges: the rule decides what must change; remedy decides only
// how that change is spelled in the user's file. It reads no file itself:
// the caller passes the content of the files findings point at.
package remedy
