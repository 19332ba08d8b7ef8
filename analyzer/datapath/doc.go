// Package datapath builds, for every log source in a snapshot, the explicit
// delivery path a security-log connector depends on, hop by hop:
//
//	writer (cloudtrail.amazonaws.com / guardduty.amazonaws.com)
//	→ bucket and prefix → object encryption key
//	→ notification (S3 event notification or trail SNS notification)
//	→ topic → topic key → subscription → queue → queue key
//	→ reader role(s) → the objects and keys the reader must open
//
// and, for an EKS cluster's audit log (eks.go), cluster → log group →
// subscription filter and the role CloudWatch Logs assumes → Firehose
// stream and its role → bucket under EKSLogs/<account>/<cluster>/ →
// object key → reader; and, for a Redshift cluster's audit logs
// (redshift.go), cluster (audit logging, the user activity parameter) →
// bucket under <prefix>/AWSLogs/<account>/redshift/<region>/ written by
// redshift.amazonaws.com → reader; and, for a trail that delivers to
// CloudWatch Logs (cloudwatch.go), trail → the role CloudTrail assumes →
// the log group's streams the role writes.
//
// Paths also start where the input holds no writer: at a bucket no source
// of the snapshot writes whose notification reaches a queue someone reads
// (an implied source), or at the connector's queue when nothing of the
// input notifies it. The reader hops name who is known to read: the
// connector's queue_role, a Lambda event source mapping's role (kind
// lambda-esm), else its role polls the queue (Question.ReaderKind); its
// object_role, else its role, opens the objects. The rules read these
// (data.trailgate.lib.queue_readers) instead of rebuilding them.
//
// Each hop carries its resources and the authorization questions AWS will
// ask on it, with the request context AWS really sends (aws:SourceArn,
// aws:SourceAccount, s3:x-amz-acl, kms:EncryptionContext:…, kms:ViaService,
// kms:CallerAccount, aws:PrincipalOrgID …), plus the structural problems
// found while following the path (no notification, a FIFO destination, a
// pending subscription). Evaluate answers the questions through an Asker
// (analyzer/authz), Attribute records which findings explain each hop, and
// analyzer/report renders the result (text, JSON, SARIF, --explain).
//
// It must not decide policy itself: every authorization answer comes from
// the Asker. It must not reach AWS, read files, format output or know about
// Rego; it reads
// the snapshot model and the connector file only, and is pure and
// deterministic (same input, same paths, same order).
package datapath
