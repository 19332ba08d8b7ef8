package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// The EKS audit-log path (Rapid7 guide step P5):
//
//	EKS cluster with the audit log type enabled
//	→ log group /aws/eks/<cluster>/cluster (EKS creates it in the cluster's
//	  account and region: https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html)
//	→ subscription filter to a Firehose stream, put through the role
//	  CloudWatch Logs assumes (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#FirehoseExample)
//	→ the stream's S3 destination, written through the role Firehose assumes
//	  (https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#using-iam-s3)
//	→ the bucket under EKSLogs/<account>/<cluster>/ → the harvesting role.

// SourceEKSAudit is an EKS cluster's audit log, shipped through CloudWatch
// Logs and Firehose to S3.
const SourceEKSAudit SourceKind = "eks"

// Hops of the EKS audit path that the S3-notification paths do not have.
const (
	// HopLogGroup is the cluster's control plane log group: is the audit
	// log type enabled, so EKS writes to /aws/eks/<cluster>/cluster?
	HopLogGroup HopKind = "log-group"
	// HopLogSubscription is the group's subscription filter to a Firehose
	// stream: can CloudWatch Logs assume the filter's role, and may the
	// role put records into the stream?
	HopLogSubscription HopKind = "log-subscription"
	// HopDeliveryStream is the Firehose stream: can Firehose assume its
	// role, and does it write where the reader looks?
	HopDeliveryStream HopKind = "delivery-stream"
)

func init() {
	HopKinds = append(HopKinds, HopLogGroup, HopLogSubscription, HopDeliveryStream)
}

const principalFirehose = "firehose.amazonaws.com"

// eksKeyPrefix is where the connector's reader looks for a cluster's audit
// logs, from its vendor profile (Rapid7: EKSLogs/<account>/<cluster>/,
// shared/profiles.md P5); "" when the profile names no place, and the
// reader then reads wherever the stream writes.
func (b *builder) eksKeyPrefix(account, cluster string) string {
	if b.conn == nil {
		return ""
	}
	p := profiles.EKSPrefix(b.conn.Profile)
	return strings.NewReplacer("<account>", account, "<cluster>", cluster).Replace(p)
}

// streamPrefix is the fixed part of a Firehose prefix: the text before
// its first !{namespace:…} expression
// (https://docs.aws.amazon.com/firehose/latest/dev/s3-prefixes.html).
func streamPrefix(p string) string {
	p, _, _ = strings.Cut(p, "!{")
	return p
}

// eksWanted says which clusters to follow: every cluster when the
// connector names the eks source; otherwise only those whose log group
// already subscribes a Firehose stream (someone started the chain), so
// that a cluster nobody ships audit logs from is not reported.
func (b *builder) eksWanted(c *snapshot.EKSCluster, account string) bool {
	if b.conn != nil && slices.Contains(b.conn.Sources, string(SourceEKSAudit)) {
		return true
	}
	if b.conn != nil && len(b.conn.Sources) > 0 {
		return false
	}
	g := b.logGroup(account, c.Region, eksLogGroup(c.Name))
	return g != nil && len(firehoseFilters(g)) > 0
}

func eksLogGroup(cluster string) string { return "/aws/eks/" + cluster + "/cluster" }

// logGroup finds a log group by account, region and name.
func (b *builder) logGroup(account, region, name string) *snapshot.LogGroup {
	return regional(b.ix.accounts[account], func(a *snapshot.Account) []snapshot.LogGroup { return a.LogGroups },
		func(g *snapshot.LogGroup) bool { return g.Name == name && (g.Region == region || g.Region == "") })
}

// deliveryStream finds a Firehose stream by ARN.
func (b *builder) deliveryStream(arn string) *snapshot.DeliveryStream {
	for _, s := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.DeliveryStream { return a.DeliveryStreams }) {
		if s.ARN == arn {
			return s
		}
	}
	return nil
}

func firehoseFilters(g *snapshot.LogGroup) []snapshot.SubscriptionFilter {
	var out []snapshot.SubscriptionFilter
	for _, f := range g.SubscriptionFilters {
		if a, ok := parseARN(f.DestinationARN); ok && a.Service == "firehose" {
			out = append(out, f)
		}
	}
	return out
}

// eksPaths returns the audit-log paths of every followed cluster, one per
// subscription filter to a Firehose stream (one ending at the log group
// when there is none).
func (b *builder) eksPaths() []Path {
	var out []Path
	for account, c := range ofAccounts(b.ix.snap, func(a *snapshot.Account) []snapshot.EKSCluster { return a.EKSClusters }) {
		if b.eksWanted(c, account) {
			out = append(out, b.clusterPaths(account, c)...)
		}
	}
	return out
}

func (b *builder) clusterPaths(account string, c *snapshot.EKSCluster) []Path {
	p := b.ix.partition
	groupName := eksLogGroup(c.Name)
	groupARN := "arn:" + p + ":logs:" + c.Region + ":" + account + ":log-group:" + groupName
	src := Source{Kind: SourceEKSAudit, ARN: c.ARN, Account: account, Region: c.Region,
		KeyPrefix: b.eksKeyPrefix(account, c.Name)}
	writer := Hop{Kind: HopWriter, Resources: []Resource{{ARN: c.ARN, Type: "AWS::EKS::Cluster", Account: account, Region: c.Region}}}
	if !slices.Contains(c.EnabledLogTypes, snapshot.EKSLogAudit) {
		writer.Problems = []string{"cluster " + c.Name + " does not send its audit log to CloudWatch Logs (logging type audit is not enabled)"}
	}
	group := Hop{Kind: HopLogGroup, Resources: []Resource{{ARN: groupARN, Type: "AWS::Logs::LogGroup", Account: account, Region: c.Region}}}
	g := b.logGroup(account, c.Region, groupName)
	var filters []snapshot.SubscriptionFilter
	if g != nil {
		filters = firehoseFilters(g)
		if g.ARN != "" {
			group.Resources[0].ARN = strings.TrimSuffix(g.ARN, ":*")
		}
	}
	if len(filters) == 0 {
		sub := Hop{Kind: HopLogSubscription, Resources: group.Resources,
			Problems: []string{"log group " + groupName + " has no subscription filter to a Firehose stream: the audit log never leaves CloudWatch Logs"}}
		return []Path{{ID: c.ARN + " -> " + groupARN, Source: src, Hops: []Hop{writer, group, sub}}}
	}
	var out []Path
	for _, f := range filters {
		s := src
		hops := []Hop{writer, group, b.subscriptionHop(account, c.Region, groupARN, f)}
		hops = append(hops, b.streamHops(&s, f.DestinationARN)...)
		out = append(out, Path{ID: c.ARN + " -> " + f.DestinationARN, Source: s, Hops: cloneHops(hops)})
	}
	return out
}

// subscriptionHop asks whether CloudWatch Logs can assume the filter's
// role and the role put records into the stream. AWS's example trusts
// logs.<region>.amazonaws.com, with aws:SourceArn like
// arn:aws:logs:<region>:<account>:*, and grants firehose:PutRecord on the
// stream (SubscriptionFilters.html#FirehoseExample); logs.amazonaws.com is
// the same service. PutRecordBatch is not demanded: AWS's own example
// grants PutRecord only and delivers.
func (b *builder) subscriptionHop(account, region, groupARN string, f snapshot.SubscriptionFilter) Hop {
	h := Hop{Kind: HopLogSubscription, Resources: []Resource{{ARN: snapshot.SubscriptionFilterID(groupARN, f.Name), Type: "AWS::Logs::SubscriptionFilter", Account: account, Region: region}}}
	if f.RoleARN == "" {
		h.Problems = append(h.Problems, "subscription filter "+f.Name+" names no role: CloudWatch Logs needs one to put records into a Firehose stream")
		return h
	}
	ra, _ := parseARN(f.RoleARN)
	h.Resources = append(h.Resources, Resource{ARN: f.RoleARN, Type: "AWS::IAM::Role", Account: ra.Account})
	role := b.ix.roles[f.RoleARN]
	if role == nil {
		h.Problems = append(h.Problems, unknownProblem("role "+f.RoleARN+" is not in the snapshot"))
		return h
	}
	principal := "logs." + region + ".amazonaws.com"
	if !trustNames(role.V, principal) && trustNames(role.V, "logs.amazonaws.com") {
		principal = "logs.amazonaws.com"
	}
	h.Questions = append(h.Questions, Question{ID: "assume-role", Why: "CloudWatch Logs assumes the subscription filter's role",
		Principal: principal, Action: "sts:AssumeRole", Resource: f.RoleARN, ResourceAccount: ra.Account,
		Context: serviceContext(principal, groupARN+":*", account)})
	da, _ := parseARN(f.DestinationARN)
	ctx := b.ix.principalContext(role.V.ARN)
	h.Questions = append(h.Questions, Question{ID: "put-record", Why: "CloudWatch Logs puts the log events into the Firehose stream",
		Principal: f.RoleARN, Action: "firehose:PutRecord", Resource: f.DestinationARN, ResourceAccount: da.Account, Context: ctx})
	return h
}

// trustNames says whether a role's trust policy text names a service
// principal; it only chooses which of a service's equivalent names to ask
// with, the evaluator decides.
func trustNames(r *snapshot.Role, principal string) bool {
	return r.TrustPolicy != nil && strings.Contains(string(r.TrustPolicy.Document), `"`+principal+`"`)
}

// streamHops follow the Firehose stream to its bucket and the reader.
func (b *builder) streamHops(src *Source, streamARN string) []Hop {
	sa, _ := parseARN(streamARN)
	h := Hop{Kind: HopDeliveryStream, Resources: []Resource{{ARN: streamARN, Type: "AWS::KinesisFirehose::DeliveryStream", Account: sa.Account, Region: sa.Region}}}
	st := b.deliveryStream(streamARN)
	switch {
	case st == nil:
		h.Problems = []string{unknownProblem("Firehose stream " + streamARN + " is not in the snapshot")}
		return []Hop{h}
	case st.S3 == nil:
		h.Problems = []string{"Firehose stream " + st.Name + " has no S3 destination"}
		return []Hop{h}
	case st.Status != "" && st.Status != "ACTIVE" && !snapshot.IsUnknown(st.Status):
		h.Problems = append(h.Problems, "Firehose stream "+st.Name+" is "+st.Status)
	}
	d := st.S3
	src.Bucket, src.Prefix = splitBucketARN(d.BucketARN)
	src.Prefix = strings.TrimSuffix(d.Prefix, "/")
	// Firehose names objects <prefix>YYYY/MM/dd/HH/<stream>-<version>-<date>-<uuid>:
	// https://docs.aws.amazon.com/firehose/latest/dev/s3-object-name.html
	src.KMSKey = d.KMSKeyARN
	switch want := src.KeyPrefix; {
	case want == "" || snapshot.IsUnknown(d.Prefix):
		// No place the reader insists on (or a prefix known only at
		// apply, asked as the symbol it is): the reader reads where the
		// stream writes.
		src.KeyPrefix = streamPrefix(d.Prefix)
	case d.Prefix == "":
		h.Problems = append(h.Problems, "Firehose stream "+st.Name+" writes at the top of the bucket (no prefix), not under "+want+" where the reader looks for the cluster's audit logs")
	case !strings.HasPrefix(d.Prefix, want):
		h.Problems = append(h.Problems, "Firehose stream "+st.Name+" writes under "+d.Prefix+", not under "+want+" where the reader looks for the cluster's audit logs")
	}
	src.SampleKey = src.KeyPrefix + "2026/01/01/00/" + st.Name + "-1-2026-01-01-00-00-00-file"
	if d.RoleARN == "" {
		h.Problems = append(h.Problems, "Firehose stream "+st.Name+" names no role to write to S3 with")
		return []Hop{h}
	}
	src.Writer = d.RoleARN
	ra, _ := parseARN(d.RoleARN)
	h.Resources = append(h.Resources, Resource{ARN: d.RoleARN, Type: "AWS::IAM::Role", Account: ra.Account})
	role := b.ix.roles[d.RoleARN]
	if role == nil {
		h.Problems = append(h.Problems, unknownProblem("role "+d.RoleARN+" is not in the snapshot"))
		return []Hop{h}
	}
	// Firehose assumes its role with the stream's account as external ID
	// (the documented trust policy conditions on it:
	// https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html#firehose-assume-role).
	actx := serviceContext(principalFirehose, streamARN, sa.Account)
	actx["sts:ExternalId"] = []string{sa.Account}
	h.Questions = append(h.Questions, Question{ID: "assume-role", Why: "Firehose assumes the stream's role",
		Principal: principalFirehose, Action: "sts:AssumeRole", Resource: d.RoleARN, ResourceAccount: ra.Account, Context: actx})
	src.WriterContext = b.ix.principalContext(role.V.ARN)

	bucket := b.ix.bucket(src.Bucket)
	bucketARN := "arn:" + b.ix.partition + ":s3:::" + src.Bucket
	bh := Hop{Kind: HopBucket}
	res := Resource{ARN: bucketARN, Type: "AWS::S3::Bucket"}
	if bucket == nil {
		bh.Problems = append(bh.Problems, unknownProblem("bucket "+src.Bucket+" is not in the snapshot"))
	} else {
		res.Account, res.Region = b.ix.buckets[src.Bucket].Account, bucket.Region
	}
	bh.Resources = []Resource{res}
	bh.Questions = []Question{{ID: "put-object", Why: "Firehose delivers a batch of audit log events",
		Principal: d.RoleARN, Action: "s3:PutObject", Resource: bucketARN + "/" + src.SampleKey,
		ResourceAccount: res.Account, Context: clone(src.WriterContext)}}
	hops := []Hop{h, bh}

	key := b.ix.resolveKey(d.KMSKeyARN, sa.Account, sa.Region)
	viaS3 := false
	if key.ARN == "" && bucket != nil {
		key, viaS3 = b.bucketDefaultKey(bucket)
	}
	if key.ARN != "" {
		kh := Hop{Kind: HopObjectKey, Resources: []Resource{keyResource(key)}}
		ctx := clone(src.WriterContext)
		region := sa.Region
		if bucket != nil {
			region = bucket.Region
			ctx["kms:EncryptionContext:aws:s3:arn"] = []string{s3ContextARN(b.ix.partition, bucket, src.SampleKey)}
		}
		// Firehose (or S3 for a bucket default key) asks KMS through S3
		// for the object's data key; the documented key grant conditions on
		// kms:ViaService and the object's encryption context.
		ctx["kms:ViaService"] = []string{"s3." + region + ".amazonaws.com"}
		ctx["kms:CallerAccount"] = []string{ra.Account}
		why := "Firehose encrypts the objects with the stream's key"
		if viaS3 {
			why = "S3 encrypts the objects with the bucket's default key"
		}
		kh.Questions = []Question{{ID: "generate-data-key", Why: why, Principal: d.RoleARN,
			Action: "kms:GenerateDataKey", Resource: key.ARN, ResourceAccount: key.Account, Context: ctx}}
		kh.Problems = b.keyProblems(key, bucket)
		hops = append(hops, kh)
	}
	if b.conn != nil && b.conn.Queue == "" {
		hops = append(hops, b.readerHops(nil, readSpec{bucket: bucket, bucketARN: bucketARN, key: key,
			object: src.SampleKey, polling: true, listPrefix: &src.KeyPrefix})...)
	}
	return hops
}
