// Command trailgate proves that an AWS security-log pipeline (CloudTrail and
// GuardDuty → S3 → SNS → SQS → a SIEM connector's cross-account role) is
// intact.
//
// This package only dispatches: each command lives in its own file,
// registers itself from init() (see register in main.go), parses its flags
// with pflag into an options struct, calls library code and maps the outcome
// to the contract's exit codes (0 ok, 1 findings or a failed smoke step,
// 2 usage or malformed input, 3 partial collection). It must not analyze,
// collect or format anything itself: that belongs to collectors/, analyzer/
// and analyzer/report.
package main
