# The configuration fixtures/scenarios/single-account-trail-sns-broken/plan.json
# stands for: check --tf-dir points findings at these blocks.

data "aws_caller_identity" "a444444444444_us_west_2" {}

resource "aws_s3_bucket" "cloudtrail_logs_444444444444_us_west_2" {
  bucket = "cloudtrail-logs-444444444444-us-west-2"
}

resource "aws_s3_bucket_ownership_controls" "cloudtrail_logs_444444444444_us_west_2" {
  bucket = aws_s3_bucket.cloudtrail_logs_444444444444_us_west_2.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_policy" "cloudtrail_logs_444444444444_us_west_2" {
  bucket = aws_s3_bucket.cloudtrail_logs_444444444444_us_west_2.id
  policy = file("${path.module}/bucket-policy.json")
}

resource "aws_s3_bucket_request_payment_configuration" "cloudtrail_logs_444444444444_us_west_2" {
  bucket = aws_s3_bucket.cloudtrail_logs_444444444444_us_west_2.id
  payer  = "BucketOwner"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "cloudtrail_logs_444444444444_us_west_2" {
  bucket = aws_s3_bucket.cloudtrail_logs_444444444444_us_west_2.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_kms_key" "key_sns_encryption" {
  description = "SNS topic encryption"
  policy      = file("${path.module}/key-policy.json")
}

resource "aws_kms_alias" "alias_sns_encryption" {
  name          = "alias/sns-encryption"
  target_key_id = aws_kms_key.key_sns_encryption.key_id
}

resource "aws_sns_topic" "cloudtrail_log_delivery" {
  name              = "cloudtrail-log-delivery"
  kms_master_key_id = aws_kms_key.key_sns_encryption.arn
}

resource "aws_sns_topic_subscription" "cloudtrail_log_delivery_sub_0" {
  topic_arn = aws_sns_topic.cloudtrail_log_delivery.arn
  protocol  = "sqs"
  endpoint  = "arn:aws:sqs:us-west-2:111111111111:radiant-cloudtrail"
}

resource "aws_sns_topic_subscription" "cloudtrail_log_delivery_sub_1" {
  topic_arn = aws_sns_topic.cloudtrail_log_delivery.arn
  protocol  = "sqs"
  endpoint  = "arn:aws:sqs:us-west-2:111111111111:radiant-cloudtrail-2"
}

resource "aws_cloudtrail" "management_events" {
  name           = "management-events"
  s3_bucket_name = aws_s3_bucket.cloudtrail_logs_444444444444_us_west_2.id
  sns_topic_name = aws_sns_topic.cloudtrail_log_delivery.name
}

resource "aws_iam_role" "radiant_aws_access_role" {
  name               = "RadiantAWSAccessRole"
  assume_role_policy = file("${path.module}/trust.json")
}

resource "aws_iam_role_policy" "radiant_aws_access_role_radiantread" {
  name   = "radiantread"
  role   = aws_iam_role.radiant_aws_access_role.id
  policy = file("${path.module}/read.json")
}
