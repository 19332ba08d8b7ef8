package s3srv

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// headerWriter adds headers to a successful response just before gofakes3
// writes its status line, and remembers the status.
type headerWriter struct {
	http.ResponseWriter
	before func(http.Header)
	status int
}

func (h *headerWriter) WriteHeader(code int) {
	if h.status == 0 {
		h.status = code
		if code < 300 && h.before != nil {
			h.before(h.ResponseWriter.Header())
		}
	}
	h.ResponseWriter.WriteHeader(code)
}

// serve runs next and returns the status it answered; a handler that
// writes nothing answers 200 when it returns, so the headers are added then.
func (h *headerWriter) serve(next http.Handler, r *http.Request) int {
	next.ServeHTTP(h, r)
	if h.status == 0 {
		h.WriteHeader(http.StatusOK)
	}
	return h.status
}

func (h *headerWriter) Write(p []byte) (int, error) {
	if h.status == 0 {
		h.WriteHeader(http.StatusOK)
	}
	return h.ResponseWriter.Write(p)
}

func (o objectSSE) headers(h http.Header) {
	if o.algorithm == "" {
		return
	}
	h.Set("X-Amz-Server-Side-Encryption", o.algorithm)
	if o.keyARN != "" {
		h.Set("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id", o.keyARN)
	}
	if o.bucketKey {
		h.Set("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled", "true")
	}
}

// contextARN is the value of aws:s3:arn in the encryption context S3 passes
// to KMS: the object's ARN, or the bucket's when an S3 Bucket Key is used
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#encryption-context).
func (s *Server) contextARN(b *snapshot.Bucket, key string, bucketKey bool) string {
	if bucketKey {
		return "arn:" + s.w.PartitionName() + ":s3:::" + b.Name
	}
	return objectARN(s.w.PartitionName(), b.Name, key)
}

// useKey asks the KeyUser as S3 does on the caller's behalf, and turns a
// refusal into S3's answer: AccessDenied (403) carrying KMS's message for a
// denial, KMS.<Code> for the key's other failures (disabled, not found).
func (s *Server) useKey(c awstest.Caller, action, keyRef, owner, region, ctxARN string) (string, *awstest.APIError) {
	if s.Keys == nil {
		return "", awstest.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s because no resource-based policy allows the %s action", c.PrincipalARN, action, keyRef, action)
	}
	arn, ae := s.Keys.UseKey(c, action, keyRef, owner, region, map[string]string{"aws:s3:arn": ctxARN})
	if ae == nil {
		return arn, nil
	}
	if ae.Code == "AccessDeniedException" {
		return "", &awstest.APIError{Status: 403, Code: "AccessDenied", Message: ae.Message}
	}
	return "", &awstest.APIError{Status: 400, Code: "KMS." + ae.Code, Message: ae.Message}
}

func (s *Server) putObject(rw http.ResponseWriter, r *http.Request, c awstest.Caller, b *snapshot.Bucket, owner, key string) {
	alg := r.Header.Get("X-Amz-Server-Side-Encryption")
	keyRef := r.Header.Get("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
	bucketKey := r.Header.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled") == "true"
	if alg == "" && b.Encryption != nil {
		alg, keyRef, bucketKey = b.Encryption.SSEAlgorithm, b.Encryption.KMSMasterKeyID, b.Encryption.BucketKeyEnabled
	}
	if alg == "" {
		// Since January 2023 S3 encrypts every new object with SSE-S3 when
		// nothing else is asked for
		// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/default-encryption-faq.html).
		alg = "AES256"
	}
	enc := objectSSE{algorithm: alg}
	if strings.HasPrefix(alg, "aws:kms") {
		if keyRef == "" {
			keyRef = "alias/aws/s3" // the AWS managed key
		}
		arn, ae := s.useKey(c, "kms:GenerateDataKey", keyRef, owner, b.Region, s.contextARN(b, key, bucketKey))
		if ae != nil {
			awstest.WriteRESTXMLError(rw, r.URL.Path, ae)
			return
		}
		enc.keyARN, enc.bucketKey = arn, bucketKey
	}
	hw := &headerWriter{ResponseWriter: rw, before: enc.headers}
	if hw.serve(s.fake, r) != http.StatusOK {
		return
	}
	s.mu.Lock()
	s.sse[b.Name+"/"+key] = enc
	s.mu.Unlock()
	size := r.ContentLength
	if d := r.Header.Get("X-Amz-Decoded-Content-Length"); d != "" {
		size, _ = strconv.ParseInt(d, 10, 64)
	}
	s.fire(b, owner, c, "ObjectCreated:Put", key, size, rw.Header().Get("ETag"), rw.Header().Get("X-Amz-Version-Id"))
}

// createdBy serves a copy or multipart completion through gofakes3 and
// fires the matching ObjectCreated event.
func (s *Server) createdBy(rw http.ResponseWriter, r *http.Request, c awstest.Caller, b *snapshot.Bucket, owner, key, event string) {
	hw := &headerWriter{ResponseWriter: rw}
	if hw.serve(s.fake, r) != http.StatusOK {
		return
	}
	var size int64
	var etag string
	if obj, err := s.backend.HeadObject(b.Name, key); err == nil {
		size, etag = obj.Size, fmt.Sprintf("%x", obj.Hash)
	}
	s.fire(b, owner, c, event, key, size, etag, rw.Header().Get("X-Amz-Version-Id"))
}

func (s *Server) readObject(rw http.ResponseWriter, r *http.Request, c awstest.Caller, b *snapshot.Bucket, owner, key string) {
	s.mu.Lock()
	enc, known := s.sse[b.Name+"/"+key]
	s.mu.Unlock()
	if _, err := s.backend.HeadObject(b.Name, key); err != nil {
		// S3 tells a missing object (NoSuchKey, 404) only to callers who may
		// list the bucket; to others it answers 403, so that objects cannot
		// be probed for
		// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html#API_GetObject_RequestSyntax).
		if s.Access != nil {
			bucketARN := "arn:" + s.w.PartitionName() + ":s3:::" + b.Name
			if ae := s.Access.Authorize(c, "s3:ListBucket", bucketARN, nil); ae != nil {
				if r.Method == http.MethodHead {
					rw.WriteHeader(http.StatusForbidden)
					return
				}
				awstest.WriteRESTXMLError(rw, r.URL.Path, awstest.Errorf(403, "AccessDenied", "Access Denied"))
				return
			}
		}
		s.fake.ServeHTTP(rw, r)
		return
	}
	if !known {
		s.fake.ServeHTTP(rw, r)
		return
	}
	if strings.HasPrefix(enc.algorithm, "aws:kms") {
		if _, ae := s.useKey(c, "kms:Decrypt", enc.keyARN, owner, b.Region, s.contextARN(b, key, enc.bucketKey)); ae != nil {
			if r.Method == http.MethodHead {
				// HEAD responses carry no body: only the status.
				rw.WriteHeader(ae.Status)
				return
			}
			awstest.WriteRESTXMLError(rw, r.URL.Path, ae)
			return
		}
	}
	(&headerWriter{ResponseWriter: rw, before: enc.headers}).serve(s.fake, r)
}

func (s *Server) deleteObject(rw http.ResponseWriter, r *http.Request, c awstest.Caller, b *snapshot.Bucket, owner, key string) {
	hw := &headerWriter{ResponseWriter: rw}
	if hw.serve(s.fake, r) >= 300 {
		return
	}
	event := "ObjectRemoved:Delete"
	if rw.Header().Get("X-Amz-Delete-Marker") == "true" && r.URL.Query().Get("versionId") == "" {
		event = "ObjectRemoved:DeleteMarkerCreated"
	}
	s.fire(b, owner, c, event, key, 0, "", rw.Header().Get("X-Amz-Version-Id"))
}

// eventMatches reports whether a configured event type (s3:ObjectCreated:*
// or an exact name) covers the event.
func eventMatches(configured []string, event string) bool {
	for _, e := range configured {
		if e == "s3:"+event {
			return true
		}
		if p, ok := strings.CutSuffix(e, "*"); ok && strings.HasPrefix("s3:"+event, p) {
			return true
		}
	}
	return false
}

// eventKey encodes a key as S3 writes it in event notifications: URL form
// encoding ("red flower.jpg" becomes "red+flower.jpg") with slashes kept
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
func eventKey(key string) string {
	return strings.ReplaceAll(url.QueryEscape(key), "%2F", "/")
}

// fire sends the event to every topic and queue configuration of the
// bucket whose event types and key filters match, each as its own
// notification, asynchronously, as S3 delivers them.
func (s *Server) fire(b *snapshot.Bucket, owner string, c awstest.Caller, event, key string, size int64, etag, versionID string) {
	n := b.Notification
	if n == nil {
		return
	}
	targets := append(append([]snapshot.NotificationTarget(nil), n.TopicConfigurations...), n.QueueConfigurations...)
	for _, t := range targets {
		if !eventMatches(t.Events, event) || !strings.HasPrefix(key, t.FilterPrefix) || !strings.HasSuffix(key, t.FilterSuffix) {
			continue
		}
		s.mu.Lock()
		s.sequencer++
		seq := s.sequencer
		s.mu.Unlock()
		doc := eventJSON(s.w.PartitionName(), b, owner, c, t.ID, event, key, size, strings.Trim(etag, `"`), versionID, seq)
		s.pending.Add(1)
		go func(dest string) {
			defer s.pending.Done()
			var err error
			if s.Notify != nil {
				err = s.Notify(context.Background(), dest, doc)
			}
			s.mu.Lock()
			s.deliveries = append(s.deliveries, Delivery{Destination: dest, Event: doc, Err: err})
			s.mu.Unlock()
		}(t.ARN)
	}
}

// s3Event is one record of S3's event message structure, version 2.1.
type s3Event struct {
	EventVersion      string            `json:"eventVersion"`
	EventSource       string            `json:"eventSource"`
	AWSRegion         string            `json:"awsRegion"`
	EventTime         string            `json:"eventTime"`
	EventName         string            `json:"eventName"`
	UserIdentity      map[string]string `json:"userIdentity"`
	RequestParameters map[string]string `json:"requestParameters"`
	ResponseElements  map[string]string `json:"responseElements"`
	S3                struct {
		SchemaVersion   string `json:"s3SchemaVersion"`
		ConfigurationID string `json:"configurationId"`
		Bucket          struct {
			Name          string            `json:"name"`
			OwnerIdentity map[string]string `json:"ownerIdentity"`
			ARN           string            `json:"arn"`
		} `json:"bucket"`
		Object struct {
			Key       string `json:"key"`
			Size      int64  `json:"size,omitempty"`
			ETag      string `json:"eTag,omitempty"`
			VersionID string `json:"versionId,omitempty"`
			Sequencer string `json:"sequencer"`
		} `json:"object"`
	} `json:"s3"`
}

func eventJSON(partition string, b *snapshot.Bucket, owner string, c awstest.Caller, configID, event, key string, size int64, etag, versionID string, seq uint64) []byte {
	var e s3Event
	e.EventVersion, e.EventSource, e.AWSRegion = "2.1", "aws:s3", b.Region
	e.EventTime = now().Format("2006-01-02T15:04:05.000Z")
	e.EventName = event
	e.UserIdentity = map[string]string{"principalId": "AWS:" + c.AccessKeyID}
	e.RequestParameters = map[string]string{"sourceIPAddress": "127.0.0.1"}
	e.ResponseElements = map[string]string{"x-amz-request-id": fmt.Sprintf("%016X", seq), "x-amz-id-2": "loopback"}
	e.S3.SchemaVersion, e.S3.ConfigurationID = "1.0", configID
	e.S3.Bucket.Name, e.S3.Bucket.ARN = b.Name, "arn:"+partition+":s3:::"+b.Name
	e.S3.Bucket.OwnerIdentity = map[string]string{"principalId": canonicalID(owner)[:14]}
	e.S3.Object.Key, e.S3.Object.Size, e.S3.Object.ETag, e.S3.Object.VersionID = eventKey(key), size, etag, versionID
	e.S3.Object.Sequencer = fmt.Sprintf("%016X", seq)
	doc, _ := json.Marshal(map[string][]s3Event{"Records": {e}})
	return doc
}
