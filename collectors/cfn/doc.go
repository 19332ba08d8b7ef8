// Package cfn reads an AWS CloudFormation template (YAML with short-form
// tags, or JSON) and writes the snapshot it would create: trails, buckets,
// keys, topics, queues, roles, GuardDuty detectors and organization
// policies, each with the file and line of its logical ID and of every
// policy statement, so that a finding lands on the right line of a pull
// request.
//
// Intrinsic functions are resolved the way CloudFormation resolves them:
// against parameters (given values, else Default), pseudo parameters,
// mappings, conditions and the Ref/GetAtt return values AWS documents for
// each resource type. A value AWS assigns when the stack is created (a name
// CloudFormation generates, a key or detector ID) is a snapshot.Symbol bound
// to the resource: one definite value, the same wherever the template
// refers to it. A value the template does not determine (an ImportValue, a
// parameter without a value) becomes an explicit snapshot.Unknown token
// listed in Snapshot.Unknowns, never an empty string that would silently
// pass or fail a rule.
//
// Templates are read as CloudFormation reads them: YAML 1.1 scalars (Yes,
// Off are booleans), Fn::ForEach and the other AWS::LanguageExtensions
// functions expanded, and SAM functions expanded as the SAM transform does
// (sam.go). A Condition that depends on a parameter without value is
// undecided, not an error: what it guards is judged as created and listed
// as unknown, and an Fn::If on it resolves to a value naming both
// candidates. Near misses of resource types are warnings (Read).
//
// A template is one stack in one account and region: Options give the
// defaults, a template may say where it is deployed in Metadata.trailgate
// (AccountId, Region, Partition, StackName), and --param AWS::AccountId
// and friends override both. Without any of these the account is the one
// the template's own literal ARNs agree on (ownAccount), else a symbol:
// never an invented ID. Policies, subscriptions and publishing
// destinations attached to a bucket, topic, queue, role or detector the
// template does not declare produce that resource with Partial set: only
// what the template attaches is known, for an overlay to merge.
//
// The package must not call AWS, walk directories, tell CloudFormation from
// Terraform beyond Detect, overlay snapshots or judge anything: it turns one
// template into one snapshot, or into an *Error naming the file and line.
// Every input, however hostile (alias bombs, deep nesting, huge files),
// is handled in bounded time and memory.
package cfn
