package live

import (
	"bytes"
	"encoding/json"
	"net/url"
)

// document turns a policy (or filter policy) string as AWS returns it into
// compact JSON; false when it is not JSON.
func document(s string) (json.RawMessage, bool) {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return nil, false
	}
	return json.RawMessage(b.Bytes()), true
}

// iamDocument decodes a policy document as IAM returns it: URL-encoded
// (RFC 3986), per the GetAccountAuthorizationDetails reference
// (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
// PathUnescape, not QueryUnescape: a '+' in the encoded form is a literal
// plus, never a space.
func iamDocument(s string) (json.RawMessage, bool) {
	dec, err := url.PathUnescape(s)
	if err != nil {
		return nil, false
	}
	return document(dec)
}
