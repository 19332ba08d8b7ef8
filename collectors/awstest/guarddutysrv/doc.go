// Package guarddutysrv is a loopback Amazon GuardDuty (REST-JSON protocol)
// serving the detectors of a World's snapshot: ListDetectors, GetDetector,
// publishing destinations, members, the administrator account and
// suppression filters. It serves reads only.
package guarddutysrv
