package terraform

import (
	"fmt"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// This file reads the Redshift audit-log source (AWS provider argument
// names): aws_redshift_cluster with its logging block (provider 5; the
// block is gone in provider 6), aws_redshift_logging (the separate
// resource that replaces it) and aws_redshift_parameter_group's parameter
// blocks.

func init() {
	for _, h := range []struct {
		typ string
		h   func(*builder, *instance)
	}{
		// The cluster first, then the logging that attaches to it.
		{"aws_redshift_parameter_group", (*builder).redshiftParameterGroup},
		{"aws_redshift_cluster", (*builder).redshiftCluster},
		{"aws_redshift_logging", (*builder).redshiftLogging},
	} {
		handlers[h.typ] = h.h
		buildOrder = append(buildOrder, h.typ)
	}
}

// redshiftARN is the cluster ARN the provider exports (and the
// aws:SourceArn Redshift sends), formed from the identifier when the plan
// knows it only after apply.
func (b *builder) redshiftARN(in *instance, id string) string {
	return fmt.Sprintf("arn:%s:redshift:%s:%s:cluster:%s", b.partition(in), b.region(in), b.accountOf(in), id)
}

// redshiftID is a cluster's id, known only after apply in a plan: the
// provider sets it to cluster_identifier, so that
// aws_redshift_logging's cluster_identifier = aws_redshift_cluster.x.id
// (the provider's own example) names the cluster.
func (b *builder) redshiftID(in *instance, depth int) (string, bool) {
	id := b.sDepth(b.top(in), "cluster_identifier", depth+1)
	return id, id != "" && !snapshot.IsUnknown(id)
}

func (b *builder) redshiftCluster(in *instance) {
	v := b.top(in)
	id := b.s(v, "cluster_identifier")
	c := &snapshot.RedshiftCluster{Identifier: id, ARN: b.s(v, "arn"), Region: b.region(in), Location: b.loc(in),
		Logging: &snapshot.RedshiftLogging{Location: b.loc(in)}}
	if g := b.opt(v, "cluster_parameter_group_name"); g != "" {
		c.ParameterGroups = []string{g}
	}
	if l, ok := v.block("logging"); ok && l.boolean("enable", false) {
		b.setRedshiftLogging(c.Logging, l)
	}
	acct := b.accountOf(in)
	src := b.sources(acct)
	src.RedshiftClusters = append(src.RedshiftClusters, c)
	b.account(acct).regions[c.Region] = true
}

// setRedshiftLogging reads a logging block or an aws_redshift_logging:
// enabled, to S3 unless log_destination_type says cloudwatch.
func (b *builder) setRedshiftLogging(l *snapshot.RedshiftLogging, v view) {
	l.Enabled = true
	l.BucketName = b.opt(v, "bucket_name")
	l.S3KeyPrefix = b.opt(v, "s3_key_prefix")
	l.DestinationType = b.opt(v, "log_destination_type")
	if l.DestinationType == "" {
		l.DestinationType = snapshot.RedshiftLogToS3
	}
	l.LogExports = b.strs(v, "log_exports")
}

// redshiftLogging is aws_redshift_logging: it enables the audit logging
// of the cluster it names.
func (b *builder) redshiftLogging(in *instance) {
	v := b.top(in)
	id := b.s(v, "cluster_identifier")
	region := b.region(in)
	acct := b.accountOf(in)
	src := b.sources(acct)
	var c *snapshot.RedshiftCluster
	for _, x := range src.RedshiftClusters {
		if x.Identifier == id && x.Region == region {
			c = x
		}
	}
	if c == nil {
		// Logging of a cluster managed elsewhere: the cluster as far as
		// this resource says.
		c = &snapshot.RedshiftCluster{Identifier: id, ARN: b.redshiftARN(in, id), Region: region, Location: b.loc(in)}
		src.RedshiftClusters = append(src.RedshiftClusters, c)
	}
	c.Logging = &snapshot.RedshiftLogging{Location: b.loc(in)}
	b.setRedshiftLogging(c.Logging, v)
}

func (b *builder) redshiftParameterGroup(in *instance) {
	v := b.top(in)
	g := &snapshot.RedshiftParameterGroup{Name: b.s(v, "name"), Region: b.region(in), Parameters: map[string]string{}, Location: b.loc(in)}
	for _, p := range v.blocks("parameter") {
		g.Parameters[b.s(p, "name")] = b.s(p, "value")
	}
	acct := b.accountOf(in)
	src := b.sources(acct)
	src.RedshiftParameterGroups = append(src.RedshiftParameterGroups, g)
	b.account(acct).regions[g.Region] = true
}
