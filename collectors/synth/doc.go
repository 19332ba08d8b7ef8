// Package synth generates synthetic AWS organizations of any size, for
// benchmarks of collection and analysis at organization scale.
//
// Every account has its own log pipeline, as large organizations that
// deliver per account do: a multi-region trail encrypted with the
// account's KMS key, writing to the account's bucket (with the bucket
// policy CloudTrail needs) and notifying the account's topic, whose SQS
// subscription feeds the account's queue; a reader role allowed to
// receive from the queue, read the bucket and decrypt with the key; and a
// few other roles. The accounts sit in a tree of OUs with SCPs attached
// to the OUs. Growth is therefore linear in the number of accounts in
// every resource kind, which is what exposes analysis that is not.
//
// The organization is working: a check of it reports no broken hop, so
// that what a benchmark measures is the cost of proving, not of writing
// findings.
package synth
