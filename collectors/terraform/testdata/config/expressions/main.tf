# Expressions whose value the plan leaves "known after apply", in the
# forms expr_test.go checks: count and for_each instances, locals built
# from variables, module calls, and forms that stay unknown.

variable "env" {
  default = "prod"
}

variable "queues" {
  default = { splunk = "siem", sumo = "archive" }
}

data "aws_caller_identity" "current" {}

locals {
  prefix  = "logs-${var.env}"
  account = data.aws_caller_identity.current.account_id
}

resource "aws_s3_bucket" "b" {
  count         = 2
  bucket_prefix = "${local.prefix}-${count.index}-"
}

resource "aws_s3_bucket_policy" "b" {
  count  = 2
  bucket = aws_s3_bucket.b[count.index].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${local.account}:root" }
        Action    = "s3:GetObject"
        Resource  = "${aws_s3_bucket.b[count.index].arn}/*"
      },
      {
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.b[0].arn, "${aws_s3_bucket.b[1].arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sqs_queue" "q" {
  for_each    = var.queues
  name_prefix = "${each.key}-"
}

resource "aws_sqs_queue_policy" "q" {
  for_each  = var.queues
  queue_url = aws_sqs_queue.q[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = format("%s%s", each.key, each.value)
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.q[each.key].arn
      Condition = {
        ArnEquals             = { "aws:SourceArn" = join(":", ["arn:aws:sns:us-east-1", local.account, "t"]) }
        NumericLessThanEquals = { "sqs:MessageSize" = aws_sqs_queue.q[each.key].max_message_size }
      }
    }]
  })
}

resource "aws_sns_topic" "t" {
  name_prefix = "t-"
}

# A conditional could compare a symbol with a literal: it stays unknown.
resource "aws_sns_topic_policy" "t" {
  arn = aws_sns_topic.t.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sns:Publish"
      Resource  = var.env == "prod" ? aws_sns_topic.t.arn : "*"
    }]
  })
}
