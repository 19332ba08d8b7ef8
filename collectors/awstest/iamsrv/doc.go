// Package iamsrv is a loopback AWS IAM (query/XML protocol) serving the
// roles and managed policies of a World's snapshot through
// GetAccountAuthorizationDetails, with documents URL-encoded as IAM returns
// them. It serves reads only.
package iamsrv
