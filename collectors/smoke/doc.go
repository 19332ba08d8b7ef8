// Package smoke is trailgate's ingest smoke test: acting as one connector,
// with the connector's own identity, it proves that the log path works end
// to end (assume the role with the external ID, find the queue, receive a
// notification, decode it, read and decrypt the log object it names) and,
// with a canary, that a fresh object travels the whole pipeline.
//
// It must never consume: a received message is made visible again at once
// and never deleted unless the caller asks (Options.Consume); the only
// things it ever deletes without being asked are its own canary object and
// the canary's own notification. It never prints or returns secrets
// (credentials, session tokens); the external ID appears masked.
//
// It does not analyze policies (that is the analyzer's job): a failure is
// reported as AWS reported it, with the catalog rule that explains it.
package smoke
