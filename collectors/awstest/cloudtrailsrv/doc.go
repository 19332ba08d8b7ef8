// Package cloudtrailsrv is a loopback AWS CloudTrail (JSON 1.1 protocol)
// serving the trails of a World's snapshot: DescribeTrails (with AWS's
// shadow-trail semantics), GetTrailStatus and GetEventSelectors. It serves
// reads only.
package cloudtrailsrv
