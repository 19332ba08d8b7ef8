# The configuration org_trail.json was planned from (locations test).

data "aws_caller_identity" "current" {}

data "aws_organizations_organization" "org" {}

module "log_bucket" {
  source = "./modules/log-bucket"
  name   = "org-trail-logs-111111111111"
}

resource "aws_cloudtrail" "org" {
  name                       = "org-trail"
  s3_bucket_name             = module.log_bucket.id
  is_organization_trail      = true
  is_multi_region_trail      = true
  enable_log_file_validation = true

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }
}

resource "aws_cloudtrail" "legacy" {
  name           = "legacy"
  s3_bucket_name = module.log_bucket.id
}
