// Package kmssrv is a loopback AWS KMS (JSON 1.1 protocol) serving the keys
// of a World's snapshot: ListKeys, DescribeKey, GetKeyPolicy, ListAliases,
// ListGrants, and the cryptographic calls GenerateDataKey, Encrypt and
// Decrypt, authorized as KMS authorizes them: the key policy must allow,
// directly or by delegating to the account (then the caller's IAM policies
// must allow too), or a grant must; SCPs and RCPs of the snapshot's
// organization apply. The decision is analyzer/iam's, with key-policy
// semantics; this package only assembles the policies.
//
// It also serves s3srv as its KeyUser, so that SSE-KMS objects need the
// same permissions through S3 as through KMS, and as its Authorizer for
// bucket policies (Authorize). Ciphertexts are not real
// encryption: they carry the key ARN and encryption context, enough to
// route and authorize a Decrypt. Tests only.
package kmssrv
