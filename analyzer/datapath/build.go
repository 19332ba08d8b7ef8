package datapath

import (
	"cmp"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// Representative log objects. Questions about objects need a concrete key,
// as AWS evaluates a real request; these follow the documented naming of
// each service's log files, with a fixed timestamp so output is stable.
//   - CloudTrail: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
//     (AccountID_CloudTrail_RegionName_YYYYMMDDTHHmmZ_UniqueString.json.gz)
//   - GuardDuty: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
//     (<prefix>/AWSLogs/<account>/GuardDuty/<region>/YYYY/MM/DD/<uuid>.jsonl.gz)
const (
	cloudTrailSuffix = ".json.gz"
	guardDutySuffix  = ".jsonl.gz"
	logDate          = "2026/01/01"
)

// Service principals of the writers and of the services that relay
// notifications.
const (
	principalCloudTrail = "cloudtrail.amazonaws.com"
	principalGuardDuty  = "guardduty.amazonaws.com"
	principalS3         = "s3.amazonaws.com"
	principalSNS        = "sns.amazonaws.com"
)

// optInRegions are the regions disabled by default. GuardDuty in these
// regions acts as the regional service principal
// guardduty.<region>.amazonaws.com, which key and bucket policies must name
// (catalog GD03, guardduty_exportfindings.html).
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true,
	"ap-southeast-3": true, "ap-southeast-4": true, "ap-southeast-5": true,
	"ap-southeast-7": true, "ca-west-1": true, "eu-central-2": true,
	"eu-south-1": true, "eu-south-2": true, "il-central-1": true,
	"me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

// GuardDutyPrincipal is the service principal GuardDuty uses in region.
func GuardDutyPrincipal(region string) string {
	if optInRegions[region] {
		return "guardduty." + region + ".amazonaws.com"
	}
	return principalGuardDuty
}

// Build returns the delivery paths of every log source in snap: one per
// (source, queue) branch, or one ending at the bucket when the source has
// no notification. With a connector, only its sources are followed, only
// branches reaching its queue are kept, and its role is the reader;
// without one, readers are the roles that trust a principal outside the
// organization and could receive from the branch's queue. The result is
// sorted by path ID.
func Build(snap *snapshot.Snapshot, conn *connector.Connector) []Path {
	if snap == nil {
		return nil
	}
	az, err := authz.NewIndex(snap)
	if err != nil {
		// No index, no inferred readers; the run that builds the index
		// reports why.
		az = nil
	}
	return BuildFor(snap, conn, az)
}

// BuildFor is Build with the authorization index the run built for snap,
// which says, without a connector file, who may receive from each queue.
func BuildFor(snap *snapshot.Snapshot, conn *connector.Connector, az *authz.Index) []Path {
	if snap == nil {
		return nil
	}
	b := &builder{ix: newIndex(snap), conn: conn, az: az}
	var paths []Path
	for _, src := range sources(b.ix, b.wants) {
		if src.Trail != nil {
			paths = append(paths, b.trailPaths(src.Source, src.Trail)...)
		} else {
			paths = append(paths, b.guardDutyPaths(src.Source, src.Destination)...)
		}
	}
	if b.wants(SourceGuardDuty) {
		paths = append(paths, b.eventPaths()...)
	}
	paths = append(paths, b.eksPaths()...)
	paths = append(paths, b.redshiftPaths()...)
	paths = append(paths, b.maciePaths()...)
	paths = append(paths, b.cloudWatchPaths()...)
	// Implied sources start where no source of the snapshot, whatever the
	// connector reads, writes.
	written := map[string]bool{}
	for _, src := range sources(b.ix, nil) {
		written[src.Bucket] = true
	}
	for _, src := range b.impliedSources(written) {
		paths = append(paths, b.impliedPaths(src)...)
	}
	b.dropUnannouncedReads(paths)
	if p, ok := b.queueOnlyPath(paths); ok {
		paths = append(paths, p)
	}
	for i := range paths {
		finish(&paths[i])
	}
	slices.SortStableFunc(paths, func(x, y Path) int { return cmp.Compare(x.ID, y.ID) })
	// Two implied sources of one bucket (notifications with different
	// filters) can reach the same queue: one path.
	return slices.CompactFunc(paths, func(a, b Path) bool { return a.ID == b.ID })
}

type builder struct {
	ix   *index
	conn *connector.Connector
	az   *authz.Index // nil: no inferred readers
	// inferred memoizes inferredReaders by queue ARN.
	inferred map[string][]string
}

func (b *builder) wants(k SourceKind) bool {
	if b.conn == nil || len(b.conn.Sources) == 0 {
		return true
	}
	return slices.Contains(b.conn.Sources, string(k))
}

// writer describes who writes a source's objects, for the questions of the
// bucket and object-key hops.
type writer struct {
	principal string
	// context is what AWS sends with the writer's requests.
	context map[string][]string
}

func (b *builder) trailPaths(src Source, t *snapshot.Trail) []Path {
	owner := src.Account
	head, objKey := b.trailHead(src, t)
	bucket := b.ix.bucket(t.S3BucketName)
	var branches []branch
	if t.SnsTopicARN != "" {
		branches = append(branches, b.topicBranches(
			Hop{Kind: HopNotification, Resources: []Resource{{ARN: t.ARN, Type: "AWS::CloudTrail::Trail::SnsNotification", Account: owner, Region: t.HomeRegion}}},
			t.SnsTopicARN, principalCloudTrail, serviceContext(principalCloudTrail, t.ARN, owner))...)
	}
	branches = append(branches, b.notificationBranches(src, bucket)...)
	// CloudTrail names the trail in the encryption context only when it
	// encrypts with the trail's own key; under the bucket's default key S3
	// alone encrypts.
	trail := ""
	if t.KmsKeyID != "" {
		trail = t.ARN
	}
	return b.assemble(src, head, branches, bucket, objKey, src.SampleKey, trail)
}

// writerHops are the writer side of a source's paths (the writer, its
// bucket, the objects' key), whatever a connector reads: the rules judging
// every source's writes read their answers (ServiceAnswers).
func (b *builder) writerHops(s LogSource) []Hop {
	if s.Trail != nil {
		head, _ := b.trailHead(s.Source, s.Trail)
		return head
	}
	if s.Destination != nil {
		head, _ := b.guardDutyHead(s.Source, s.Destination)
		return head
	}
	return nil
}

// trailHead is the writer side of a trail's paths and the key of its log
// files.
func (b *builder) trailHead(src Source, t *snapshot.Trail) ([]Hop, keyRef) {
	owner := src.Account
	w := writer{principal: src.Writer, context: src.WriterContext}
	head := []Hop{{
		Kind:      HopWriter,
		Resources: []Resource{{ARN: t.ARN, Type: "AWS::CloudTrail::Trail", Account: owner, Region: t.HomeRegion}},
	}}
	bucket := b.ix.bucket(t.S3BucketName)
	head = append(head, b.bucketHop(src, bucket, w, src.WriteKeys, "s3:GetBucketAcl", map[string][]string{
		// CloudTrail writes each log file with this canned ACL; the
		// documented bucket policy requires it.
		"s3:x-amz-acl": {"bucket-owner-full-control"},
	}))

	// The objects' key: the trail's own SSE-KMS key, else the bucket's
	// default SSE-KMS key (which S3 applies on CloudTrail's behalf).
	objKey, viaS3 := keyRef{}, false
	if t.KmsKeyID != "" {
		objKey = b.ix.resolveKey(t.KmsKeyID, owner, t.HomeRegion)
	} else if bucket != nil {
		objKey, viaS3 = b.bucketDefaultKey(bucket)
	}
	if objKey.ARN != "" {
		head = append(head, b.trailKeyHop(src, t, owner, objKey, viaS3, bucket))
	}
	return head, objKey
}

func (b *builder) bucketDefaultKey(bucket *snapshot.Bucket) (keyRef, bool) {
	enc := bucket.Encryption
	if enc == nil || !strings.HasPrefix(enc.SSEAlgorithm, "aws:kms") {
		return keyRef{}, false
	}
	owner := b.ix.buckets[bucket.Name].Account
	ref := enc.KMSMasterKeyID
	if ref == "" {
		// aws:kms without a key ID means the AWS managed key aws/s3.
		ref = "alias/aws/s3"
	}
	return b.ix.resolveKey(ref, owner, bucket.Region), true
}

func (b *builder) bucketHop(src Source, bucket *snapshot.Bucket, w writer, objectKeys []string, bucketAction string, putContext map[string][]string) Hop {
	p := b.ix.partition
	bucketARN := "arn:" + p + ":s3:::" + src.Bucket
	h := Hop{Kind: HopBucket}
	res := Resource{ARN: bucketARN, Type: "AWS::S3::Bucket"}
	if bucket == nil {
		h.Problems = append(h.Problems, unknownProblem("bucket "+src.Bucket+" is not in the snapshot"))
	} else {
		res.Account = b.ix.buckets[src.Bucket].Account
		res.Region = bucket.Region
	}
	h.Resources = []Resource{res}
	h.Questions = append(h.Questions, Question{
		ID: "bucket-check", Why: "the writer checks the bucket before delivering",
		Principal: w.principal, Action: bucketAction, Resource: bucketARN,
		ResourceAccount: res.Account, Context: clone(w.context),
	})
	for i, key := range objectKeys {
		ctx := clone(w.context)
		for k, v := range putContext {
			ctx[k] = v
		}
		id := "put-object"
		if i > 0 {
			id = "put-object-account-path"
		}
		h.Questions = append(h.Questions, Question{
			ID: id, Why: "the writer delivers a log file",
			Principal: w.principal, Action: "s3:PutObject", Resource: bucketARN + "/" + key,
			ResourceAccount: res.Account, Context: ctx,
		})
	}
	return h
}

func (b *builder) trailKeyHop(src Source, t *snapshot.Trail, owner string, k keyRef, viaS3 bool, bucket *snapshot.Bucket) Hop {
	h := Hop{Kind: HopObjectKey, Resources: []Resource{keyResource(k)}}
	ctx := serviceContext(principalCloudTrail, t.ARN, owner)
	// CloudTrail asks for data keys with the trail ARN as encryption
	// context: https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
	ctx["kms:EncryptionContext:aws:cloudtrail:arn"] = []string{t.ARN}
	if viaS3 && bucket != nil {
		ctx["kms:ViaService"] = []string{"s3." + bucket.Region + ".amazonaws.com"}
		ctx["kms:EncryptionContext:aws:s3:arn"] = []string{s3ContextARN(b.ix.partition, bucket, "")}
	}
	h.Questions = []Question{
		{ID: "generate-data-key", Why: "the writer encrypts the log file", Principal: principalCloudTrail,
			Action: "kms:GenerateDataKey", Resource: k.ARN, ResourceAccount: k.Account, Context: ctx},
	}
	if !viaS3 {
		h.Questions = append(h.Questions, Question{ID: "describe-key", Why: "CloudTrail validates the key when the trail is created or updated",
			Principal: principalCloudTrail, Action: "kms:DescribeKey", Resource: k.ARN, ResourceAccount: k.Account,
			Context: serviceContext(principalCloudTrail, t.ARN, owner)})
	}
	h.Problems = append(h.Problems, b.keyProblems(k, bucket)...)
	return h
}

// keyProblems are structural defects of an object key: an unresolvable
// key, or a key in another region than the bucket (S3 SSE-KMS needs a key
// in the bucket's region:
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html).
func (b *builder) keyProblems(k keyRef, bucket *snapshot.Bucket) []string {
	var out []string
	if k.Key == nil && !k.AWSManaged {
		out = append(out, unknownProblem("key "+k.ARN+" is not in the snapshot"))
	}
	if k.Key != nil && k.Key.KeyState != "" && k.Key.KeyState != "Enabled" {
		out = append(out, "key "+k.ARN+" is "+k.Key.KeyState)
	}
	if bucket != nil && k.Region != "" && bucket.Region != "" && k.Region != bucket.Region && !snapshot.IsUnknown(k.Region) {
		out = append(out, "key region "+k.Region+" differs from bucket region "+bucket.Region)
	}
	return out
}

func keyResource(k keyRef) Resource {
	return Resource{ARN: k.ARN, Type: "AWS::KMS::Key", Account: k.Account, Region: k.Region}
}

func s3ContextARN(partition string, bucket *snapshot.Bucket, key string) string {
	// With an S3 Bucket Key the encryption context is the bucket ARN,
	// otherwise the object ARN:
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context
	arn := "arn:" + partition + ":s3:::" + bucket.Name
	if key != "" && (bucket.Encryption == nil || !bucket.Encryption.BucketKeyEnabled) {
		arn += "/" + key
	}
	return arn
}

func (b *builder) guardDutyPaths(src Source, dest *snapshot.PublishingDestination) []Path {
	head, key := b.guardDutyHead(src, dest)
	bucket := b.ix.bucket(src.Bucket)
	branches := b.notificationBranches(src, bucket)
	return b.assemble(src, head, branches, bucket, key, src.SampleKey, "")
}

// guardDutyHead is the writer side of a GuardDuty export's paths and the
// key of its findings.
func (b *builder) guardDutyHead(src Source, dest *snapshot.PublishingDestination) ([]Hop, keyRef) {
	account, principal, object := src.Account, src.Writer, src.SampleKey
	w := writer{principal: principal, context: src.WriterContext}
	head := []Hop{{
		Kind:      HopWriter,
		Resources: []Resource{{ARN: src.ARN, Type: "AWS::GuardDuty::Detector", Account: account, Region: src.Region}},
	}}
	bucket := b.ix.bucket(src.Bucket)
	key := b.ix.resolveKey(dest.KmsKeyARN, account, src.Region)
	head = append(head, b.bucketHop(src, bucket, w, []string{object}, "s3:GetBucketLocation", map[string][]string{
		// GuardDuty writes SSE-KMS objects with its destination key; the
		// documented optional deny statements test these headers.
		"s3:x-amz-server-side-encryption":                {"aws:kms"},
		"s3:x-amz-server-side-encryption-aws-kms-key-id": {dest.KmsKeyARN},
	}))
	kh := Hop{Kind: HopObjectKey, Resources: []Resource{keyResource(key)}}
	kh.Questions = []Question{{ID: "generate-data-key", Why: "GuardDuty encrypts the exported findings",
		Principal: principal, Action: "kms:GenerateDataKey", Resource: key.ARN, ResourceAccount: key.Account,
		Context: clone(src.WriterContext)}}
	if a, ok := parseARN(dest.KmsKeyARN); !ok || !strings.HasPrefix(a.Resource, "key/") {
		// GuardDuty takes a key ARN only:
		// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html
		kh.Problems = append(kh.Problems, "KmsKeyArn "+dest.KmsKeyARN+" is not a full key ARN")
	}
	kh.Problems = append(kh.Problems, b.keyProblems(key, bucket)...)
	head = append(head, kh)
	return head, key
}

// splitBucketARN splits arn:aws:s3:::bucket/prefix/ into bucket and prefix.
func splitBucketARN(s string) (bucket, prefix string) {
	if a, ok := parseARN(s); ok {
		s = a.Resource
	}
	bucket, prefix, _ = strings.Cut(s, "/")
	return bucket, strings.Trim(prefix, "/")
}

// unknownProblem marks a problem that makes a hop unknown, not broken:
// the snapshot lacks what is needed to judge it.
func unknownProblem(s string) string { return unknownMark + s }

const unknownMark = "cannot prove: "

func clone(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	return out
}

// queueOnlyPath is the path of a connector whose queue no path of the
// input reaches (no source or bucket of the input notifies it: the trail
// and bucket live in a stack not given): its readers are still known and
// judged, from the queue on.
func (b *builder) queueOnlyPath(paths []Path) (Path, bool) {
	if b.conn == nil || b.conn.Queue == "" {
		return Path{}, false
	}
	for _, p := range paths {
		if strings.HasSuffix(p.ID, " -> "+b.conn.Queue) {
			return Path{}, false
		}
	}
	a, _ := parseARN(b.conn.Queue)
	hops := []Hop{{Kind: HopQueue, Resources: []Resource{{ARN: b.conn.Queue, Type: "AWS::SQS::Queue", Account: a.Account, Region: a.Region}}}}
	var q *snapshot.Queue
	if o := b.ix.queues[b.conn.Queue]; o != nil {
		q = o.V
	}
	hops = append(hops, b.readerHops(q, readSpec{})...)
	return Path{ID: b.conn.Queue, Source: Source{Kind: b.impliedKind(), Account: a.Account, Region: a.Region, Implied: true}, Hops: hops}, true
}

// dropUnannouncedReads: a connector reads the objects its queue announces.
// When some source's notification reaches its queue, the buckets of the
// sources whose notification does not are not read (NT01 reports the
// missing notification); when none does, every bucket of a source it reads
// from S3 is, since the reader will read them once the notification
// exists. A source it reads through the service's API is read from S3
// only where its notification reaches the queue.
func (b *builder) dropUnannouncedReads(paths []Path) {
	if b.conn == nil || b.conn.Queue == "" {
		return
	}
	unannounced := func(p Path) bool { return strings.Contains(p.ID, " -> none -> ") }
	reached := slices.ContainsFunc(paths, func(p Path) bool {
		return !unannounced(p) && strings.HasSuffix(p.ID, " -> "+b.conn.Queue)
	})
	api := profiles.APISources(b.conn.Profile)
	for i, p := range paths {
		if unannounced(p) && (reached || slices.Contains(api, string(p.Source.Kind))) {
			paths[i].Hops = slices.DeleteFunc(p.Hops, func(h Hop) bool { return h.Kind == HopRead })
		}
	}
}
