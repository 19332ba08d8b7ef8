// Package ec2srv is a loopback Amazon EC2 (EC2 query protocol) answering
// DescribeRegions with the regions a World's snapshot collected for the
// caller's account: the collector's source of "every enabled region". It
// serves nothing else.
package ec2srv
