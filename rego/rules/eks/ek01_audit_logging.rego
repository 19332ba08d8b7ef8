# METADATA
# title: EKS cluster does not send its audit log to CloudWatch Logs
# description: >-
#   EKS sends a control plane log type to CloudWatch Logs, in the group
#   /aws/eks/<cluster>/cluster, only when that type is enabled; by default
#   none is. Without the audit type nothing reaches the subscription filter,
#   Firehose or the bucket, and the reader sees no EKS audit log (rapid7
#   step P5). Judged on the cluster hop of the EKS audit-log path
#   analyzer/datapath builds for every cluster the connector reads
#   (sources: [eks]), or, without such a connector, for every cluster
#   whose log group already subscribes a Firehose stream.
# related_resources:
#   - ref: https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html
#   - ref: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-logging.html
# custom:
#   id: EK01
#   severity: critical
#   area: eks
#   hops: [writer]
#   reads:
#     - eks:DescribeCluster
#     - eks:ListClusters
#     - sts:AssumeRole
#   remediation: >-
#     Enable the audit log type of the cluster (aws eks update-cluster-config
#     --logging, or Logging.ClusterLogging.EnabledTypes in the template).
package trailgate.rules.ek01

import data.trailgate.lib
import data.trailgate.lib.eks

deny contains f if {
	some [p, h] in eks.broken_hops({"writer"})
	some pr in eks.problems(h)
	c := eks.cluster(p.source.arn)
	f := lib.with_fix(eks.with_location({
		"resource": lib.resource(c.arn, "AWS::EKS::Cluster", p.source.account, c.region),
		"message": eks.message(pr),
		"fact": sprintf("%s %s", [h.kind, pr]),
		"remediation": sprintf("aws eks update-cluster-config --region %s --name %s --logging '{\"clusterLogging\":[{\"types\":[\"audit\"],\"enabled\":true}]}' (in a template: Logging.ClusterLogging.EnabledTypes lists Type: audit)", [c.region, c.name]),
	}, object.get(c, "location", null)), logging_fix(c))
}

# logging_fix enables the audit type beside the types the cluster already
# sends: CloudFormation's Logging.ClusterLogging.EnabledTypes is the whole
# list (a type left out is disabled), so the list keeps them.
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-cluster-logging.html
logging_fix(c) := lib.set_fix({"Logging": {"ClusterLogging": {"EnabledTypes": array.concat(
	[{"Type": t} | some t in object.get(c, "enabled_log_types", []); t != "audit"],
	[{"Type": "audit"}],
)}}})
