// Package rego holds trailgate's policy as data: the Rego rules (one per
// catalog ID, under rules/<area>/), their shared helpers (lib/), and the list
// of catalog IDs a rule may claim (catalog_ids.txt), embedded into the binary.
//
// Each rule's package METADATA is its catalog entry: title, description,
// related_resources, and custom: id, severity, area (its folder), hops (the
// delivery-path hop kinds its findings explain: writer, bucket, object-key,
// notification, topic, topic-key, subscription, queue, queue-key, reader,
// read; and, on the EKS audit-log path, log-group, log-subscription,
// delivery-stream) and reads (the collector calls it needs, service:Operation from
// collectors/snapshot.Reads: a failed one makes the rule unproven), and
// remediation. The engine validates all of it at load.
//
// It must not contain Go logic: the engine (analyzer/engine) loads, validates
// and evaluates what is here.
package rego
