// Package s3srv is a loopback Amazon S3 (REST-XML, path-style) serving a
// World: gofakes3 stores and serves objects, and this package's handler in
// front of it adds what gofakes3 lacks and trailgate needs, answered from
// the World's snapshot in S3's own XML shapes and error codes: bucket
// policy, ownership controls, default encryption, notification
// configuration, location, ACL, request payment, lifecycle and Object Lock;
// ListBuckets per caller account; SSE-KMS objects whose writes and reads
// ask a KeyUser (kmssrv by default) for kms:GenerateDataKey and kms:Decrypt on the
// caller's behalf; and event notifications fired on object writes and
// deletes with S3's event JSON, handed to a Notifier (SNS or SQS).
//
// With an Authorizer (kmssrv.Server; none by default) it decides object
// reads, writes, deletes and listings against the caller's policies and the
// bucket policy, and hides a missing object behind 403 from callers who may
// not list the bucket, as S3 does; bucket sub-resource reads are never
// authorized (inject denials with the World's Faults). ACLs and Object Ownership are served, not enforced;
// virtual-hosted addressing is not served. Tests only: never imported by the
// trailgate binary.
package s3srv
