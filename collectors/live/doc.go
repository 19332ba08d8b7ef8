// Package live snapshots a real AWS organization (or one account) through
// aws-sdk-go-v2: the organization walk, the assume-role fan-out to member
// accounts, one file per service, and the record of every read that failed
// (collection_errors), so that the analyzer can say what it could not prove.
//
// It only reads: every operation it calls is listed in the embedded
// least-privilege policy (policy.json), and a test fails if it calls one that
// the policy does not allow. It must not analyze what it collects, and it
// must not write anything but the snapshot it returns.
package live
