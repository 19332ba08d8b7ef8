package awstest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Identity is one set of credentials and the principal they stand for.
type Identity struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is required on every request when set (temporary
	// credentials), and refused when not.
	SessionToken string
	// PrincipalARN is the IAM user, role or assumed-role session ARN.
	PrincipalARN string
}

// Identities maps access key IDs to principals.
type Identities struct {
	mu  sync.Mutex
	ids map[string]Identity
}

// Add registers credentials for principalARN (user, role or
// arn:aws:sts::ACCT:assumed-role/ROLE/SESSION).
func (i *Identities) Add(akid, secret, sessionToken, principalARN string) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.ids == nil {
		i.ids = map[string]Identity{}
	}
	i.ids[akid] = Identity{AccessKeyID: akid, SecretAccessKey: secret, SessionToken: sessionToken, PrincipalARN: principalARN}
}

// Lookup returns the identity of an access key ID.
func (i *Identities) Lookup(akid string) (Identity, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	id, ok := i.ids[akid]
	return id, ok
}

// Caller is who signed a request, and where it was sent.
type Caller struct {
	PrincipalARN string
	// Account is the principal's account: it routes the request, since AWS
	// answers with the caller's account's resources.
	Account string
	// Region is the SigV4 credential scope's region.
	Region      string
	AccessKeyID string
	// Service is the SigV4 credential scope's service (signing name).
	Service string
}

// Caller identifies the signer of r from its SigV4 Authorization header (or
// a presigned URL's X-Amz-Credential), checks the session token and verifies
// the signature against the registered secret, as AWS does. The returned
// error is a *SigError naming the failure.
func (w *World) Caller(r *http.Request) (Caller, error) {
	var c Caller
	auth := r.Header.Get("Authorization")
	var cred, signedHeaders, signature string
	presigned := false
	if auth != "" {
		const algo = "AWS4-HMAC-SHA256 "
		if !strings.HasPrefix(auth, algo) {
			return c, &SigError{Kind: missingAuth, Msg: "Authorization header requires AWS4-HMAC-SHA256"}
		}
		for _, part := range strings.Split(strings.TrimPrefix(auth, algo), ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
			switch k {
			case "Credential":
				cred = v
			case "SignedHeaders":
				signedHeaders = v
			case "Signature":
				signature = v
			}
		}
		if signature == "" || signedHeaders == "" {
			return c, &SigError{Kind: missingAuth, Msg: "Authorization header requires 'Signature' and 'SignedHeaders' parameters"}
		}
	} else if q := r.URL.Query(); q.Get("X-Amz-Credential") != "" {
		// A presigned URL carries the signature in its query.
		cred, signedHeaders, signature, presigned = q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature"), true
		if signature == "" || signedHeaders == "" {
			return c, &SigError{Kind: missingAuth, Msg: "Query-string authentication requires the X-Amz-Signature and X-Amz-SignedHeaders parameters"}
		}
	} else {
		return c, &SigError{Kind: missingAuth, Msg: "Request is missing Authentication Token"}
	}
	scope := strings.Split(cred, "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return c, &SigError{Kind: missingAuth, Msg: "Credential should be scoped to a valid region and service: " + cred}
	}
	c.AccessKeyID, c.Region, c.Service = scope[0], scope[2], scope[3]
	id, ok := w.Identities.Lookup(c.AccessKeyID)
	if !ok {
		return c, &SigError{Kind: unknownKey, Msg: "The security token included in the request is invalid."}
	}
	c.PrincipalARN = id.PrincipalARN
	c.Account = AccountOfARN(id.PrincipalARN)
	token := r.Header.Get("X-Amz-Security-Token")
	if token == "" {
		token = r.URL.Query().Get("X-Amz-Security-Token")
	}
	if token != id.SessionToken {
		return c, &SigError{Kind: unknownKey, Msg: "The security token included in the request is invalid."}
	}
	want, err := signatureOf(r, id.SecretAccessKey, strings.Join(scope[1:], "/"), signedHeaders, scope, presigned)
	if err != nil {
		return c, err
	}
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return c, &SigError{Kind: badSignature, Msg: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."}
	}
	return c, nil
}

type sigKind int

const (
	missingAuth sigKind = iota
	unknownKey
	badSignature
)

// SigError is an authentication failure.
type SigError struct {
	Kind sigKind
	Msg  string
}

func (e *SigError) Error() string { return e.Msg }

// signatureOf recomputes the SigV4 signature of r
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
func signatureOf(r *http.Request, secret, scope, signedHeaders string, parts []string, presigned bool) (string, error) {
	q := r.URL.Query()
	date := r.Header.Get("X-Amz-Date")
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if presigned {
		// The signature signs every query parameter but itself, and an
		// unsigned payload.
		date = q.Get("X-Amz-Date")
		q.Del("X-Amz-Signature")
		payloadHash = "UNSIGNED-PAYLOAD"
	}
	if date == "" {
		return "", &SigError{Kind: missingAuth, Msg: "missing X-Amz-Date"}
	}
	if payloadHash == "" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return "", err
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	uri := r.URL.EscapedPath()
	if uri == "" {
		uri = "/"
	}
	// Every service but S3 signs the path escaped twice.
	if parts[3] != "s3" {
		uri = escapePath(uri)
	}
	for k := range q {
		slices.Sort(q[k])
	}
	rawQuery := strings.ReplaceAll(q.Encode(), "+", "%20")
	var ch strings.Builder
	for _, h := range strings.Split(signedHeaders, ";") {
		var v string
		switch h {
		case "host":
			v = r.Host
		case "content-length":
			v = strconv.FormatInt(r.ContentLength, 10)
		default:
			vals := r.Header.Values(h)
			for i := range vals {
				vals[i] = strings.Join(strings.Fields(vals[i]), " ")
			}
			v = strings.Join(vals, ",")
		}
		fmt.Fprintf(&ch, "%s:%s\n", h, v)
	}
	canonical := strings.Join([]string{r.Method, uri, rawQuery, ch.String(), signedHeaders, payloadHash}, "\n")
	sum := sha256.Sum256([]byte(canonical))
	toSign := "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+secret), parts[1])
	key = hmacSHA256(key, parts[2])
	key = hmacSHA256(key, parts[3])
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, toSign)), nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// escapePath escapes a path as the SigV4 signer does: every byte but
// unreserved characters and '/'.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// authError maps an authentication failure to the code the service uses.
func authError(service string, err error) *APIError {
	var se *SigError
	if !errors.As(err, &se) {
		return &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true}
	}
	ae := &APIError{Status: 403, Message: se.Msg}
	switch se.Kind {
	case missingAuth:
		ae.Code = "MissingAuthenticationToken"
		if service == "s3" {
			ae.Code = "AccessDenied"
		}
	case badSignature:
		ae.Code = "SignatureDoesNotMatch"
		if service == "guardduty" || service == "cloudtrail" || service == "organizations" || service == "kms" {
			ae.Code = "InvalidSignatureException"
		}
	default:
		switch service {
		case "s3":
			ae.Code = "InvalidAccessKeyId"
		case "iam", "sts", "sns", "ec2":
			ae.Code = "InvalidClientTokenId"
		default:
			ae.Code = "UnrecognizedClientException"
		}
	}
	return ae
}
