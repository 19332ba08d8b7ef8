// Package authz answers the authorization questions rules ask about a
// snapshot: "can this principal perform this action on this resource, with
// this request context?".
//
// An Index is built once per snapshot. For each question it assembles every
// policy AWS would consult (the principal's inline and attached managed
// policies and its permissions boundary, the resource's policy found by ARN,
// the SCPs on the path root → OUs → the principal's account and the RCPs on
// the path to the resource's account) and hands them to the policy
// evaluator, which returns a Decision with an explanation.
//
// Assemble hands out that assembly without the evaluation, for the
// loopback AWS test servers (collectors/awstest), which authorize the
// requests they serve through it.
//
// Values an IaC collector could not resolve (snapshot.Unknown tokens) are
// handed to the evaluator as such (iam.ParseOptions): a statement holding
// one may or may not apply, and the answer is Unknown only when that
// changes the decision, naming the statement and its document. A document
// whose structure itself is unresolved makes every answer that consults it
// Unknown.
//
// Validate parses every policy of a snapshot with the kinds the Index uses,
// so that a document AWS would refuse is reported with its statement and
// location before any question is asked of it.
//
// It must not decide what is a finding (that is the rules' job), read files
// other than its embedded AWS managed policy documents, or reach the network.
package authz
