// Package snapshot is the contract between trailgate's collectors and its
// analyzer: one normalized, versioned JSON document describing an AWS
// organization's log-delivery wiring (trails, GuardDuty exports, buckets, keys,
// topics, queues, roles, SCPs and RCPs), whether it was read from live AWS,
// a CloudFormation template or a Terraform plan.
//
// The package holds only the model, its loading (strict, naming the bad field)
// and its saving (deterministic, atomic), plus the facts every collector
// must state the same way: the AWS defaults of a new resource (defaults.go),
// region and account ID shapes and partitions (region.go), and how an input
// error names its file and line (position.go). It must not call AWS, parse
// IaC or judge anything: collectors write snapshots, the analyzer reads them.
package snapshot
