# METADATA
# title: The design changes a Control Tower trail, which the guardrail forbids
# description: >-
#   Control Tower's mandatory guardrail (GRCLOUDTRAILENABLED's SCP) denies
#   cloudtrail:UpdateTrail, PutEventSelectors, StopLogging and DeleteTrail
#   on trail/aws-controltower-* to everyone but AWSControlTowerExecution, so
#   a design that adds an SNS topic, a KMS key or event selectors to that
#   trail fails with an explicit-deny AccessDenied. Reported when IaC
#   declares an aws-controltower-* trail that applying it creates, updates,
#   replaces or deletes (not a Terraform no-op or data source read), or
#   when the connector's guide needs a trail SNS notification (radiant step
#   R3) that the Control Tower trail lacks. Connectors should use S3 event
#   notifications on the Control Tower logs bucket instead, as Expel does.
# related_resources:
#   - ref: https://docs.aws.amazon.com/controltower/latest/controlreference/mandatory-controls.html
#   - ref: https://docs.aws.amazon.com/controltower/latest/userguide/cloudtrail.html
# custom:
#   id: CT06
#   severity: medium
#   area: trail
#   hops: [writer]
#   reads:
#     - cloudtrail:DescribeTrails
#     - organizations:DescribePolicy
#     - organizations:ListPolicies
#     - organizations:ListTargetsForPolicy
#   remediation: >-
#     Leave the Control Tower trail as Control Tower manages it; announce its
#     log files with an S3 event notification on the aws-controltower-logs
#     bucket (to an SNS topic in the bucket's Region) instead.
package trailgate.rules.ct06

import data.trailgate.lib
import data.trailgate.lib.datapath

control_tower(t) if startswith(t.name, "aws-controltower-")

# notify_instead is where the design's notifications come from instead.
notify_instead(t, how) := sprintf("add to bucket %s a notification (%s) and subscribe the connector's queue to that topic", [t.s3_bucket_name, how])

cfn_notification := "NotificationConfiguration TopicConfigurations: Event s3:ObjectCreated:*, Topic a topic in the bucket's Region"

tf_notification := `an aws_s3_bucket_notification whose topic block has events ["s3:ObjectCreated:*"] and topic_arn a topic in the bucket's Region`

fix(t) := sprintf("Do not modify %s; add to bucket %s a notification {\"TopicConfigurations\":[{\"TopicArn\":\"arn:%s:sns:<bucket region>:<log archive account>:<topic>\",\"Events\":[\"s3:ObjectCreated:*\"]}]} and subscribe the connector's queue to that topic", [t.arn, t.s3_bucket_name, lib.partition])

# calls names the CloudTrail API calls applying an IaC change makes. A
# Terraform no-op (the trail imported and left as it is) or a data source
# read calls nothing; a change the input does not state (a CloudFormation
# template, a plan without resource_changes) is taken as the declaration
# it is: applying it creates or updates the trail.
calls(loc) := "DeleteTrail" if {
	loc.change == "delete"
} else := "DeleteTrail, then CreateTrail" if {
	loc.change == "replace"
} else := "UpdateTrail/PutEventSelectors" if {
	not object.get(loc, "change", "") in {"no-op", "read", "delete", "replace"}
}

deny contains f if {
	some e in lib.trails
	control_tower(e.trail)
	loc := e.trail.location
	api := calls(loc)
	f := lib.with_fix({
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", lib.source(e.trail.arn).account, e.trail.home_region),
		"message": sprintf("%s declares the Control Tower trail %s: applying it calls %s, which Control Tower's mandatory SCP denies to everyone but AWSControlTowerExecution", [object.get(loc, "file", object.get(loc, "address", "the template")), e.trail.name, api]),
		"fact": "iac-modifies-control-tower-trail",
		"remediation": fix(e.trail),
	}, remove_fix(e.trail, loc))
}

# remove_fix: a template must not declare the Control Tower trail at all;
# the notifications the design wanted from it come from the trail's
# bucket instead (said, as the fix's Also). A template's resource has a
# CloudFormation logical ID (alphanumeric) as its address. A Terraform
# resource (a dotted address) the plan updates is in the state: removing
# its block alone would plan the trail's deletion, so the change (written
# by the renderer) is a removed block with lifecycle { destroy = false }
# (Terraform 1.7 or later;
# https://developer.hashicorp.com/terraform/language/state/remove) or
# terraform state rm. A trail the plan would create is not in the state,
# and no other change is known to be right for it: prose there.
remove_fix(t, loc) := {"remove": true, "also": sprintf("if the stack already manages the trail, first set DeletionPolicy: Retain on it and update the stack, so that removing it does not delete Control Tower's trail; then %s", [notify_instead(t, cfn_notification)])} if {
	regex.match(`^[A-Za-z0-9]+$`, object.get(loc, "address", ""))
	object.get(loc, "change", "") in {"", "create", "update"}
} else := {"remove": true, "also": notify_instead(t, tf_notification)} if {
	contains(object.get(loc, "address", ""), ".")
	object.get(loc, "change", "") == "update"
} else := null

deny contains f if {
	some step in datapath.required_steps
	step.require.trail_sns == true
	"cloudtrail" in lib.connector_sources
	some e in lib.trails
	control_tower(e.trail)
	object.get(e.trail, "sns_topic_arn", "") == ""
	f := {
		"resource": lib.resource(e.trail.arn, "AWS::CloudTrail::Trail", lib.source(e.trail.arn).account, e.trail.home_region),
		"message": datapath.step_message(step.id, sprintf("the guide adds an SNS notification to the trail, but %s is a Control Tower trail: UpdateTrail on it is denied by Control Tower's mandatory SCP", [e.trail.arn])),
		"fact": sprintf("%s-needs-trail-sns", [datapath.profile_name]),
		"remediation": fix(e.trail),
	}
}
