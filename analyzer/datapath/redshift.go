package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// The Redshift audit-log path (SkyFormation guide step K5):
//
//	Redshift cluster with audit logging enabled to S3 (and, where the
//	  vendor's guide asks for the user activity log, its parameter group
//	  setting enable_user_activity_logging to true)
//	→ the bucket, written by redshift.amazonaws.com under
//	  <prefix>/AWSLogs/<account>/redshift/<region>/ (the bucket policy must
//	  let it s3:GetBucketAcl and s3:PutObject, aws:SourceArn the cluster)
//	→ the reader, which lists and gets the log files.
//
// https://docs.aws.amazon.com/redshift/latest/mgmt/db-auditing.html
// (bucket permissions, bucket structure, the parameter) and
// https://docs.aws.amazon.com/redshift/latest/APIReference/API_EnableLogging.html
// (the bucket must be in the cluster's Region).

// SourceRedshift is a Redshift cluster's database audit log, written by
// Redshift to S3.
const SourceRedshift SourceKind = "redshift"

// principalRedshift is the service principal that writes audit logs; the
// documented bucket policy names it.
const principalRedshift = "redshift.amazonaws.com"

// defaultParameterGroupPrefix starts the names of the default parameter
// groups (default.redshift-1.0): they cannot be modified, so their
// enable_user_activity_logging is the engine default, false.
const defaultParameterGroupPrefix = "default."

// redshiftWanted says which clusters to follow: with a connector, every
// cluster when it names the redshift source and none otherwise (a
// connector file without sources reads cloudtrail and guardduty:
// lib.connector_sources); without a connector, those that already log to
// S3 (someone set the chain up), so that a cluster nobody ships audit
// logs from is not reported.
func (b *builder) redshiftWanted(c *snapshot.RedshiftCluster) bool {
	if b.conn != nil {
		return slices.Contains(b.conn.Sources, string(SourceRedshift))
	}
	l := c.Logging
	return l != nil && l.Enabled && l.DestinationType != snapshot.RedshiftLogToCloudWatch
}

// redshiftPaths returns the audit-log path of every followed cluster.
func (b *builder) redshiftPaths() []Path {
	var out []Path
	for account, c := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.RedshiftCluster { return a.RedshiftClusters }) {
		if b.redshiftWanted(c) {
			out = append(out, b.redshiftPath(account, c))
		}
	}
	return out
}

// redshiftKeyPrefix is where a cluster's audit logs land: the S3 key
// prefix, then AWSLogs/<account>/redshift/<region>/ (db-auditing.html,
// "Bucket structure": a prefix myprefix gives myprefix/AWSLogs/…).
func redshiftKeyPrefix(prefix, account, region string) string {
	p := strings.TrimSuffix(prefix, "/")
	if p != "" {
		p += "/"
	}
	return p + "AWSLogs/" + account + "/redshift/" + region + "/"
}

func (b *builder) redshiftPath(account string, c *snapshot.RedshiftCluster) Path {
	wh := Hop{Kind: HopWriter, Resources: []Resource{{ARN: c.ARN, Type: "AWS::Redshift::Cluster", Account: account, Region: c.Region}}}
	src := Source{Kind: SourceRedshift, ARN: c.ARN, Account: account, Region: c.Region, KeySuffix: ".gz"}
	path := Path{ID: c.ARN, Source: src}
	l := c.Logging
	switch {
	case l == nil:
		wh.Problems = append(wh.Problems, unknownProblem("the audit logging of cluster "+c.Identifier+" was not read"))
	case !l.Enabled:
		wh.Problems = append(wh.Problems, "cluster "+c.Identifier+" does not have audit logging enabled: Redshift writes no connection, user or user activity log")
	case l.DestinationType == snapshot.RedshiftLogToCloudWatch:
		wh.Problems = append(wh.Problems, "cluster "+c.Identifier+" sends its audit logs to CloudWatch Logs (log destination type cloudwatch), not to the S3 bucket the reader reads")
	case l.BucketName == "":
		wh.Problems = append(wh.Problems, "cluster "+c.Identifier+" has audit logging enabled without a bucket")
	}
	wh.Problems = append(wh.Problems, b.userActivityProblems(account, c, &wh)...)
	if l == nil || !l.Enabled || l.BucketName == "" || l.DestinationType == snapshot.RedshiftLogToCloudWatch {
		path.Hops = []Hop{wh}
		return path
	}

	src.Bucket, src.Prefix = l.BucketName, strings.TrimSuffix(l.S3KeyPrefix, "/")
	src.KeyPrefix = redshiftKeyPrefix(l.S3KeyPrefix, account, c.Region)
	if snapshot.IsUnknown(l.S3KeyPrefix) {
		// A prefix known only at apply is asked as the symbol it is.
		src.KeyPrefix = l.S3KeyPrefix + "/AWSLogs/" + account + "/redshift/" + c.Region + "/"
	}
	// <account>_redshift_<region>_<cluster>_<logtype>_<timestamp>.gz
	src.SampleKey = src.KeyPrefix + logDate + "/" + account + "_redshift_" + c.Region + "_" + c.Identifier + "_useractivitylog_2026-01-01T00:00.gz"
	src.WriteKeys = []string{src.SampleKey}
	src.Writer = b.redshiftPrincipal(l.BucketName, c.Region)
	src.WriterContext = serviceContext(src.Writer, c.ARN, account)
	path.Source = src
	path.ID = c.ARN + " -> " + l.BucketName

	bucket := b.ix.bucket(src.Bucket)
	bh := b.bucketHop(src, bucket, writer{principal: src.Writer, context: src.WriterContext}, src.WriteKeys, "s3:GetBucketAcl", nil)
	bh.Questions[0].Why = "Redshift checks the bucket's owner (GetBucketAcl) before each upload"
	for i := range bh.Questions[1:] {
		bh.Questions[i+1].Why = "Redshift uploads an audit log file"
	}
	if bucket != nil {
		bh.Problems = append(bh.Problems, redshiftBucketProblems(c, bucket)...)
	}
	path.Hops = []Hop{wh, bh}
	if b.conn != nil {
		bucketARN := bh.Resources[0].ARN
		path.Hops = append(path.Hops, b.readerHops(nil, readSpec{bucket: bucket, bucketARN: bucketARN,
			object: src.SampleKey, polling: true})...)
	}
	return path
}

// redshiftPrincipal is the principal to ask as: redshift.amazonaws.com,
// or the Regional name redshift.<region>.amazonaws.com when the bucket
// policy names that one instead (a cluster in an opt-in Region); the
// evaluator decides either way.
func (b *builder) redshiftPrincipal(bucketName, region string) string {
	regional := "redshift." + region + ".amazonaws.com"
	if bk := b.ix.bucket(bucketName); bk != nil && bk.Policy != nil {
		doc := string(bk.Policy.Document)
		if !strings.Contains(doc, `"`+principalRedshift+`"`) && strings.Contains(doc, `"`+regional+`"`) {
			return regional
		}
	}
	return principalRedshift
}

// redshiftBucketProblems are what stops Redshift from writing to a bucket
// whatever its policy says: a bucket in another Region than the cluster
// (API_EnableLogging.html: "Must be in the same region as the cluster"),
// or default encryption with a KMS key: Redshift audit logging writes
// only to buckets encrypted with S3 managed keys (SSE-S3), db-auditing.html.
func redshiftBucketProblems(c *snapshot.RedshiftCluster, bk *snapshot.Bucket) []string {
	var out []string
	if bk.Region != "" && c.Region != "" && bk.Region != c.Region && !snapshot.IsUnknown(bk.Region) {
		out = append(out, "bucket "+bk.Name+" is in "+bk.Region+", cluster "+c.Identifier+" in "+c.Region+": Redshift writes audit logs only to a bucket in the cluster's Region")
	}
	if e := bk.Encryption; e != nil && strings.HasPrefix(e.SSEAlgorithm, "aws:kms") {
		out = append(out, "bucket "+bk.Name+" encrypts new objects with "+e.SSEAlgorithm+" by default: Redshift audit logging supports only S3 managed keys (SSE-S3, AES256)")
	}
	return out
}

// userActivityProblems: where the connector's guide asks for the user
// activity log (require.redshift_user_activity_logging), the cluster's
// parameter group must set enable_user_activity_logging to true; audit
// logging alone writes the connection and user logs only.
func (b *builder) userActivityProblems(account string, c *snapshot.RedshiftCluster, writer *Hop) []string {
	if b.conn == nil || !profiles.Demands(b.conn.Profile, "redshift_user_activity_logging") {
		return nil
	}
	groups := c.ParameterGroups
	if len(groups) == 0 {
		// A cluster created without one uses the default group.
		groups = []string{defaultParameterGroupPrefix + "redshift-1.0"}
	}
	var out []string
	for _, name := range groups {
		if snapshot.IsUnknown(name) {
			out = append(out, unknownProblem("parameter group "+name+" of cluster "+c.Identifier+" is known only after apply"))
			continue
		}
		writer.Resources = append(writer.Resources, Resource{ARN: "arn:" + b.ix.partition + ":redshift:" + c.Region + ":" + account + ":parametergroup:" + name,
			Type: "AWS::Redshift::ClusterParameterGroup", Account: account, Region: c.Region})
		g := b.parameterGroup(account, c.Region, name)
		switch {
		case g == nil && strings.HasPrefix(name, defaultParameterGroupPrefix):
			out = append(out, "cluster "+c.Identifier+" uses the default parameter group "+name+" (its "+snapshot.RedshiftUserActivityParameter+" is false and cannot be changed): the user activity log is not written")
		case g == nil:
			out = append(out, unknownProblem("parameter group "+name+" of cluster "+c.Identifier+" is not in the snapshot"))
		case snapshot.IsUnknown(g.Parameters[snapshot.RedshiftUserActivityParameter]):
			out = append(out, unknownProblem("parameter group "+name+" sets "+snapshot.RedshiftUserActivityParameter+" to a value known only after apply"))
		case !strings.EqualFold(g.Parameters[snapshot.RedshiftUserActivityParameter], "true"):
			v := g.Parameters[snapshot.RedshiftUserActivityParameter]
			if v == "" {
				v = "unset (default false)"
			}
			out = append(out, "parameter group "+name+" of cluster "+c.Identifier+" has "+snapshot.RedshiftUserActivityParameter+" "+v+": the user activity log is not written")
		}
	}
	return out
}

// parameterGroup finds a cluster parameter group by account, region and
// name.
func (b *builder) parameterGroup(account, region, name string) *snapshot.RedshiftParameterGroup {
	return regional(b.ix.accounts[account], func(a *snapshot.Account) []snapshot.RedshiftParameterGroup { return a.RedshiftParameterGroups },
		func(g *snapshot.RedshiftParameterGroup) bool {
			return g.Name == name && (g.Region == region || g.Region == "")
		})
}

// regional finds the first entry of an account's list that matches (a
// resource named in one Region); nil when the account or the entry is
// not in the snapshot.
func regional[T any](a *snapshot.Account, list func(*snapshot.Account) []T, match func(*T) bool) *T {
	if a == nil {
		return nil
	}
	xs := list(a)
	for i := range xs {
		if match(&xs[i]) {
			return &xs[i]
		}
	}
	return nil
}
