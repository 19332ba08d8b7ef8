# The configuration connector_role.json was planned from (locations test):
# a counted block's instances all point at the block.

data "aws_caller_identity" "current" {}

variable "managed_policies" {
  type = list(string)
}

resource "aws_iam_role" "expel" {
  name                 = "ExpelRole"
  assume_role_policy   = file("${path.module}/trust.json")
  permissions_boundary = null
  tags                 = {}
}

resource "aws_iam_policy" "read" {
  name   = "expel-read"
  path   = "/"
  policy = file("${path.module}/read.json")
}

resource "aws_iam_role_policy_attachment" "read" {
  role       = aws_iam_role.expel.name
  policy_arn = aws_iam_policy.read.arn
}

resource "aws_iam_role_policy_attachment" "managed" {
  count      = length(var.managed_policies)
  role       = aws_iam_role.expel.name
  policy_arn = var.managed_policies[count.index]
}

resource "aws_iam_role_policy" "kms" {
  name   = "kms"
  role   = aws_iam_role.expel.id
  policy = "{}"
}
