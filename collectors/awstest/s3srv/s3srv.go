package s3srv

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const xmlns = "http://s3.amazonaws.com/doc/2006-03-01/"

// Service is S3 for awstest.Start.
var Service = awstest.Service{ID: awstest.S3, New: New}

// KeyUser authorizes S3's use of a KMS key on a caller's behalf, as S3 asks
// KMS for a data key when it writes an SSE-KMS object and for a decrypt when
// it reads one. kmssrv.Server implements it.
type KeyUser interface {
	// UseKey resolves keyRef (key ID, key ARN, alias name or alias ARN, in
	// ownerAccount and region) and authorizes action (kms:GenerateDataKey,
	// kms:Decrypt) for caller with the given encryption context. It returns
	// the key's ARN, or the error KMS would answer.
	UseKey(caller awstest.Caller, action, keyRef, ownerAccount, region string, encryptionContext map[string]string) (string, *awstest.APIError)
}

// Authorizer decides a request on a resource of the World, as IAM does for
// S3: identity policies, the bucket policy, SCPs and RCPs, both sides
// needed across accounts. It returns AWS's AccessDenied.
type Authorizer interface {
	Authorize(caller awstest.Caller, action, resourceARN string, context map[string][]string) *awstest.APIError
}

// Notifier delivers one event notification to its destination, an SNS
// topic or SQS queue ARN, as S3 would (to SNS with the subject "Amazon S3
// Notification").
type Notifier func(ctx context.Context, destinationARN string, event []byte) error

// Delivery records one notification S3 sent.
type Delivery struct {
	Destination string
	Event       []byte
	Err         error
}

// Server is the S3 handler. Set Keys and Notify before serving.
type Server struct {
	w       *awstest.World
	backend *s3mem.Backend
	fake    http.Handler

	// Keys authorizes SSE-KMS (by default a kmssrv.Server over the same
	// World); nil refuses every SSE-KMS write and read with KMS's
	// AccessDeniedException, as an unreachable key would.
	Keys KeyUser
	// Notify delivers event notifications; nil drops them (they are still
	// recorded in Deliveries).
	Notify Notifier
	// Access authorizes object reads, writes, deletes and listings against
	// the caller's policies and the bucket policy (kmssrv.Server does);
	// nil, the default, lets every signed caller through and leaves
	// denials to Faults, so that a collector reading a perimeter-protected
	// bucket from outside its VPC endpoint still sees it.
	Access Authorizer

	mu         sync.Mutex
	sse        map[string]objectSSE
	deliveries []Delivery
	pending    sync.WaitGroup
	sequencer  uint64
}

// objectSSE is how an object is encrypted at rest.
type objectSSE struct {
	algorithm string // AES256, aws:kms
	keyARN    string
	bucketKey bool
}

// New returns the S3 handler for awstest.Start.
func New(w *awstest.World) http.Handler { return NewServer(w) }

// NewServer returns the S3 handler, with every bucket of the snapshot
// created (empty) in the object store, and SSE-KMS decided by a
// kmssrv.Server over the same World.
func NewServer(w *awstest.World) *Server {
	backend := s3mem.New()
	kms := kmssrv.NewServer(w)
	s := &Server{
		w:       w,
		Keys:    kms,
		backend: backend,
		fake:    gofakes3.New(backend, gofakes3.WithAutoBucket(false), gofakes3.WithTimeSkewLimit(0)).Server(),
		sse:     map[string]objectSSE{},
	}
	for _, a := range w.Snapshot.Accounts {
		for _, b := range a.Buckets {
			_ = backend.CreateBucket(b.Name)
		}
	}
	return s
}

// Backend is the object store, for tests that seed objects directly.
func (s *Server) Backend() gofakes3.Backend { return s.backend }

// Deliveries returns the notifications sent so far, after waiting for those
// in flight.
func (s *Server) Deliveries() []Delivery {
	s.pending.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

// bucket finds a bucket of the snapshot by name (names are global) and the
// account that owns it.
func (s *Server) bucket(name string) (*snapshot.Bucket, string) {
	for i := range s.w.Snapshot.Accounts {
		a := &s.w.Snapshot.Accounts[i]
		for j := range a.Buckets {
			if a.Buckets[j].Name == name {
				return &a.Buckets[j], a.ID
			}
		}
	}
	return nil, ""
}

func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	bucket, key := splitPath(r.URL.Path)
	q := r.URL.Query()
	op := operation(r.Method, bucket, key, q, r.Header)
	resource := ""
	if bucket != "" {
		resource = "arn:" + s.w.PartitionName() + ":s3:::" + bucket
		if key != "" {
			resource += "/" + key
		}
	}
	c, ae := s.w.Begin(r, awstest.Op{Service: "s3", Name: op, Resource: resource})
	if ae != nil {
		awstest.WriteRESTXMLError(rw, r.URL.Path, ae)
		return
	}
	if op == "ListBuckets" {
		s.listBuckets(rw, c)
		return
	}
	b, owner := s.bucket(bucket)
	if b == nil {
		// Buckets outside the snapshot exist only if a test created them.
		if ok, _ := s.backend.BucketExists(bucket); !ok && op != "CreateBucket" {
			awstest.WriteRESTXMLError(rw, "/"+bucket, awstest.Errorf(404, "NoSuchBucket", "The specified bucket does not exist"))
			return
		}
		s.fake.ServeHTTP(rw, r)
		return
	}
	if s.subresource(rw, r, op, b, owner) {
		return
	}
	if ae := s.authorize(r, c, op, b, owner, key); ae != nil {
		if r.Method == http.MethodHead {
			rw.WriteHeader(ae.Status) // HEAD answers carry no body
			return
		}
		awstest.WriteRESTXMLError(rw, r.URL.Path, ae)
		return
	}
	switch op {
	case "PutObject":
		s.putObject(rw, r, c, b, owner, key)
	case "GetObject", "HeadObject":
		s.readObject(rw, r, c, b, owner, key)
	case "DeleteObject":
		s.deleteObject(rw, r, c, b, owner, key)
	case "CopyObject":
		s.createdBy(rw, r, c, b, owner, key, "ObjectCreated:Copy")
	case "CompleteMultipartUpload":
		s.createdBy(rw, r, c, b, owner, key, "ObjectCreated:CompleteMultipartUpload")
	default:
		s.fake.ServeHTTP(rw, r)
	}
}

// objectActions maps the operations whose access s3srv decides to the IAM
// action they need
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html).
var objectActions = map[string]string{
	"GetObject": "s3:GetObject", "HeadObject": "s3:GetObject",
	"PutObject": "s3:PutObject", "CopyObject": "s3:PutObject", "CreateMultipartUpload": "s3:PutObject",
	"UploadPart": "s3:PutObject", "CompleteMultipartUpload": "s3:PutObject",
	"DeleteObject": "s3:DeleteObject",
	"ListObjects":  "s3:ListBucket", "ListObjectsV2": "s3:ListBucket",
}

// authorize asks Access about object operations and listings, with the
// S3 condition keys of the request; the global ones (aws:SecureTransport,
// aws:PrincipalOrgID, …) are the World's (awstest.World.RequestContext).
func (s *Server) authorize(r *http.Request, c awstest.Caller, op string, b *snapshot.Bucket, owner, key string) *awstest.APIError {
	action, ok := objectActions[op]
	if !ok || s.Access == nil {
		return nil
	}
	resource := objectARN(s.w.PartitionName(), b.Name, key)
	if action == "s3:ListBucket" {
		resource = "arn:" + s.w.PartitionName() + ":s3:::" + b.Name
	}
	ctx := map[string][]string{}
	for header, k := range map[string]string{
		"X-Amz-Acl":                                   "s3:x-amz-acl",
		"X-Amz-Server-Side-Encryption":                "s3:x-amz-server-side-encryption",
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": "s3:x-amz-server-side-encryption-aws-kms-key-id",
	} {
		if v := r.Header.Get(header); v != "" && action == "s3:PutObject" {
			ctx[k] = []string{v}
		}
	}
	if p := r.URL.Query().Get("prefix"); p != "" && action == "s3:ListBucket" {
		ctx["s3:prefix"] = []string{p}
	}
	return s.Access.Authorize(c, action, resource, ctx)
}

func splitPath(p string) (bucket, key string) {
	p = strings.TrimPrefix(p, "/")
	bucket, key, _ = strings.Cut(p, "/")
	return bucket, key
}

// operation names the S3 API call a request is, for the call log and
// faults.
func operation(method, bucket, key string, q url.Values, h http.Header) string {
	has := func(k string) bool { _, ok := q[k]; return ok }
	switch {
	case bucket == "":
		return "ListBuckets"
	case key == "" && method == http.MethodGet:
		for _, sub := range []struct{ q, op string }{
			{"policy", "GetBucketPolicy"}, {"ownershipControls", "GetBucketOwnershipControls"},
			{"encryption", "GetBucketEncryption"}, {"notification", "GetBucketNotificationConfiguration"},
			{"location", "GetBucketLocation"}, {"acl", "GetBucketAcl"}, {"requestPayment", "GetBucketRequestPayment"},
			{"lifecycle", "GetBucketLifecycleConfiguration"}, {"object-lock", "GetObjectLockConfiguration"},
			{"versioning", "GetBucketVersioning"}, {"versions", "ListObjectVersions"}, {"uploads", "ListMultipartUploads"},
			{"publicAccessBlock", "GetPublicAccessBlock"},
		} {
			if has(sub.q) {
				return sub.op
			}
		}
		if q.Get("list-type") == "2" {
			return "ListObjectsV2"
		}
		return "ListObjects"
	case key == "":
		switch method {
		case http.MethodHead:
			return "HeadBucket"
		case http.MethodPut:
			if has("versioning") {
				return "PutBucketVersioning"
			}
			return "CreateBucket"
		case http.MethodDelete:
			return "DeleteBucket"
		case http.MethodPost:
			if has("delete") {
				return "DeleteObjects"
			}
		}
		return method + "Bucket"
	}
	switch {
	case has("uploadId") && method == http.MethodPost:
		return "CompleteMultipartUpload"
	case has("uploadId") && method == http.MethodPut:
		return "UploadPart"
	case has("uploads"):
		return "CreateMultipartUpload"
	}
	switch method {
	case http.MethodGet:
		return "GetObject"
	case http.MethodHead:
		return "HeadObject"
	case http.MethodPut:
		if h.Get("X-Amz-Copy-Source") != "" {
			return "CopyObject"
		}
		return "PutObject"
	case http.MethodDelete:
		return "DeleteObject"
	}
	return method + "Object"
}

func writeXML(rw http.ResponseWriter, v any) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if err := xml.NewEncoder(&b).Encode(v); err != nil {
		awstest.WriteRESTXMLError(rw, "", &awstest.APIError{Status: 500, Code: "InternalError", Message: err.Error(), Receiver: true})
		return
	}
	rw.Header().Set("Content-Type", "application/xml")
	rw.Header().Set("X-Amz-Request-Id", awstest.RequestID())
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(b.Bytes())
}

// listBuckets answers with the caller's account's buckets only, as S3 does.
func (s *Server) listBuckets(rw http.ResponseWriter, c awstest.Caller) {
	type bucket struct {
		Name         string
		CreationDate string
		BucketRegion string `xml:",omitempty"`
	}
	doc := struct {
		XMLName xml.Name `xml:"ListAllMyBucketsResult"`
		Xmlns   string   `xml:"xmlns,attr"`
		Owner   struct{ ID string }
		Buckets []bucket `xml:"Buckets>Bucket"`
	}{Xmlns: xmlns}
	doc.Owner.ID = canonicalID(c.Account)
	if a := s.w.Account(c.Account); a != nil {
		for _, b := range a.Buckets {
			// A fixed date keeps test output deterministic.
			doc.Buckets = append(doc.Buckets, bucket{Name: b.Name, CreationDate: "2026-01-01T00:00:00.000Z", BucketRegion: b.Region})
		}
	}
	writeXML(rw, doc)
}

// canonicalID stands in for an account's S3 canonical user ID (64 hex
// characters in AWS): deterministic per account.
func canonicalID(account string) string {
	return fmt.Sprintf("%064x", []byte(account))[:64]
}

func objectARN(partition, bucket, key string) string {
	return "arn:" + partition + ":s3:::" + bucket + "/" + key
}

func now() time.Time { return time.Now().UTC() }
