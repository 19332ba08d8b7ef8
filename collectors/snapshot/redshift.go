package snapshot

import (
	"cmp"
	"slices"
)

// Redshift audit logging destinations (DescribeLoggingStatus
// LogDestinationType; empty on clusters that log to S3 from before the
// field existed).
const (
	RedshiftLogToS3         = "s3"
	RedshiftLogToCloudWatch = "cloudwatch"
)

// RedshiftUserActivityParameter is the database parameter that turns on
// the user activity log: audit logging writes the connection and user
// logs, and the user activity log only when this parameter of the
// cluster's parameter group is true (default false:
// https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html).
const RedshiftUserActivityParameter = "enable_user_activity_logging"

// RedshiftCluster is a provisioned Redshift cluster with its database
// audit logging (DescribeLoggingStatus) and the parameter groups it uses.
type RedshiftCluster struct {
	// Identifier is the cluster identifier; ARN is
	// arn:<partition>:redshift:<region>:<account>:cluster:<identifier>,
	// the aws:SourceArn Redshift sends when it writes audit logs.
	Identifier string `json:"identifier"`
	ARN        string `json:"arn"`
	Region     string `json:"region"`
	// Logging is the cluster's audit logging; nil when it was not read
	// (DescribeLoggingStatus failed). IaC collectors set it for every
	// cluster they declare: one declared without logging does not log.
	Logging *RedshiftLogging `json:"logging,omitempty"`
	// ParameterGroups are the names of the cluster's parameter groups
	// (ClusterParameterGroups[].ParameterGroupName).
	ParameterGroups []string  `json:"parameter_groups,omitempty"`
	Location        *Location `json:"location,omitempty"`
}

// RedshiftLogging is a cluster's audit logging status.
type RedshiftLogging struct {
	Enabled bool `json:"enabled"`
	// DestinationType is s3 or cloudwatch; empty means s3 (a bucket is
	// named).
	DestinationType string `json:"destination_type,omitempty"`
	BucketName      string `json:"bucket_name,omitempty"`
	// S3KeyPrefix is placed at the start of each log file's key, before
	// AWSLogs/.
	S3KeyPrefix string `json:"s3_key_prefix,omitempty"`
	// LogExports are the log types exported to CloudWatch Logs
	// (connectionlog, useractivitylog, userlog).
	LogExports []string `json:"log_exports,omitempty"`
	// LastFailureMessage is the last delivery failure Redshift reported.
	LastFailureMessage string    `json:"last_failure_message,omitempty"`
	Location           *Location `json:"location,omitempty"`
}

// RedshiftParameterGroup is a cluster parameter group with the parameters
// the rules read (DescribeClusterParameters, Source user: the values set
// on the group; an unset parameter has its engine default).
type RedshiftParameterGroup struct {
	Name   string `json:"name"`
	Region string `json:"region"`
	// Parameters maps a parameter name to its value as Redshift returns
	// it ("true", "false", …).
	Parameters map[string]string `json:"parameters,omitempty"`
	// Location is where IaC declares the group, or the line that sets
	// enable_user_activity_logging when it does: what a finding about
	// the parameter points at.
	Location *Location `json:"location,omitempty"`
}

// mergeRedshift overlays clusters by ARN and parameter groups by region
// and name.
func mergeRedshift(da, sa *Account) {
	da.RedshiftClusters = mergeBy(da.RedshiftClusters, sa.RedshiftClusters, func(c RedshiftCluster) string { return c.ARN })
	da.RedshiftParameterGroups = mergeBy(da.RedshiftParameterGroups, sa.RedshiftParameterGroups,
		func(g RedshiftParameterGroup) string { return g.Region + "/" + g.Name })
}

// sortRedshift orders clusters by ARN and parameter groups by region and
// name.
func sortRedshift(a *Account) {
	slices.SortFunc(a.RedshiftClusters, func(x, y RedshiftCluster) int { return cmp.Compare(x.ARN, y.ARN) })
	sortBy(a.RedshiftParameterGroups, func(g RedshiftParameterGroup) string { return g.Region }, func(g RedshiftParameterGroup) string { return g.Name })
}
