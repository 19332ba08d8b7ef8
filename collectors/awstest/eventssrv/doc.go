// Package eventssrv is a loopback Amazon EventBridge (JSON 1.1) server for
// awstest, serving the rules of a World's snapshot: ListRules and
// ListTargetsByRule.
package eventssrv
