package awstest

import (
	"fmt"
	"sync"
	"time"
)

// FaultKind is the class of failure a Fault injects.
type FaultKind int

const (
	// Deny answers with the service's access-denied error (HTTP 403).
	Deny FaultKind = iota
	// Throttle answers with the service's throttling error, which the SDK
	// retries.
	Throttle
	// ServerError answers with the service's internal error (HTTP 500),
	// which the SDK retries.
	ServerError
	// Slow waits Delay, then answers normally: a call that outlives the
	// client's timeout.
	Slow
)

// Fault is an error to inject. Empty selector fields match anything.
type Fault struct {
	Account   string
	Region    string
	Service   string // signing name: iam, sts, organizations, …
	Operation string
	Kind      FaultKind
	// Code overrides the service's usual error code for Kind.
	Code string
	// Times limits the fault to the first Times matching calls (a throttle
	// that clears after N attempts); 0 means every matching call.
	Times int
	// OnContinuation limits the fault to requests for page two or later.
	OnContinuation bool
	// Delay is how long a Slow fault waits.
	Delay time.Duration

	hits int
}

// Faults holds the faults of a World.
type Faults struct {
	mu   sync.Mutex
	list []*Fault
}

// Add registers a fault and returns it; Hits reports how often it fired.
func (fs *Faults) Add(f Fault) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	p := &f
	fs.list = append(fs.list, p)
	return p
}

// Hits reports how many calls the fault answered.
func (fs *Faults) Hits(f *Fault) int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return f.hits
}

func (fs *Faults) match(c Caller, op Op) *Fault {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range fs.list {
		if (f.Account == "" || f.Account == c.Account) &&
			(f.Region == "" || f.Region == c.Region) &&
			(f.Service == "" || f.Service == op.Service) &&
			(f.Operation == "" || f.Operation == op.Name) &&
			(!f.OnContinuation || op.Continuation) &&
			(f.Times == 0 || f.hits < f.Times) {
			f.hits++
			return f
		}
	}
	return nil
}

// apiError renders the fault as the service would.
func (f *Fault) apiError(c Caller, op Op) *APIError {
	ae := &APIError{Code: f.Code}
	switch f.Kind {
	case Deny:
		ae.Status = 403
		if ae.Code == "" {
			ae.Code = DenyCode(op.Service)
		}
		res := op.Resource
		if res == "" {
			res = "*"
		}
		ae.Message = fmt.Sprintf("User: %s is not authorized to perform: %s:%s on resource: %s because no identity-based policy allows the %s:%s action",
			c.PrincipalARN, op.Service, op.Name, res, op.Service, op.Name)
	case Throttle:
		ae.Status = 400
		if ae.Code == "" {
			ae.Code = throttleCode(op.Service)
		}
		switch ae.Code {
		case "SlowDown":
			ae.Status = 503
		case "TooManyRequestsException":
			if op.Service == "guardduty" {
				ae.Status = 429
			}
		}
		ae.Message = "Rate exceeded"
	case ServerError:
		ae.Status = 500
		ae.Receiver = true
		if ae.Code == "" {
			ae.Code = serverErrorCode(op.Service)
		}
		ae.Message = "We encountered an internal error. Please try again."
	}
	return ae
}

// DenyCode is the error code a service answers an unauthorized call with.
func DenyCode(service string) string {
	switch service {
	case "organizations", "cloudtrail", "kms", "guardduty", "eks", "logs", "firehose", "events", "macie2":
		return "AccessDeniedException"
	case "sns":
		return "AuthorizationError"
	case "ec2":
		return "UnauthorizedOperation"
	default: // iam, sts, s3, sqs (query-compatible code)
		return "AccessDenied"
	}
}

func throttleCode(service string) string {
	switch service {
	case "organizations", "guardduty":
		return "TooManyRequestsException"
	case "cloudtrail", "kms", "logs", "events", "eks", "macie2":
		return "ThrottlingException"
	case "firehose":
		return "LimitExceededException"
	case "sqs":
		return "RequestThrottled"
	case "s3":
		return "SlowDown"
	case "ec2":
		return "RequestLimitExceeded"
	default: // iam, sts, sns
		return "Throttling"
	}
}

func serverErrorCode(service string) string {
	switch service {
	case "iam":
		return "ServiceFailure"
	case "organizations":
		return "ServiceException"
	case "kms":
		return "KMSInternalException"
	case "guardduty":
		return "InternalServerErrorException"
	case "cloudtrail", "events", "firehose":
		return "InternalFailure"
	case "eks":
		return "ServerException"
	case "macie2":
		return "InternalServerException"
	case "logs":
		return "ServiceUnavailableException"
	default: // s3, sns, sqs, sts, ec2
		return "InternalError"
	}
}
