package smoke

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// Symptom is what a failed step observed, in the smoke test's own words.
// The catalog rule that explains a symptom is not named here: each rule's
// METADATA lists the symptoms it explains (custom.smoke), validated at load
// against Symptoms, so the catalog stays in one place.
type Symptom string

// The symptoms a step can observe.
const (
	// AssumeRoleRefused: sts:AssumeRole with the external ID failed.
	AssumeRoleRefused Symptom = "assume-role-refused"
	// ExternalIDNotRequired: the role was assumed without the external ID.
	ExternalIDNotRequired Symptom = "external-id-not-required"
	// DeniedBySCP, DeniedByRCP, DeniedByBoundary: AWS's AccessDenied
	// message names the policy type that denied (IAM User Guide,
	// "Troubleshoot access denied error messages").
	DeniedBySCP      Symptom = "denied-by-scp"
	DeniedByRCP      Symptom = "denied-by-rcp"
	DeniedByBoundary Symptom = "denied-by-boundary"
	// DeniedByKey: the call was refused for the KMS key behind the data.
	DeniedByKey Symptom = "denied-by-key"
	// DeniedByBucketPolicy: reading a log object met an explicit deny in
	// the bucket policy.
	DeniedByBucketPolicy Symptom = "denied-by-bucket-policy"
	// QueueNotFound: the queue does not exist where the connector looks
	// for it (its region).
	QueueNotFound Symptom = "queue-not-found"
	// QueueCallRefused: a queue call the consumer makes failed.
	QueueCallRefused Symptom = "queue-call-refused"
	// QueueKeyRefused: receiving failed on the queue's KMS key.
	QueueKeyRefused Symptom = "queue-key-refused"
	// NotificationUnreadable: the message is not a notification the
	// consumer parses, or not in the shape its vendor requires.
	NotificationUnreadable Symptom = "notification-unreadable"
	// SubscriptionUnconfirmed: the queue holds SNS's
	// SubscriptionConfirmation, sent only to an unconfirmed subscription.
	SubscriptionUnconfirmed Symptom = "subscription-unconfirmed"
	// ObjectReadRefused: s3:GetObject on the log object failed.
	ObjectReadRefused Symptom = "object-read-refused"
	// ObjectGone: the object a notification names no longer exists.
	ObjectGone Symptom = "object-gone"
	// BucketGone: the bucket a notification names does not exist.
	BucketGone Symptom = "bucket-gone"
	// ObjectNotLog: the object a notification names is not a log file.
	ObjectNotLog Symptom = "object-not-log"
	// CanaryUndelivered: no notification for the canary reached the queue.
	CanaryUndelivered Symptom = "canary-undelivered"
)

// Symptoms lists every symptom; each is explained by exactly one rule
// (engine's TestSmokeSymptomsExplained).
var Symptoms = []Symptom{
	AssumeRoleRefused, ExternalIDNotRequired, DeniedBySCP, DeniedByRCP, DeniedByBoundary,
	DeniedByKey, DeniedByBucketPolicy, QueueNotFound, QueueCallRefused, QueueKeyRefused,
	NotificationUnreadable, SubscriptionUnconfirmed, ObjectReadRefused, ObjectGone, BucketGone, ObjectNotLog, CanaryUndelivered,
}

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

// symptomOfDenial reads the ending of an AccessDenied message: an explicit
// deny in an SCP, an RCP, a permissions boundary, a KMS refusal, or (when
// reading an object) an explicit deny in a resource policy. fallback is the
// symptom of the step itself.
func symptomOfDenial(msg string, fallback Symptom) Symptom {
	m := strings.ToLower(msg)
	switch {
	case strings.Contains(m, "service control policy"):
		return DeniedBySCP
	case strings.Contains(m, "resource control policy"):
		return DeniedByRCP
	case strings.Contains(m, "kms:") || strings.Contains(m, "kms.") || strings.Contains(m, "ciphertext refers to a customer master key"):
		return DeniedByKey
	case strings.Contains(m, "explicit deny in a resource-based policy") && fallback == ObjectReadRefused:
		return DeniedByBucketPolicy
	case strings.Contains(m, "permissions boundary"):
		return DeniedByBoundary
	}
	return fallback
}
