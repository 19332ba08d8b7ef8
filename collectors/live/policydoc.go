package live

import (
	"bytes"
	"encoding/json"
	"net/url"
)

func bytesCompact(dst []byte, s string) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return append(dst, s...)
	}
	return append(dst, b.Bytes()...)
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
