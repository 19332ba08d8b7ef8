// Package smoketest builds the loopback world the smoke test's end-to-end
// tests (and the CLI's) run against: stssrv, s3srv and kmssrv from awstest,
// fauxqs for SNS and SQS, and trailgate's own IAM evaluator deciding
// AssumeRole. Tests only: never imported by the trailgate binary.
package smoketest
