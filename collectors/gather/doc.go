// Package gather holds what an IaC collector (collectors/cfn,
// collectors/terraform) has read of one account while it reads: the
// resources by pointer, so that what attaches to one later (a
// subscription filter, an access key, logging) changes it in place, until
// Fill copies them into the snapshot's account. Both collectors share it
// so that a resource type is added to the snapshot in one place.
//
// The package must not read IaC (that is the collectors' job) or judge
// anything.
package gather
