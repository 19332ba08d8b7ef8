package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// assemble joins the source's head hops (writer, bucket, object key) with
// each delivery branch and the readers at its end.
func (b *builder) assemble(src Source, head []Hop, branches []branch, bucket *snapshot.Bucket, objKey keyRef, object string, readCtx map[string][]string) []Path {
	bucketARN := "arn:" + b.ix.partition + ":s3:::" + src.Bucket
	rd := readSpec{bucket: bucket, bucketARN: bucketARN, key: objKey, object: object, context: readCtx}
	if b.conn != nil && b.conn.Queue != "" {
		var kept []branch
		for _, br := range branches {
			if br.queue == b.conn.Queue {
				kept = append(kept, br)
			}
		}
		if len(kept) == 0 {
			nh := Hop{Kind: HopNotification, Problems: []string{"no notification of this source reaches the connector's queue " + b.conn.Queue}}
			a, _ := parseARN(b.conn.Queue)
			qh := Hop{Kind: HopQueue, Resources: []Resource{{ARN: b.conn.Queue, Type: "AWS::SQS::Queue", Account: a.Account, Region: a.Region}}}
			kept = []branch{{hops: []Hop{nh, qh}, via: "none", queue: b.conn.Queue}}
		}
		branches = kept
	}
	// A connector without a queue of its own in the snapshot reads from
	// the vendor's queue (Radiant subscribes a queue it hosts to the
	// topic): the branches to that queue are its, not those to the queues
	// of other readers of the same topic.
	if b.conn != nil && b.conn.Queue == "" {
		var vendor []branch
		for _, br := range branches {
			if a, ok := parseARN(br.queue); ok && b.ix.accounts[a.Account] == nil {
				vendor = append(vendor, br)
			}
		}
		if len(vendor) > 0 {
			branches = vendor
		}
	}
	// A vendor that subscribes its own queue (Radiant) does so through
	// the API once it is given the topic: a template never holds that
	// subscription, so a topic without one ends the path there instead
	// of breaking it.
	if b.conn != nil && b.conn.Queue == "" && profiles.SubscribesTopics(b.conn.Profile) &&
		(b.ix.snap.Source == snapshot.SourceCloudFormation || b.ix.snap.Source == snapshot.SourceTerraform) {
		for i := range branches {
			hs := branches[i].hops
			if last := len(hs) - 1; branches[i].queue == "" && last > 0 && hs[last].Kind == HopSubscription && len(hs[last].Resources) == 0 {
				branches[i].hops = hs[:last]
			}
		}
	}
	// A connector without a queue that polls the bucket (Rapid7's
	// harvester reads CloudTrail from S3 by listing it), or that has no
	// notification to follow, reads the bucket directly: no notification
	// is needed.
	if b.conn != nil && b.conn.Queue == "" && (b.conn.Profile == "rapid7" || len(branches) == 0) {
		branches = nil
	}
	if b.conn != nil && b.conn.Queue == "" && slices.Contains(profiles.APISources(b.conn.Profile), string(src.Kind)) {
		// The vendor reads this source through the service's API
		// (SkyFormation's LookupEvents) and has no queue: nobody reads the
		// bucket, the path ends there.
		return []Path{{ID: src.ARN + " -> " + bucketARN, Source: src, Hops: cloneHops(head)}}
	}
	if len(branches) == 0 && b.conn != nil && b.conn.Queue == "" && profiles.SubscribesTopics(b.conn.Profile) {
		// The vendor subscribes its own queue to the source's topic
		// (Radiant, R3 and R5) and never lists the bucket: without a
		// notification to a topic its files are never announced.
		return []Path{{ID: src.ARN + " -> " + bucketARN, Source: src, Hops: append(append(cloneHops(head), b.noTopicHop(src, bucket)), b.readerHops(nil, rd)...)}}
	}
	if len(branches) == 0 {
		if b.conn != nil && b.conn.Queue == "" {
			rd.polling = true
			return []Path{{ID: src.ARN + " -> " + bucketARN, Source: src, Hops: append(cloneHops(head), b.readerHops(nil, rd)...)}}
		}
		// Without a connector nobody is known to wait for a notification
		// (a reader may list the bucket): the path ends at the bucket.
		return []Path{{ID: src.ARN + " -> " + bucketARN, Source: src, Hops: cloneHops(head)}}
	}
	var out []Path
	for _, br := range branches {
		hops := append(cloneHops(head), cloneHops(br.hops)...)
		id := src.ARN + " -> " + br.via
		if br.queue != "" {
			id += " -> " + br.queue
			var q *snapshot.Queue
			if o := b.ix.queues[br.queue]; o != nil {
				q = o.V
			}
			hops = append(hops, b.readerHops(q, rd)...)
		}
		out = append(out, Path{ID: id, Source: src, Hops: hops})
	}
	return out
}

// noTopicHop is the notification hop of a source whose bucket notifies no
// topic, for a vendor that subscribes its own queue to the topic.
func (b *builder) noTopicHop(src Source, bucket *snapshot.Bucket) Hop {
	bucketARN := "arn:" + b.ix.partition + ":s3:::" + src.Bucket
	h := Hop{Kind: HopNotification, Resources: []Resource{{ARN: bucketARN, Type: "AWS::S3::Bucket::NotificationConfiguration"}}}
	if bucket != nil {
		h.Resources[0].Account, h.Resources[0].Region = b.ix.buckets[bucket.Name].Account, bucket.Region
	}
	what := "of bucket " + src.Bucket + " sends its object-created events to an SNS topic"
	if src.Kind == SourceCloudTrail {
		what = "of trail " + src.ARN + " (SNS notification) nor of bucket " + src.Bucket + " reaches an SNS topic"
	}
	h.Problems = []string{NoTopicProblem + what + ": the vendor subscribes its own queue to the topic and never lists the bucket, so no log file is announced"}
	return h
}

// NoTopicProblem starts the problem of a notification hop without a topic
// for a vendor that subscribes its own queue (rule NT01 reports it).
const NoTopicProblem = "no notification "

// vendorPrincipal is the principal the vendor assumes the connector role
// from: the connector file's, else the one its guide names (Radiant R6).
func (b *builder) vendorPrincipal() string {
	if b.conn == nil {
		return ""
	}
	if b.conn.TrustedPrincipal != "" {
		return b.conn.TrustedPrincipal
	}
	return profiles.TrustedPrincipal(b.conn.Profile)
}

// readSpec is what a reader must open at the end of a path.
type readSpec struct {
	bucket    *snapshot.Bucket
	bucketARN string
	key       keyRef
	object    string
	context   map[string][]string
	polling   bool
	// listPrefix is the s3:prefix a polling reader lists ("": the whole
	// bucket); nil: the prefix up to AWSLogs/ of object.
	listPrefix *string
}

// readers returns the reader roles: the connector's role, or the
// candidates inferred from the queue. A connector role missing from the
// snapshot is returned as a name only (nil role).
func (b *builder) readers(q *snapshot.Queue) (roles []*snapshot.Role, missing string) {
	if b.conn != nil {
		if r := b.ix.roles[b.conn.Role]; r != nil {
			return []*snapshot.Role{r.V}, ""
		}
		for _, r := range b.ix.roles {
			if r.V.Name == b.conn.Role || (r.V.Location != nil && r.V.Location.Address == b.conn.Role) {
				return []*snapshot.Role{r.V}, ""
			}
		}
		return nil, b.conn.Role
	}
	if q == nil {
		return nil, ""
	}
	return b.ix.candidateReaders(q), ""
}

func (b *builder) readerHops(q *snapshot.Queue, rd readSpec) []Hop {
	roles, missing := b.readers(q)
	if missing != "" {
		return []Hop{{Kind: HopReader, Resources: []Resource{{ARN: missing, Type: "AWS::IAM::Role"}},
			Problems: []string{unknownProblem("connector role " + missing + " is not in the snapshot")}}}
	}
	if len(roles) == 0 {
		return nil
	}
	reader := Hop{Kind: HopReader}
	read := Hop{Kind: HopRead}
	bucketRes := Resource{ARN: rd.bucketARN, Type: "AWS::S3::Bucket"}
	if rd.bucket != nil {
		bucketRes.Account, bucketRes.Region = b.ix.buckets[rd.bucket.Name].Account, rd.bucket.Region
	}
	read.Resources = []Resource{bucketRes}
	if rd.key.ARN != "" {
		read.Resources = append(read.Resources, keyResource(rd.key))
	}
	var qKey keyRef
	if q != nil && q.KmsMasterKeyID != "" {
		a, _ := parseARN(q.ARN)
		qKey = b.ix.resolveKey(q.KmsMasterKeyID, a.Account, a.Region)
	}
	for _, r := range roles {
		a, _ := parseARN(r.ARN)
		reader.Resources = append(reader.Resources, Resource{ARN: r.ARN, Type: "AWS::IAM::Role", Account: a.Account})
		who := "(" + r.Name + ")"
		if vendor := b.vendorPrincipal(); vendor != "" {
			tp, _ := parseARN(vendor)
			ctx := map[string][]string{"aws:PrincipalArn": {vendor}, "aws:PrincipalAccount": {accountOf(vendor)}, "aws:SecureTransport": {"true"}}
			if tp.Account == "" {
				delete(ctx, "aws:PrincipalAccount")
			}
			if b.conn.ExternalID != "" {
				ctx["sts:ExternalId"] = []string{b.conn.ExternalID}
			}
			reader.Questions = append(reader.Questions, Question{ID: "assume-role " + who, Why: "the vendor assumes the connector role",
				Principal: vendor, Action: "sts:AssumeRole", Resource: r.ARN, ResourceAccount: a.Account, Context: ctx})
		}
		pctx := b.principalContext(r)
		if q != nil {
			qa, _ := parseARN(q.ARN)
			reader.Questions = append(reader.Questions,
				Question{ID: "receive-message " + who, Why: "the reader receives the notification", Principal: r.ARN,
					Action: "sqs:ReceiveMessage", Resource: q.ARN, ResourceAccount: qa.Account, Context: clone(pctx)},
				Question{ID: "delete-message " + who, Why: "the reader deletes the notification once processed", Principal: r.ARN,
					Action: "sqs:DeleteMessage", Resource: q.ARN, ResourceAccount: qa.Account, Context: clone(pctx)})
			if qKey.ARN != "" {
				ctx := clone(pctx)
				// SQS decrypts on the receiver's behalf:
				// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
				ctx["kms:ViaService"] = []string{"sqs." + qa.Region + ".amazonaws.com"}
				ctx["kms:CallerAccount"] = []string{a.Account}
				reader.Questions = append(reader.Questions, Question{ID: "decrypt-queue " + who, Why: "SQS decrypts the message for the reader",
					Principal: r.ARN, Action: "kms:Decrypt", Resource: qKey.ARN, ResourceAccount: qKey.Account, Context: ctx})
			}
		}
		objectARN := rd.bucketARN + "/" + rd.object
		read.Questions = append(read.Questions, Question{ID: "get-object " + who, Why: "the reader downloads the log file",
			Principal: r.ARN, Action: "s3:GetObject", Resource: objectARN, ResourceAccount: bucketRes.Account, Context: clone(pctx)})
		if rd.polling {
			ctx := clone(pctx)
			prefix, _, _ := strings.Cut(rd.object, "/AWSLogs/")
			if prefix == rd.object {
				prefix = ""
			} else {
				prefix += "/"
			}
			ctx["s3:prefix"] = []string{prefix + "AWSLogs/"}
			if rd.listPrefix != nil {
				ctx["s3:prefix"] = []string{*rd.listPrefix}
			}
			read.Questions = append(read.Questions, Question{ID: "list-bucket " + who, Why: "the reader lists new log files",
				Principal: r.ARN, Action: "s3:ListBucket", Resource: rd.bucketARN, ResourceAccount: bucketRes.Account, Context: ctx})
		}
		if rd.key.ARN != "" {
			ctx := clone(pctx)
			region := bucketRes.Region
			if region == "" {
				region = rd.key.Region
			}
			// S3 decrypts SSE-KMS objects on the reader's behalf, with the
			// object's encryption context.
			ctx["kms:ViaService"] = []string{"s3." + region + ".amazonaws.com"}
			ctx["kms:CallerAccount"] = []string{a.Account}
			for k, v := range rd.context {
				ctx[k] = v
			}
			if rd.bucket != nil {
				ctx["kms:EncryptionContext:aws:s3:arn"] = []string{s3ContextARN(b.ix.partition, rd.bucket, rd.object)}
			}
			read.Questions = append(read.Questions, Question{ID: "decrypt-object " + who, Why: "S3 decrypts the log file for the reader",
				Principal: r.ARN, Action: "kms:Decrypt", Resource: rd.key.ARN, ResourceAccount: rd.key.Account, Context: ctx})
		}
	}
	return []Hop{reader, read}
}

func cloneHops(hs []Hop) []Hop {
	out := make([]Hop, len(hs))
	for i, h := range hs {
		out[i] = h
		out[i].Resources = append([]Resource(nil), h.Resources...)
		out[i].Problems = append([]string(nil), h.Problems...)
		out[i].Questions = make([]Question, len(h.Questions))
		for j, q := range h.Questions {
			q.Context = clone(q.Context)
			if q.Answer != nil {
				a := *q.Answer
				a.Statements = slices.Clone(a.Statements)
				a.Kinds = slices.Clone(a.Kinds)
				a.Explanation = slices.Clone(a.Explanation)
				q.Answer = &a
			}
			out[i].Questions[j] = q
		}
		if len(h.Questions) == 0 {
			out[i].Questions = nil
		}
	}
	return out
}
