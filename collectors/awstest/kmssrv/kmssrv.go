package kmssrv

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = awstest.JSON11("kms", "TrentService.")

// Service is KMS for awstest.Start.
var Service = awstest.Service{ID: awstest.KMS, New: New}

// Server is the KMS handler; it also implements s3srv.KeyUser.
type Server struct {
	w *awstest.World
}

// New returns the KMS handler for awstest.Start.
func New(w *awstest.World) http.Handler { return NewServer(w) }

// NewServer returns the KMS handler.
func NewServer(w *awstest.World) *Server {
	return &Server{w: w}
}

func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	var in map[string]any
	str := func(k string) string { v, _ := in[k].(string); return v }
	op, c, ae := s.w.BeginJSON(r, proto, &in, func() awstest.Op { return awstest.Op{Resource: str("KeyId")} })
	if ae != nil {
		proto.Fail(rw, ae)
		return
	}
	switch op {
	case "ListKeys":
		s.listKeys(rw, c, str("Marker"), intOf(in["Limit"]))
	case "ListAliases":
		s.listAliases(rw, c, str("KeyId"), str("Marker"), intOf(in["Limit"]))
	case "DescribeKey", "GetKeyPolicy", "ListGrants":
		key, owner, ae := s.resolve(c, str("KeyId"), c.Account, c.Region)
		if ae == nil {
			ae = s.authorize(c, "kms:"+op, key, nil)
		}
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		switch op {
		case "DescribeKey":
			awstest.WriteJSON(rw, proto.ContentType, map[string]any{"KeyMetadata": metadata(key, owner)})
		case "GetKeyPolicy":
			if n := str("PolicyName"); n != "" && n != "default" {
				proto.Fail(rw, awstest.Errorf(400, "NotFoundException", "No such policy exists"))
				return
			}
			doc := ""
			if key.Policy != nil {
				doc = string(key.Policy.Document)
			}
			awstest.WriteJSON(rw, proto.ContentType, map[string]any{"Policy": doc, "PolicyName": "default"})
		case "ListGrants":
			grants := []map[string]any{}
			for _, g := range key.Grants {
				grants = append(grants, map[string]any{"GrantId": g.GrantID, "KeyId": key.ARN, "GranteePrincipal": g.GranteePrincipal, "Operations": g.Operations})
			}
			awstest.WriteJSON(rw, proto.ContentType, map[string]any{"Grants": grants, "Truncated": false})
		}
	case "GenerateDataKey", "Encrypt":
		ctx := stringMap(in["EncryptionContext"])
		arn, ae := s.UseKey(c, "kms:"+op, str("KeyId"), c.Account, c.Region, ctx)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		blob := ciphertext(arn, ctx)
		out := map[string]any{"KeyId": arn, "CiphertextBlob": blob}
		if op == "GenerateDataKey" {
			out["Plaintext"] = base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x42}, 32))
		}
		awstest.WriteJSON(rw, proto.ContentType, out)
	case "Decrypt":
		raw, _ := base64.StdEncoding.DecodeString(str("CiphertextBlob"))
		var ct sealed
		if err := json.Unmarshal(raw, &ct); err != nil || ct.Key == "" {
			proto.Fail(rw, awstest.Errorf(400, "InvalidCiphertextException", ""))
			return
		}
		ctx := stringMap(in["EncryptionContext"])
		if !equalContext(ctx, ct.Context) {
			// KMS binds the encryption context into the ciphertext.
			proto.Fail(rw, awstest.Errorf(400, "InvalidCiphertextException", ""))
			return
		}
		arn, ae := s.UseKey(c, "kms:Decrypt", ct.Key, c.Account, c.Region, ctx)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		awstest.WriteJSON(rw, proto.ContentType, map[string]any{"KeyId": arn, "Plaintext": base64.StdEncoding.EncodeToString(ct.Plaintext), "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	default:
		proto.Fail(rw, awstest.Errorf(400, "UnknownOperationException", ""))
	}
}

// sealed is the loopback ciphertext: which key, under which context.
type sealed struct {
	Key       string            `json:"k"`
	Context   map[string]string `json:"c,omitempty"`
	Plaintext []byte            `json:"p"`
}

func ciphertext(keyARN string, ctx map[string]string) string {
	b, _ := json.Marshal(sealed{Key: keyARN, Context: ctx, Plaintext: bytes.Repeat([]byte{0x42}, 32)})
	return base64.StdEncoding.EncodeToString(b)
}

func equalContext(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	if len(m) == 0 {
		return nil
	}
	out := map[string]string{}
	for k, x := range m {
		out[k], _ = x.(string)
	}
	return out
}

func intOf(v any) int {
	f, _ := v.(float64)
	return int(f)
}

func metadata(k *snapshot.Key, owner string) map[string]any {
	state := cmp.Or(k.KeyState, "Enabled")
	manager := cmp.Or(k.KeyManager, "CUSTOMER")
	return map[string]any{
		"AWSAccountId": owner, "KeyId": k.KeyID, "Arn": k.ARN, "KeyState": state, "Enabled": state == "Enabled",
		"KeyManager": manager, "KeyUsage": "ENCRYPT_DECRYPT", "KeySpec": "SYMMETRIC_DEFAULT",
		"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT", "Origin": "AWS_KMS", "MultiRegion": false,
		"EncryptionAlgorithms": []string{"SYMMETRIC_DEFAULT"}, "CreationDate": 1767225600,
	}
}

// keysIn lists an account's keys in a region, sorted by key ID as ListKeys
// pages are stable.
func (s *Server) keysIn(account, region string) []*snapshot.Key {
	a := s.w.Account(account)
	if a == nil {
		return nil
	}
	var out []*snapshot.Key
	for i := range a.Keys {
		if a.Keys[i].Region == region {
			out = append(out, &a.Keys[i])
		}
	}
	slices.SortFunc(out, func(x, y *snapshot.Key) int { return cmp.Compare(x.KeyID, y.KeyID) })
	return out
}

func (s *Server) listKeys(rw http.ResponseWriter, c awstest.Caller, marker string, limit int) {
	type entry struct{ KeyId, KeyArn string }
	var keys []entry
	for _, k := range s.keysIn(c.Account, c.Region) {
		keys = append(keys, entry{k.KeyID, k.ARN})
	}
	page(s, rw, "Keys", keys, marker, limit)
}

func (s *Server) listAliases(rw http.ResponseWriter, c awstest.Caller, keyID, marker string, limit int) {
	type alias struct {
		AliasName, AliasArn, TargetKeyId string
	}
	var all []alias
	for _, k := range s.keysIn(c.Account, c.Region) {
		if keyID != "" && keyID != k.KeyID && keyID != k.ARN {
			continue
		}
		for _, a := range k.Aliases {
			all = append(all, alias{a, s.w.ARN("kms", c.Region, c.Account, a), k.KeyID})
		}
	}
	slices.SortFunc(all, func(x, y alias) int { return cmp.Compare(x.AliasName, y.AliasName) })
	page(s, rw, "Aliases", all, marker, limit)
}

// page answers a KMS list call: KMS pages with Marker and Limit (100 by
// default) and says Truncated alongside NextMarker.
func page[T any](s *Server, rw http.ResponseWriter, key string, items []T, marker string, limit int) {
	resp, ae := awstest.JSONPage(s.w, items, key, "NextMarker", marker, limit, 100)
	if ae != nil {
		proto.Fail(rw, ae)
		return
	}
	_, more := resp["NextMarker"]
	resp["Truncated"] = more
	awstest.WriteJSON(rw, proto.ContentType, resp)
}

// resolve finds the key keyRef names, as KMS does: a key ID or alias name
// only in the caller's (or, for S3, the bucket owner's) account and region;
// a key or alias ARN anywhere
// (https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id).
func (s *Server) resolve(c awstest.Caller, keyRef, account, region string) (*snapshot.Key, string, *awstest.APIError) {
	notFound := awstest.Errorf(400, "NotFoundException", "Invalid keyId '%s'", keyRef)
	if a, err := arn.Parse(keyRef); err == nil {
		account, region, keyRef = a.AccountID, a.Region, a.Resource
	}
	id, isKey := strings.CutPrefix(keyRef, "key/")
	for _, k := range s.keysIn(account, region) {
		if isKey || !strings.HasPrefix(keyRef, "alias/") {
			if k.KeyID == id || k.KeyID == keyRef {
				return k, account, nil
			}
			continue
		}
		for _, a := range k.Aliases {
			if a == keyRef {
				return k, account, nil
			}
		}
	}
	if strings.HasPrefix(keyRef, "alias/") {
		return nil, "", awstest.Errorf(400, "NotFoundException", "Alias %s is not found.", s.w.ARN("kms", region, account, keyRef))
	}
	return nil, "", notFound
}

// UseKey implements s3srv.KeyUser, and serves this package's own
// cryptographic calls: it resolves the key, checks its state and
// authorizes action for the caller with the encryption context.
func (s *Server) UseKey(c awstest.Caller, action, keyRef, ownerAccount, region string, encryptionContext map[string]string) (string, *awstest.APIError) {
	k, _, ae := s.resolve(c, keyRef, ownerAccount, region)
	if ae != nil {
		return "", ae
	}
	switch k.KeyState {
	case "", "Enabled":
	case "Disabled":
		return "", awstest.Errorf(400, "DisabledException", "%s is disabled.", k.ARN)
	case "PendingDeletion":
		return "", awstest.Errorf(400, "KMSInvalidStateException", "%s is pending deletion.", k.ARN)
	default:
		return "", awstest.Errorf(400, "KMSInvalidStateException", "%s is %s.", k.ARN, k.KeyState)
	}
	if ae := s.authorize(c, action, k, encryptionContext); ae != nil {
		return "", ae
	}
	return k.ARN, nil
}
