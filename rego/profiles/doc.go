// Package profiles holds the vendor connector profiles as data: one JSON
// file per vendor (radiant, skyformation, expel, rapid7, generic), each
// listing the steps of the vendor's AWS setup guide (IDs R1…R8, K1…K5,
// E1…E9, P1…P5, numbered as the guides order them) with what each requires in
// machine-checkable terms, the catalog rule that reports a step not met,
// and the notification format the vendor's reader parses.
//
// The Rego rules read the profiles as data.trailgate.profiles.<vendor>;
// Data returns that document for the engine to load. This package must not
// hold checks: what a requirement means is decided by the rules
// (rego/lib/datapath.rego and the rules it serves).
package profiles
