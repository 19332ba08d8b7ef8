package datapath

import (
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// assemble joins the source's head hops (writer, bucket, object key) with
// each delivery branch and the readers at its end.
func (b *builder) assemble(src Source, head []Hop, branches []branch, bucket *snapshot.Bucket, objKey keyRef, object, trail string) []Path {
	bucketARN := "arn:" + b.ix.partition + ":s3:::" + src.Bucket
	rd := readSpec{bucket: bucket, bucketARN: bucketARN, key: objKey, object: object, trail: trail}
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
		return []Path{{ID: src.pathID(b.ix.partition) + " -> " + bucketARN, Source: src, Hops: cloneHops(head)}}
	}
	if len(branches) == 0 && b.conn != nil && b.conn.Queue == "" && profiles.SubscribesTopics(b.conn.Profile) {
		// The vendor subscribes its own queue to the source's topic
		// (Radiant, R3 and R5) and never lists the bucket: without a
		// notification to a topic its files are never announced.
		return []Path{{ID: src.pathID(b.ix.partition) + " -> " + bucketARN, Source: src, Hops: append(append(cloneHops(head), b.noTopicHop(src, bucket)), b.readerHops(nil, rd)...)}}
	}
	if len(branches) == 0 {
		if b.conn != nil && b.conn.Queue == "" {
			rd.polling = true
			return []Path{{ID: src.pathID(b.ix.partition) + " -> " + bucketARN, Source: src, Hops: append(cloneHops(head), b.readerHops(nil, rd)...)}}
		}
		// Without a connector nobody is known to wait for a notification
		// (a reader may list the bucket): the path ends at the bucket.
		return []Path{{ID: src.pathID(b.ix.partition) + " -> " + bucketARN, Source: src, Hops: cloneHops(head)}}
	}
	var out []Path
	for _, br := range branches {
		hops := append(cloneHops(head), cloneHops(br.hops)...)
		id := src.pathID(b.ix.partition) + " -> " + br.via
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

// readSpec is what a reader must open at the end of a path.
type readSpec struct {
	bucket    *snapshot.Bucket
	bucketARN string
	key       keyRef
	object    string
	// trail is the trail whose own key encrypts the objects ("": none),
	// which CloudTrail names in the encryption context.
	trail   string
	polling bool
	// listPrefix is the s3:prefix a polling reader lists ("": the whole
	// bucket); nil: the prefix up to AWSLogs/ of object.
	listPrefix *string
}

// resolveRole finds a connector role reference (an ARN, a role name or,
// in IaC, a resource address) in the snapshot; nil when it is not there.
func (b *builder) resolveRole(ref string) *snapshot.Role {
	if r := b.ix.roles[ref]; r != nil {
		return r.V
	}
	if b.conn != nil && ref == b.conn.Role {
		// "Basic" authentication: the connector signs as an IAM user.
		if u := b.userReader(); u != nil {
			return u
		}
	}
	for _, r := range b.ix.roles {
		if r.V.Name == ref || (r.V.Location != nil && r.V.Location.Address == ref) {
			return r.V
		}
	}
	return nil
}

// reader is a principal at the end of a path: who polls the queue
// (kind set: "role" or "lambda-esm") or reads the objects.
type reader struct {
	arn  string
	kind string
	role *snapshot.Role // nil when the principal is not in the snapshot
}

func (r reader) who() string {
	if r.role != nil {
		return "(" + r.role.Name + ")"
	}
	return "(" + r.arn[strings.LastIndex(r.arn, "/")+1:] + ")"
}

// queueReaders are who polls q. With a connector that reads q: its
// queue_role, else the roles of the Lambda event source mappings on q,
// else its role. Without a connector: the roles of the event source
// mappings on q (each is known to poll it).
func (b *builder) queueReaders(q *snapshot.Queue) []reader {
	if q == nil {
		return nil
	}
	esm := b.ix.mappingRoles(q.ARN)
	if b.conn != nil {
		switch {
		case b.conn.Queue != q.ARN && b.conn.Queue != "":
			return nil
		case b.conn.Queue == "":
			// The vendor's queue (Radiant hosts it): the connector's role
			// polls it, as its guide says, though no connector field names
			// the queue.
			return []reader{{arn: b.conn.Role, role: b.resolveRole(b.conn.Role)}}
		case b.conn.QueueRole != "":
			kind := "role"
			if slices.Contains(esm, b.conn.QueueRole) {
				kind = "lambda-esm"
			}
			return []reader{{arn: b.conn.QueueRole, kind: kind, role: b.resolveRole(b.conn.QueueRole)}}
		case len(esm) > 0:
			var out []reader
			for _, arn := range esm {
				out = append(out, reader{arn: arn, kind: "lambda-esm", role: b.resolveRole(arn)})
			}
			return out
		}
		return []reader{{arn: b.conn.Role, kind: "role", role: b.resolveRole(b.conn.Role)}}
	}
	var out []reader
	for _, arn := range esm {
		out = append(out, reader{arn: arn, kind: "lambda-esm", role: b.resolveRole(arn)})
	}
	return out
}

// objectReaders are who opens the log objects: the connector's
// object_role, else its role; without a connector, every role allowed to
// receive from the queue (inferredReaders: the notification names the
// object to read).
func (b *builder) objectReaders(q *snapshot.Queue) []reader {
	if b.conn == nil {
		if q == nil {
			return nil
		}
		var out []reader
		for _, arn := range b.inferredReaders(q.ARN) {
			out = append(out, reader{arn: arn, role: b.resolveRole(arn)})
		}
		return out
	}
	ref := b.conn.ObjectRole
	if ref == "" {
		ref = b.conn.Role
	}
	return []reader{{arn: ref, role: b.resolveRole(ref)}}
}

func (b *builder) readerHops(q *snapshot.Queue, rd readSpec) []Hop {
	pollers := b.queueReaders(q)
	var openers []reader
	if rd.bucketARN != "" {
		// Objects to open: the path names its bucket.
		openers = b.objectReaders(q)
	}
	if len(openers) == 0 && len(pollers) == 0 {
		return nil
	}
	rh := Hop{Kind: HopReader}
	read := Hop{Kind: HopRead}
	bucketRes := Resource{ARN: rd.bucketARN, Type: "AWS::S3::Bucket"}
	if rd.bucket != nil {
		bucketRes.Account, bucketRes.Region = b.ix.buckets[rd.bucket.Name].Account, rd.bucket.Region
	}
	if rd.bucketARN != "" {
		read.Resources = []Resource{bucketRes}
	}
	if rd.key.ARN != "" {
		read.Resources = append(read.Resources, keyResource(rd.key))
	}
	addRole := func(arn string) {
		if !slices.ContainsFunc(rh.Resources, func(r Resource) bool { return r.ARN == arn }) {
			rtype := "AWS::IAM::Role"
			if isUserARN(arn) {
				rtype = "AWS::IAM::User"
			}
			rh.Resources = append(rh.Resources, Resource{ARN: arn, Type: rtype, Account: accountOf(arn)})
		}
	}
	if b.conn != nil {
		addRole(b.conn.Role)
		// A connector role outside the snapshot (the vendor's account) is
		// still asked about: the resource side decides part of each
		// answer, and the rest is unknown, not absent.
		if b.resolveRole(b.conn.Role) == nil {
			rh.Problems = append(rh.Problems, unknownProblem("connector role "+b.conn.Role+" is not in the snapshot"))
		}
		if vendor := VendorPrincipal(b.conn); vendor != "" && !isUserARN(b.conn.Role) {
			roleARN := b.conn.Role
			if r := b.resolveRole(b.conn.Role); r != nil {
				roleARN = r.ARN
			}
			rh.Questions = append(rh.Questions, Question{ID: "assume-role " + b.role(b.conn.Role).who(), Why: "the vendor assumes the connector role",
				Principal: vendor, Action: "sts:AssumeRole", Resource: roleARN, ResourceAccount: accountOf(roleARN), Context: vendorAssumeContext(vendor, b.conn.ExternalID)})
		}
	}
	var qKey keyRef
	if q != nil && q.KmsMasterKeyID != "" {
		a, _ := parseARN(q.ARN)
		qKey = b.ix.resolveKey(q.KmsMasterKeyID, a.Account, a.Region)
	}
	for _, r := range pollers {
		addRole(r.arn)
		who := r.who()
		pctx := b.ix.principalContext(r.arn)
		qa, _ := parseARN(q.ARN)
		rh.Questions = append(rh.Questions,
			Question{ID: "receive-message " + who, Why: "the reader receives the notification", Principal: r.arn,
				Action: "sqs:ReceiveMessage", Resource: q.ARN, ResourceAccount: qa.Account, Context: clone(pctx), ReaderKind: r.kind},
			Question{ID: "delete-message " + who, Why: "the reader deletes the notification once processed", Principal: r.arn,
				Action: "sqs:DeleteMessage", Resource: q.ARN, ResourceAccount: qa.Account, Context: clone(pctx), ReaderKind: r.kind})
		if r.kind == "lambda-esm" {
			// Lambda's poller reads the queue's attributes as the
			// function's role (AWSLambdaSQSQueueExecutionRole:
			// https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions).
			rh.Questions = append(rh.Questions, Question{ID: "get-queue-attributes " + who, Why: "Lambda reads the queue's attributes to poll it", Principal: r.arn,
				Action: "sqs:GetQueueAttributes", Resource: q.ARN, ResourceAccount: qa.Account, Context: clone(pctx), ReaderKind: r.kind})
		}
		if qKey.ARN != "" {
			// SQS decrypts on the receiver's behalf.
			ctx := b.ix.queueDecryptContext(r.arn, q.ARN, qa.Region)
			rh.Questions = append(rh.Questions, Question{ID: "decrypt-queue " + who, Why: "SQS decrypts the message for the reader",
				Principal: r.arn, Action: "kms:Decrypt", Resource: qKey.ARN, ResourceAccount: qKey.Account, Context: ctx, ReaderKind: r.kind})
		}
	}
	for _, r := range openers {
		addRole(r.arn)
		who := r.who()
		pctx := b.ix.principalContext(r.arn)
		if b.conn == nil && !slices.ContainsFunc(pollers, func(p reader) bool { return p.arn == r.arn }) {
			// An inferred reader is one because it may receive.
			qa, _ := parseARN(q.ARN)
			rh.Questions = append(rh.Questions, Question{ID: "receive-message " + who, Why: "the reader receives the notification", Principal: r.arn,
				Action: "sqs:ReceiveMessage", Resource: q.ARN, ResourceAccount: qa.Account, Context: clone(pctx)})
		}
		objectARN := rd.bucketARN + "/" + rd.object
		read.Questions = append(read.Questions, Question{ID: "get-object " + who, Why: "the reader downloads the log file",
			Principal: r.arn, Action: "s3:GetObject", Resource: objectARN, ResourceAccount: bucketRes.Account, Context: clone(pctx)})
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
				Principal: r.arn, Action: "s3:ListBucket", Resource: rd.bucketARN, ResourceAccount: bucketRes.Account, Context: ctx})
		}
		if rd.key.ARN != "" {
			region := bucketRes.Region
			if region == "" {
				region = rd.key.Region
			}
			// S3 decrypts SSE-KMS objects on the reader's behalf, with the
			// object's encryption context.
			ctx := b.ix.objectDecryptContext(r.arn, region, rd.bucket, rd.object, rd.trail)
			read.Questions = append(read.Questions, Question{ID: "decrypt-object " + who, Why: "S3 decrypts the log file for the reader",
				Principal: r.arn, Action: "kms:Decrypt", Resource: rd.key.ARN, ResourceAccount: rd.key.Account, Context: ctx})
		}
	}
	if len(read.Questions) == 0 {
		return []Hop{rh}
	}
	return []Hop{rh, read}
}

// role is the reader a connector role reference names.
func (b *builder) role(ref string) reader {
	return reader{arn: ref, role: b.resolveRole(ref)}
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
