package datapath

import (
	"cmp"
	"slices"
	"strings"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// Reads is the reader side of the paths as the reader rules judge it
// (input.path_index): who reads which buckets, who polls which queue,
// every request a reader makes with its answer, and the answers to the
// actions the reader table only recommends. It is built once from the
// answered paths; the rules look requests and answers up instead of
// assembling them.
type Reads struct {
	// ByQueue are, per object reader and queue ("" for none), the buckets
	// of its s3:GetObject questions, sorted by reader and queue.
	ByQueue []Reader `json:"reads"`
	// Readers are who reads the logs, with the buckets they read. With a
	// connector: its object reader (object_role, else role), reading
	// every bucket of its GetObject questions (queue: the connector's);
	// without one, ByQueue.
	Readers []Reader `json:"readers"`
	// QueueReaders are the known pollers of a queue (the reader-hop
	// questions that carry a ReaderKind), with that kind.
	QueueReaders []Reader `json:"queue_readers"`
	// Keys are the keys a reader meets on its way to the log files, each
	// with the decrypt request's context and answer.
	Keys []ReaderKey `json:"keys"`
	// Requests are every request a reader makes to read the logs: the log
	// objects, the bucket listing where the vendor's guide demands it,
	// each key, and the queue.
	Requests []Request `json:"requests"`
	// Assume is the vendor's sts:AssumeRole of the connector role, when the
	// connector file or the vendor's guide names the principal and the
	// role is in the snapshot, with the context the reader hop asks it
	// with (vendorAssumeContext).
	Assume []Request `json:"assume"`
	// MemberAssumes are the connector role's sts:AssumeRole of each role
	// of another account its guide may have it assume (Radiant R8:
	// memberRoles), with the connector's external ID.
	MemberAssumes []Request `json:"member_assumes"`
	// Answers are, by "principal action resource", the answer to each
	// question the paths' reader and read hops ask (the first asked), and
	// to every action of the reader table (profiles.ReaderActions) a
	// reader or poller may call that no path asks, asked without context.
	Answers map[string]Question `json:"-"`
}

// Reader is a principal that reads the logs: Buckets for an object
// reader, Kind ("role", "lambda-esm") for a queue's poller.
type Reader struct {
	Role    string   `json:"role"`
	Queue   string   `json:"queue"`
	Buckets []string `json:"buckets,omitempty"`
	Kind    string   `json:"kind,omitempty"`
}

// ReaderKey is a key a reader meets: Why says where (a log file's key, a
// bucket's default key, a queue's key), Trail is the trail whose files it
// encrypts ("" for none).
type ReaderKey struct {
	Reader  Reader              `json:"reader"`
	Key     string              `json:"key"`
	Why     string              `json:"why"`
	Context map[string][]string `json:"context"`
	Trail   string              `json:"trail"`
	Answer  *Answer             `json:"-"`
}

// Question is the reader's kms:Decrypt of the key, as the authorization
// index is asked it.
func (k ReaderKey) Question() Question {
	return Question{Principal: k.Reader.Role, Action: "kms:Decrypt", Resource: k.Key, Context: k.Context, Answer: k.Answer}
}

// Request is one call a reader makes, On the resource a finding about it
// names.
type Request struct {
	Reader   string              `json:"reader"`
	Action   string              `json:"action"`
	Resource string              `json:"resource"`
	Context  map[string][]string `json:"context"`
	On       Target              `json:"on"`
	Answer   *Answer             `json:"-"`
}

// Target is a resource as a finding names it.
type Target struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Account string `json:"account"`
	Region  string `json:"region"`
}

// Question is the request as the authorization index is asked it.
func (r Request) Question() Question {
	return Question{Principal: r.Reader, Action: r.Action, Resource: r.Resource, Context: r.Context, Answer: r.Answer}
}

// AnswerKey is how Reads.Answers is keyed.
func AnswerKey(principal, action, resource string) string {
	return principal + " " + action + " " + resource
}

// NewReads builds the reader side of the answered paths of snap for conn
// (nil: none), asking asker what no path asks. srcs are every log source
// of the snapshot and d its delivery side.
func NewReads(snap *snapshot.Snapshot, conn *connector.Connector, paths []Path, srcs []LogSource, d Delivery, asker Asker) Reads {
	r := Reads{Answers: map[string]Question{}}
	for _, p := range paths {
		for _, h := range p.Hops {
			if h.Kind != HopReader && h.Kind != HopRead {
				continue
			}
			for _, q := range h.Questions {
				if k := AnswerKey(q.Principal, q.Action, q.Resource); q.Answer != nil {
					if _, ok := r.Answers[k]; !ok {
						r.Answers[k] = q
					}
				}
			}
		}
	}
	r.ByQueue = readsByQueue(paths)
	r.Readers = readers(conn, r.ByQueue)
	r.QueueReaders = queueReaders(paths)
	if snap == nil {
		return r
	}
	ix := newIndex(snap)
	// answer is the answer to a reader's request as its path asked it
	// (with the request context the path built), else as asked without
	// context.
	answer := func(principal, action, resource string) *Answer {
		k := AnswerKey(principal, action, resource)
		q, ok := r.Answers[k]
		if !ok {
			q = Question{Principal: principal, Action: action, Resource: resource, Context: map[string][]string{}}
			a := asker.Ask(q)
			q.Answer = &a
			r.Answers[k] = q
		}
		return q.Answer
	}
	ask := func(principal, action, resource string, ctx map[string][]string) *Answer {
		if len(ctx) == 0 {
			return answer(principal, action, resource)
		}
		a := asker.Ask(Question{Principal: principal, Action: action, Resource: resource, Context: ctx})
		return &a
	}
	bySource := map[string][]LogSource{}
	for _, s := range srcs {
		bySource[s.Bucket] = append(bySource[s.Bucket], s)
	}
	bucketTarget := func(b *owned[snapshot.Bucket]) Target {
		return Target{ID: b.V.ARN, Type: "AWS::S3::Bucket", Account: b.Account, Region: b.V.Region}
	}

	keys := map[string]bool{}
	addKey := func(k ReaderKey) {
		id := k.Reader.Role + "\x00" + k.Reader.Queue + "\x00" + strings.Join(k.Reader.Buckets, ",") + "\x00" + k.Reader.Kind + "\x00" + k.Key + "\x00" + k.Why +
			"\x00" + authz.Request{Context: k.Context}.Key().String()
		if keys[id] {
			return
		}
		keys[id] = true
		k.Answer = ask(k.Reader.Role, "kms:Decrypt", k.Key, k.Context)
		r.Keys = append(r.Keys, k)
	}
	for _, rd := range r.Readers {
		// A role the connector file gives by name, not ARN, has no
		// account to ask in.
		if !awsarn.IsARN(rd.Role) {
			continue
		}
		for _, name := range rd.Buckets {
			b := ix.buckets[name]
			if b == nil {
				continue
			}
			for _, s := range bySource[name] {
				if s.KMSKey == "" {
					continue
				}
				k := ix.resolveKey(s.KMSKey, s.Account, s.Region)
				if k.Key == nil {
					continue
				}
				// A trail's own key carries the trail ARN in the
				// encryption context; a GuardDuty export's key, S3's alone.
				trail := ""
				if s.Kind == SourceCloudTrail {
					trail = s.ARN
				}
				addKey(ReaderKey{Reader: rd, Key: k.Key.ARN, Why: "the " + string(s.Kind) + " log-file key of " + s.ARN,
					Context: ix.objectDecryptContext(rd.Role, b.V.Region, b.V, s.SampleKey, trail), Trail: trail})
			}
			if enc := b.V.Encryption; enc != nil && strings.HasPrefix(enc.SSEAlgorithm, "aws:kms") && enc.KMSMasterKeyID != "" {
				if k := ix.resolveKey(enc.KMSMasterKeyID, b.Account, b.V.Region); k.Key != nil {
					addKey(ReaderKey{Reader: rd, Key: k.Key.ARN, Why: "the default encryption key of bucket " + name,
						Context: ix.objectDecryptContext(rd.Role, b.V.Region, b.V, d.SampleKeys[name], "")})
				}
			}
		}
	}
	for _, qr := range r.QueueReaders {
		q := ix.queues[qr.Queue]
		if q == nil || q.V.KmsMasterKeyID == "" || !awsarn.IsARN(qr.Role) {
			continue
		}
		if k := ix.resolveKey(q.V.KmsMasterKeyID, q.Account, q.V.Region); k.Key != nil {
			addKey(ReaderKey{Reader: qr, Key: k.Key.ARN, Why: "the key of queue " + q.V.ARN,
				Context: ix.queueDecryptContext(qr.Role, q.V.ARN, q.V.Region)})
		}
	}

	requests := map[string]bool{}
	add := func(x Request) {
		id := x.Reader + "\x00" + x.Action + "\x00" + x.Resource + "\x00" + authz.Request{Context: x.Context}.Key().String() +
			"\x00" + x.On.ID + "\x00" + x.On.Type + "\x00" + x.On.Account + "\x00" + x.On.Region
		if requests[id] {
			return
		}
		requests[id] = true
		if x.Answer == nil {
			x.Answer = ask(x.Reader, x.Action, x.Resource, x.Context)
		}
		if x.Context == nil {
			x.Context = map[string][]string{}
		}
		r.Requests = append(r.Requests, x)
	}
	listDemanded := conn != nil && profiles.GuideDemands(conn.Profile, "s3:ListBucket")
	for _, rd := range r.Readers {
		for _, name := range rd.Buckets {
			b, sample := ix.buckets[name], d.SampleKeys[name]
			if b == nil || sample == "" {
				continue
			}
			add(Request{Reader: rd.Role, Action: "s3:GetObject", Resource: b.V.ARN + "/" + sample, On: bucketTarget(b)})
			// s3:ListBucket only where the connector's guide demands it:
			// elsewhere it is recommended, and a policy denying it breaks
			// nothing (profiles.ReaderActions).
			if listDemanded {
				add(Request{Reader: rd.Role, Action: "s3:ListBucket", Resource: b.V.ARN, On: bucketTarget(b)})
			}
			// The reader table's actions on the bucket, for the reader
			// rules' lookups.
			for _, a := range profiles.ReaderActions {
				switch a.On {
				case "objects":
					answer(rd.Role, a.Action, b.V.ARN+"/"+sample)
				case "bucket":
					answer(rd.Role, a.Action, b.V.ARN)
				}
			}
		}
	}
	for _, k := range r.Keys {
		o := ix.keys[k.Key]
		add(Request{Reader: k.Reader.Role, Action: "kms:Decrypt", Resource: k.Key, Context: k.Context,
			On: Target{ID: k.Key, Type: "AWS::KMS::Key", Account: o.Account, Region: o.V.Region}, Answer: k.Answer})
	}
	for _, qr := range r.QueueReaders {
		q := ix.queues[qr.Queue]
		if q == nil {
			continue
		}
		add(Request{Reader: qr.Role, Action: "sqs:ReceiveMessage", Resource: q.V.ARN,
			On: Target{ID: q.V.ARN, Type: "AWS::SQS::Queue", Account: q.Account, Region: q.V.Region}})
		for _, a := range profiles.ReaderActions {
			if a.On == "queue" {
				answer(qr.Role, a.Action, q.V.ARN)
			}
		}
	}
	r.Assume, r.MemberAssumes = ix.assumes(conn, ask)
	return r
}

// readsByQueue groups the GetObject questions of the read hops by reader
// and the queue of their path.
func readsByQueue(paths []Path) []Reader {
	byKey := map[[2]string]*Reader{}
	for _, p := range paths {
		queue := ""
		for _, h := range p.Hops {
			if h.Kind == HopQueue && len(h.Resources) > 0 {
				queue = h.Resources[0].ARN
			}
		}
		for _, h := range p.Hops {
			if h.Kind != HopRead {
				continue
			}
			for _, q := range h.Questions {
				if q.Action != "s3:GetObject" {
					continue
				}
				k := [2]string{q.Principal, queue}
				rd := byKey[k]
				if rd == nil {
					rd = &Reader{Role: q.Principal, Queue: queue}
					byKey[k] = rd
				}
				if !slices.Contains(rd.Buckets, p.Source.Bucket) {
					rd.Buckets = append(rd.Buckets, p.Source.Bucket)
				}
			}
		}
	}
	out := make([]Reader, 0, len(byKey))
	for _, rd := range byKey {
		slices.Sort(rd.Buckets)
		out = append(out, *rd)
	}
	slices.SortFunc(out, func(a, b Reader) int {
		return cmp.Or(strings.Compare(a.Role, b.Role), strings.Compare(a.Queue, b.Queue))
	})
	return out
}

// readers are who reads the logs: with a connector, its object reader
// over every bucket it reads; without one, each inferred reader per queue.
func readers(conn *connector.Connector, reads []Reader) []Reader {
	if conn == nil || conn.Role == "" {
		return reads
	}
	role := conn.ObjectRole
	if role == "" {
		role = conn.Role
	}
	rd := Reader{Role: role, Queue: conn.Queue}
	for _, r := range reads {
		if r.Role == role {
			rd.Buckets = append(rd.Buckets, r.Buckets...)
		}
	}
	slices.Sort(rd.Buckets)
	rd.Buckets = slices.Compact(rd.Buckets)
	return []Reader{rd}
}

// queueReaders are the pollers the reader hops name, by queue.
func queueReaders(paths []Path) []Reader {
	var out []Reader
	for _, p := range paths {
		for _, h := range p.Hops {
			if h.Kind != HopReader {
				continue
			}
			for _, q := range h.Questions {
				rd := Reader{Role: q.Principal, Queue: q.Resource, Kind: q.ReaderKind}
				if q.Action == "sqs:ReceiveMessage" && q.ReaderKind != "" && !slices.ContainsFunc(out, func(o Reader) bool {
					return o.Role == rd.Role && o.Queue == rd.Queue && o.Kind == rd.Kind
				}) {
					out = append(out, rd)
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b Reader) int {
		return cmp.Or(strings.Compare(a.Queue, b.Queue), strings.Compare(a.Role, b.Role), strings.Compare(a.Kind, b.Kind))
	})
	return out
}
