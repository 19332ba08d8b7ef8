# METADATA
# title: Connector configured for another region or partition than its queue
# description: >-
#   Connectors look a queue up in the region entered in their console (e.g.
#   Splunk's sqs_queue_region, the region fields of SkyFormation and
#   Rapid7): a queue in another region is "AWS.SimpleQueueService.NonExistentQueue:
#   The specified queue does not exist". ARNs written with the aws partition
#   break in GovCloud (aws-us-gov) and China (aws-cn). SNS to SQS across
#   regions is allowed, so only the connector's own settings are checked.
# related_resources:
#   - ref: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html
#   - ref: https://docs.aws.amazon.com/general/latest/gr/aws-arns-and-namespaces.html
# custom:
#   id: SQ03
#   severity: high
#   smoke: [queue-not-found]
#   area: queue
#   hops: [queue]
#   reads:
#     - ec2:DescribeRegions
#     - s3:GetBucketLocation
#     - sqs:GetQueueAttributes
#     - sqs:ListQueues
#     - sts:AssumeRole
#   remediation: >-
#     Enter the queue's region (and partition) in the connector's settings.
package trailgate.rules.sq03

import data.trailgate.lib
import data.trailgate.lib.datapath

queue := input.connector.queue

deny contains f if {
	queue != ""
	want := input.connector.region
	want != ""
	got := lib.region_of_arn(queue)
	got != want
	f0 := {
		"resource": lib.resource(queue, "AWS::SQS::Queue", lib.account_of_arn(queue), got),
		"message": sprintf("the connector is configured for region %s, but its queue %s is in %s: the connector will report that the queue does not exist", [want, queue, got]),
		"fact": sprintf("region %s", [want]),
		"remediation": sprintf("Set the region in the vendor's console (and region: in the connector file) to %s.", [got]),
	}
	f := lib.with_fix(f0, lib.outside_fix("the region is a setting of the connector (the vendor's console and the connector file), not of the queue"))
}

deny contains f if {
	some field in ["queue", "role"]
	arn := object.get(input.connector, field, "")
	startswith(arn, "arn:")
	got := split(arn, ":")[1]
	got != lib.partition
	f0 := {
		"resource": lib.resource(arn, resource_type[field], lib.account_of_arn(arn), lib.region_of_arn(arn)),
		"message": sprintf("the connector's %s %s is in partition %s, but the organization is in partition %s", [field, arn, got, lib.partition]),
		"fact": sprintf("partition %s", [got]),
		"remediation": sprintf("Write the connector's %s with the %s partition: %s", [field, lib.partition, concat(":", array.concat(["arn", lib.partition], array.slice(split(arn, ":"), 2, 6)))]),
	}
	f := lib.with_fix(f0, lib.outside_fix("the ARN is written in the connector's settings (the vendor's console and the connector file), not in the resource"))
}

resource_type := {"queue": "AWS::SQS::Queue", "role": "AWS::IAM::Role"}

# The connector's vendor profile steps that name SQ03 (skyformation K1: the
# Region of the trail's bucket, rego/lib/guide_steps.rego; rapid7 P4: the
# storage region is the bucket's, lib/datapath.rego).
deny contains f if some f in datapath.profile_findings.SQ03
