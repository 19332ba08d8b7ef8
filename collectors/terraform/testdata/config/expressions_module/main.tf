# A module instance's policy built from an argument its caller passes: the
# topic ARN inside module.queue["splunk"] is the root topic's symbol.

resource "aws_sns_topic" "t" {
  name_prefix = "t-"
}

module "queue" {
  source    = "./modules/queue"
  for_each  = { splunk = "siem" }
  name      = "${each.key}-${each.value}"
  topic_arn = aws_sns_topic.t.arn
}

# The same module called again: its resources are read under this call too.
module "archive" {
  source    = "./modules/queue"
  name      = "archive"
  topic_arn = aws_sns_topic.t.arn
}
