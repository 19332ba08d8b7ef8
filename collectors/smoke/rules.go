package smoke

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// errorCode returns the AWS error code of err, the context's error for a
// cancelled or timed-out call, or "" for errors AWS did not return.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "Timeout"
	case errors.Is(err, context.Canceled):
		return "Canceled"
	}
	return ""
}

func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		if m := ae.ErrorMessage(); m != "" {
			return m
		}
		return ae.ErrorCode()
	}
	return err.Error()
}

// isAccessDenied covers the spellings services use for an authorization
// failure.
func isAccessDenied(code string) bool {
	switch code {
	case "AccessDenied", "AccessDeniedException", "AuthorizationError",
		"KMS.AccessDeniedException", "AWS.SimpleQueueService.AccessDenied", "Forbidden":
		return true
	}
	return false
}

// ruleForDenial maps the ending of an AccessDenied message to the catalog
// rule behind it, as the catalog's analyzer notes lay out: an explicit deny
// in an SCP is OR01, in an RCP OR02, in a resource policy S304; a KMS denial
// is KM01. fallback is the rule of the hop itself.
func ruleForDenial(msg, fallback string) string {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "service control policy"):
		return "OR01"
	case strings.Contains(m, "resource control policy"):
		return "OR02"
	case strings.Contains(m, "kms:") || strings.Contains(m, "kms.") || strings.Contains(m, "ciphertext refers to a customer master key"):
		return "KM01"
	case strings.Contains(m, "explicit deny in a resource-based policy") && fallback == "S305":
		return "S304"
	case strings.Contains(m, "permissions boundary"):
		return "ID03"
	}
	return fallback
}
