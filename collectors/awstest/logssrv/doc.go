// Package logssrv is a loopback CloudWatch Logs (JSON 1.1) server for
// awstest, serving the log groups of a World's snapshot:
// DescribeLogGroups and DescribeSubscriptionFilters.
package logssrv
