// Package rego holds trailgate's policy as data: the Rego rules (one per
// catalog ID, under rules/<hop>/), their shared helpers (lib/), and the list
// of catalog IDs a rule may claim (catalog_ids.txt), embedded into the binary.
//
// It must not contain Go logic: the engine (analyzer/engine) loads, validates
// and evaluates what is here.
package rego
