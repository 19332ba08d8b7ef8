# METADATA
# title: Redshift cluster does not write its audit logs (or its user activity log) to S3
# description: >-
#   Redshift writes a cluster's connection and user logs to S3 only when
#   database audit logging is enabled with an S3 destination (EnableLogging
#   BucketName, S3KeyPrefix; LogDestinationType s3): with logging off, or
#   sent to CloudWatch Logs, no file reaches the bucket the reader reads.
#   The user activity log is written only when the cluster's parameter
#   group also sets enable_user_activity_logging to true (default false;
#   a default parameter group cannot be changed): demanded where the
#   connector's guide asks for the user activity log (skyformation step K5,
#   require.redshift_user_activity_logging). Judged on the writer hop of
#   the Redshift audit-log path analyzer/datapath builds for every cluster
#   the connector reads (sources: [redshift]), or, without a connector,
#   for every cluster that already logs to S3.
# related_resources:
#   - ref: https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html
#   - ref: https://docs.aws.amazon.com/redshift/latest/APIReference/API_EnableLogging.html
#   - ref: https://docs.aws.amazon.com/redshift/latest/APIReference/API_DescribeLoggingStatus.html
#   - ref: https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-parameter-groups.html
# custom:
#   id: RS01
#   severity: critical
#   area: redshift
#   hops: [writer]
#   reads:
#     - redshift:DescribeClusterParameters
#     - redshift:DescribeClusters
#     - redshift:DescribeLoggingStatus
#     - sts:AssumeRole
#   remediation: >-
#     Enable the cluster's audit logging to the S3 bucket the reader reads
#     (aws redshift enable-logging, or LoggingProperties in the template),
#     and set enable_user_activity_logging to true in its parameter group.
package trailgate.rules.rs01

import data.trailgate.lib
import data.trailgate.lib.eks
import data.trailgate.lib.redshift

deny contains f if {
	some [p, h] in redshift.broken_hops({"writer"})
	some pr in eks.problems(h)
	c := redshift.cluster(p.source.arn)
	f := object.union(finding(p, c, pr), redshift.step_field)
}

# Fixes as data: the setting in the template's and the configuration's
# terms (a Parameters entry, a new parameter group, LoggingProperties:
# each a resource or list entry the author places, so said, not written).
group_fix(c, name) := {"also": sprintf("declare a cluster parameter group of family redshift-1.0 (a default group cannot be changed) whose parameters set enable_user_activity_logging to \"true\" (a template's AWS::Redshift::ClusterParameterGroup Parameters; Terraform's aws_redshift_parameter_group parameter block), and name it in cluster %s's ClusterParameterGroupName (cluster_parameter_group_name)", [c.identifier])} if {
	startswith(name, "default.")
} else := {"also": sprintf("set enable_user_activity_logging to \"true\" in the parameters of group %s: the entry {ParameterName: enable_user_activity_logging, ParameterValue: \"true\"} of its Parameters in a template, a parameter block with name = \"enable_user_activity_logging\" and value = \"true\" in its aws_redshift_parameter_group; the cluster applies it at its next reboot", [name])}

logging_data_fix(c) := {"also": sprintf("turn on audit logging of cluster %s to S3: LoggingProperties with BucketName <audit bucket> and S3KeyPrefix <prefix> on its AWS::Redshift::Cluster in a template, an aws_redshift_logging of it with log_destination_type = \"s3\" in Terraform", [c.identifier])}

# A parameter group's problem is about the group: where it is declared.
finding(p, c, pr) := eks.with_location({
	"resource": lib.resource(g.arn, g.type, g.account, g.region),
	"message": redshift.message(pr),
	"fact": sprintf("writer %s", [pr]),
	"remediation": parameter_fix(c, name),
	"fix": group_fix(c, name),
}, located_group(p.source.account, c, name)) if {
	contains(pr, "enable_user_activity_logging")
	some g in [r | some r in p.hops[0].resources; r.type == "AWS::Redshift::ClusterParameterGroup"; contains(pr, sprintf(" %s ", [group_name(r.arn)]))]
	name := group_name(g.arn)
} else := eks.with_location({
	"resource": lib.resource(c.arn, "AWS::Redshift::Cluster", p.source.account, c.region),
	"message": redshift.message(pr),
	"fact": sprintf("writer %s", [pr]),
	"remediation": logging_fix(c),
	"fix": logging_data_fix(c),
}, logging_location(c))

group_name(arn) := split(arn, ":parametergroup:")[1]

located_group(account, c, name) := l if {
	l := redshift.parameter_group(account, c.region, name).location
} else := object.get(c, "location", null)

logging_location(c) := l if {
	l := c.logging.location
	l.file
} else := object.get(c, "location", null)

logging_fix(c) := sprintf("aws redshift enable-logging --region %s --cluster-identifier %s --log-destination-type s3 --bucket-name <audit bucket> --s3-key-prefix <prefix> (in a template: LoggingProperties with BucketName and S3KeyPrefix; in Terraform: aws_redshift_logging with log_destination_type = \"s3\")", [c.region, c.identifier])

parameter_fix(c, name) := sprintf("Create a parameter group with enable_user_activity_logging=true and attach it: aws redshift create-cluster-parameter-group --region %s --parameter-group-name %s-audit --parameter-group-family redshift-1.0 --description audit && aws redshift modify-cluster-parameter-group --region %s --parameter-group-name %s-audit --parameters ParameterName=enable_user_activity_logging,ParameterValue=true && aws redshift modify-cluster --region %s --cluster-identifier %s --cluster-parameter-group-name %s-audit (a default group cannot be changed)", [c.region, c.identifier, c.region, c.identifier, c.region, c.identifier, c.identifier]) if {
	startswith(name, "default.")
} else := sprintf("aws redshift modify-cluster-parameter-group --region %s --parameter-group-name %s --parameters ParameterName=enable_user_activity_logging,ParameterValue=true (in a template: Parameters of the AWS::Redshift::ClusterParameterGroup; the cluster applies it at its next reboot)", [c.region, name])
