package rego

import "embed"

// FS holds every Rego module (rules, their tests and lib/) and
// catalog_ids.txt. Test modules (*_test.rego) are embedded too, so that the
// engine's tests run exactly the files the binary ships.
//
//go:embed catalog_ids.txt lib rules
var FS embed.FS
