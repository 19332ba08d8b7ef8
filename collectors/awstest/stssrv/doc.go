// Package stssrv is a loopback AWS STS (query/XML protocol) serving a
// World: GetCallerIdentity, and AssumeRole against the roles of the World's
// snapshot, issuing session credentials registered in the World's
// Identities. Trust is decided by trailgate's IAM evaluator (analyzer/iam),
// or by World.AssumeRoleAllowed when a test sets it; this package holds no
// policy logic of its own.
package stssrv
