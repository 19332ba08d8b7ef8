# METADATA
# title: The landing zone's log bucket is not protected as its guide sets it
# description: >-
#   The org-formation landing-zone guide keeps the organization trail's
#   log files in a bucket with public access blocked (all four settings),
#   versioning enabled and a lifecycle rule. Reported, for an organization
#   declared with org-formation only, when a setting of the bucket's public
#   access block is declared off, when versioning is not enabled, and when
#   no lifecycle rule is enabled. None of them stops delivery: each leaves
#   the log files exposed, overwritable or kept without end.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
#   - ref: https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html
#   - ref: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/best-practices-security.html
#     description: versioning and lifecycle of the trail's bucket
# custom:
#   id: LZ01
#   severity: medium
#   area: bucket
#   hops: [bucket]
#   reads:
#     - s3:GetBucketLifecycleConfiguration
#     - s3:GetBucketVersioning
#     - s3:GetPublicAccessBlock
#     - s3:ListBuckets
#   remediation: >-
#     In the landing zone's bucket template set PublicAccessBlockConfiguration
#     (all four true), VersioningConfiguration Status Enabled, and a
#     LifecycleConfiguration rule.
package trailgate.rules.lz01

import data.trailgate.lib.landingzone

deny contains f if some f in landingzone.findings.LZ01
