package cfn

import (
	"maps"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// This file reads the Redshift audit-log source: AWS::Redshift::Cluster
// (LoggingProperties, ClusterParameterGroupName) and
// AWS::Redshift::ClusterParameterGroup (Parameters). Property names are
// the CloudFormation resource reference's:
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-redshift-cluster.html
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-redshift-clusterparametergroup.html

var redshiftProperties = map[string][]string{
	"AWS::Redshift::Cluster": {"AllowVersionUpgrade", "AquaConfigurationStatus", "AutomatedSnapshotRetentionPeriod",
		"AvailabilityZone", "AvailabilityZoneRelocation", "AvailabilityZoneRelocationStatus", "Classic",
		"ClusterIdentifier", "ClusterParameterGroupName", "ClusterSecurityGroups", "ClusterSubnetGroupName",
		"ClusterType", "ClusterVersion", "DBName", "DeferMaintenance", "DeferMaintenanceDuration",
		"DeferMaintenanceEndTime", "DeferMaintenanceStartTime", "DestinationRegion", "ElasticIp", "Encrypted",
		"Endpoint", "EnhancedVpcRouting", "HsmClientCertificateIdentifier", "HsmConfigurationIdentifier", "IamRoles",
		"KmsKeyId", "LoggingProperties", "MaintenanceTrackName", "ManageMasterPassword", "ManualSnapshotRetentionPeriod",
		"MasterPasswordSecretKmsKeyId", "MasterUserPassword", "MasterUsername", "MultiAZ", "NamespaceResourcePolicy",
		"NodeType", "NumberOfNodes", "OwnerAccount", "Port", "PreferredMaintenanceWindow", "PubliclyAccessible",
		"ResourceAction", "RevisionTarget", "RotateEncryptionKey", "SnapshotClusterIdentifier",
		"SnapshotCopyGrantName", "SnapshotCopyManual", "SnapshotCopyRetentionPeriod", "SnapshotIdentifier", "Tags",
		"VpcSecurityGroupIds"},
	"AWS::Redshift::ClusterParameterGroup": {"Description", "ParameterGroupFamily", "ParameterGroupName", "Parameters", "Tags"},
}

// redshiftAttributes are their GetAtt attributes ("Return values").
var redshiftAttributes = map[string][]string{
	"AWS::Redshift::Cluster": {"ClusterNamespaceArn", "DeferMaintenanceIdentifier", "Endpoint.Address", "Endpoint.Port",
		"MasterPasswordSecretArn"},
	"AWS::Redshift::ClusterParameterGroup": {"ParameterGroupName"},
}

func init() {
	addTypes(redshiftProperties)
	for k := range redshiftProperties {
		pass1[k] = true
	}
	maps.Copy(attributes, redshiftAttributes)
	// Ref of both is the physical name (the cluster identifier, the
	// group's name).
	nameProperty["AWS::Redshift::Cluster"] = "ClusterIdentifier"
	nameProperty["AWS::Redshift::ClusterParameterGroup"] = "ParameterGroupName"
}

// redshiftRef is Ref of the Redshift types: their name.
func (t *template) redshiftRef(r *resource, line int) (*value, bool, error) {
	switch r.typ {
	case "AWS::Redshift::Cluster", "AWS::Redshift::ClusterParameterGroup":
		n, err := t.physicalName(r, line)
		if err != nil {
			return nil, true, err
		}
		return str(n.s, line), true, nil
	}
	return nil, false, nil
}

// redshiftAttr is GetAtt ParameterGroupName of a parameter group; the
// cluster's attributes are values AWS assigns.
func (t *template) redshiftAttr(r *resource, attr string, name func() (string, error)) (string, bool, error) {
	if r.typ+"."+attr == "AWS::Redshift::ClusterParameterGroup.ParameterGroupName" {
		n, err := name()
		return n, true, err
	}
	return "", false, nil
}

// redshiftCluster reads a cluster and its LoggingProperties: with a
// BucketName (or LogDestinationType cloudwatch) audit logging is enabled;
// without LoggingProperties the cluster does not log.
func (b *builder) redshiftCluster(home *account, r *resource, p props) error {
	t := b.t
	id, err := b.name(r)
	if err != nil {
		return err
	}
	c := &snapshot.RedshiftCluster{Identifier: id, ARN: t.arn("redshift", t.region, t.accountID, "cluster:"+id),
		Region: t.region, Location: p.loc(r.line), Logging: &snapshot.RedshiftLogging{Location: p.loc(r.line)}}
	group, err := p.str("ClusterParameterGroupName")
	if err != nil {
		return err
	}
	if group != "" {
		c.ParameterGroups = []string{group}
	}
	lp, ok, err := p.obj("LoggingProperties")
	if err != nil {
		return err
	}
	if ok {
		l := c.Logging
		l.Location = p.loc(lp.v.line)
		rd := lp.read()
		l.BucketName = rd.str("BucketName")
		l.S3KeyPrefix = rd.str("S3KeyPrefix")
		l.DestinationType = rd.str("LogDestinationType")
		l.LogExports = rd.strList("LogExports")
		if rd.err != nil {
			return rd.err
		}
		l.Enabled = l.BucketName != "" || l.DestinationType == snapshot.RedshiftLogToCloudWatch
		if l.DestinationType == "" && l.BucketName != "" {
			l.DestinationType = snapshot.RedshiftLogToS3
		}
	}
	home.RedshiftClusters = append(home.RedshiftClusters, c)
	return nil
}

// redshiftParameterGroup reads a parameter group's Parameters
// (ParameterName, ParameterValue).
func (b *builder) redshiftParameterGroup(home *account, r *resource, p props) error {
	name, err := b.name(r)
	if err != nil {
		return err
	}
	g := &snapshot.RedshiftParameterGroup{Name: name, Region: b.t.region, Parameters: map[string]string{}, Location: p.loc(r.line)}
	for it, err := range p.each("Parameters") {
		if err != nil {
			return err
		}
		rd := it.read()
		k := rd.str("ParameterName")
		v := rd.str("ParameterValue")
		if rd.err != nil {
			return rd.err
		}
		if k == snapshot.RedshiftUserActivityParameter {
			// The finding about the parameter points at where it is set.
			g.Location = p.loc(it.v.line)
		}
		g.Parameters[k] = v
	}
	if _, dup := home.redshiftGroups[name]; dup {
		return b.t.errf(r.line, "parameter group %s is declared twice", name)
	}
	put(home.redshiftGroups, &home.RedshiftParameterGroups, name, g)
	return nil
}
