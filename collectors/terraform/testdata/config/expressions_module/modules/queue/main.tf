variable "name" {
  type = string
}

variable "topic_arn" {
  type = string
}

resource "aws_sqs_queue" "this" {
  name_prefix = "${var.name}-"
}

resource "aws_sqs_queue_policy" "this" {
  queue_url = aws_sqs_queue.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = var.name
      Effect    = "Allow"
      Principal = { Service = "sns.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = aws_sqs_queue.this.arn
      Condition = { ArnEquals = { "aws:SourceArn" = var.topic_arn } }
    }]
  })
}
