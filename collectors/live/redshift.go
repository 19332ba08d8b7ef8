package live

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/redshift"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectRedshift reads the provisioned clusters of cfg.Region with their
// database audit logging (DescribeLoggingStatus) and the parameter groups
// they use (DescribeClusterParameters), the reads of SkyFormation's K5.
// A default parameter group (default.*) is not read: it cannot be
// modified, so its enable_user_activity_logging is the engine default,
// false, which the delivery path knows
// (https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-parameter-groups.html).
func (c *collector) collectRedshift(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := redshift.NewFromConfig(cfg)
	region := cfg.Region
	groups := map[string]bool{}
	p := redshift.NewDescribeClustersPaginator(cl, &redshift.DescribeClustersInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if c.fail(account, region, "redshift", "DescribeClusters", "", err) {
			return
		}
		for _, k := range page.Clusters {
			id := aws.ToString(k.ClusterIdentifier)
			// DescribeClusters gives no cluster ARN; this is its form,
			// the aws:SourceArn Redshift sends when it writes audit logs.
			rc := snapshot.RedshiftCluster{Identifier: id, ARN: "arn:" + c.partN + ":redshift:" + region + ":" + account + ":cluster:" + id, Region: region}
			for _, g := range k.ClusterParameterGroups {
				if n := aws.ToString(g.ParameterGroupName); n != "" {
					rc.ParameterGroups = append(rc.ParameterGroups, n)
					groups[n] = true
				}
			}
			out, err := cl.DescribeLoggingStatus(ctx, &redshift.DescribeLoggingStatusInput{ClusterIdentifier: k.ClusterIdentifier})
			if !c.fail(account, region, "redshift", "DescribeLoggingStatus", rc.ARN, err) {
				rc.Logging = &snapshot.RedshiftLogging{Enabled: aws.ToBool(out.LoggingEnabled), BucketName: aws.ToString(out.BucketName),
					S3KeyPrefix: aws.ToString(out.S3KeyPrefix), DestinationType: string(out.LogDestinationType), LogExports: out.LogExports,
					LastFailureMessage: aws.ToString(out.LastFailureMessage)}
				if len(out.LogExports) == 0 {
					// An empty <LogExports/> is no export.
					rc.Logging.LogExports = nil
				}
			}
			into.RedshiftClusters = append(into.RedshiftClusters, rc)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		if strings.HasPrefix(name, "default.") {
			continue
		}
		if g, ok := c.redshiftParameterGroup(ctx, cl, account, region, name); ok {
			into.RedshiftParameterGroups = append(into.RedshiftParameterGroups, g)
		}
	}
}

// redshiftParameterGroup reads a group's parameters and keeps those the
// rules read (enable_user_activity_logging), whether the group sets them
// or holds the engine default.
func (c *collector) redshiftParameterGroup(ctx context.Context, cl *redshift.Client, account, region, name string) (snapshot.RedshiftParameterGroup, bool) {
	g := snapshot.RedshiftParameterGroup{Name: name, Region: region, Parameters: map[string]string{}}
	p := redshift.NewDescribeClusterParametersPaginator(cl, &redshift.DescribeClusterParametersInput{ParameterGroupName: aws.String(name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if c.fail(account, region, "redshift", "DescribeClusterParameters", name, err) {
			return g, false
		}
		for _, prm := range page.Parameters {
			if n := aws.ToString(prm.ParameterName); n == snapshot.RedshiftUserActivityParameter {
				g.Parameters[n] = aws.ToString(prm.ParameterValue)
			}
		}
	}
	return g, true
}
