# METADATA
# title: Requester Pays log bucket read from another account
# description: >-
#   When a bucket's request payment is Requester, every request from another
#   account must carry x-amz-request-payer: requester (and the requester pays
#   for it); connectors do not send it, so their GetObject and ListBucket get
#   403 AccessDenied. Reported for log buckets with Payer=Requester that a
#   reader in another account reads.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/ObjectsinRequesterPaysBuckets.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/RequesterPaysBuckets.html
# custom:
#   id: S303
#   severity: medium
#   area: bucket
#   hops: [read]
#   reads:
#     - s3:GetBucketRequestPayment
#     - s3:ListBuckets
#     - sts:AssumeRole
#   remediation: >-
#     Set the bucket's request payment back to BucketOwner, or configure the
#     connector to send x-amz-request-payer: requester.
package trailgate.rules.s303

import data.trailgate.lib

deny contains f if {
	some r in lib.readers
	some name in r.buckets
	b := lib.bucket_named(name)
	b.bucket.request_payer == "Requester"
	lib.account_of_arn(r.role) != b.account
	f := lib.with_fix(lib.with_location(
		{
			"resource": lib.resource(b.bucket.arn, "AWS::S3::Bucket", b.account, b.bucket.region),
			"message": sprintf("bucket %s is Requester Pays: %s (account %s) gets 403 on every request that does not send x-amz-request-payer: requester", [b.bucket.name, r.role, lib.account_of_arn(r.role)]),
			"fact": sprintf("%s requester pays", [r.role]),
			"remediation": sprintf("aws s3api put-bucket-request-payment --bucket %s --request-payment-configuration Payer=BucketOwner", [b.bucket.name]),
		},
		b.bucket,
	), lib.set_fix({"RequestPaymentConfiguration": {"Payer": "BucketOwner"}}))
}
