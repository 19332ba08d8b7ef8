package live

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// record adds a collection error.
func (c *collector) record(e snapshot.CollectionError) {
	c.mu.Lock()
	c.errs = append(c.errs, e)
	c.mu.Unlock()
}

// fail records err as a failed read of (service, operation) and returns
// true when there was one.
func (c *collector) fail(account, region, service, operation, resource string, err error) bool {
	if err == nil {
		return false
	}
	c.record(snapshot.CollectionError{Account: account, Region: region, Service: service, Operation: operation,
		Resource: resource, Code: errorCode(err), Message: errorMessage(err)})
	return true
}

// errorCode is the AWS error code of err, the HTTP status for a response
// without one, or a short name for failures that never got a response.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorCode() != "" {
		return ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != 0 {
		return fmt.Sprintf("HTTP%d", re.HTTPStatusCode())
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "Timeout"
	}
	if errors.Is(err, context.Canceled) {
		return "Canceled"
	}
	return "RequestError"
}

// errorMessage is the service's message, or the error text.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) && ae.ErrorMessage() != "" {
		return ae.ErrorMessage()
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, ", "); i >= 0 && len(msg)-i < 200 {
		return msg[i+2:]
	}
	return msg
}

// isCode reports whether err is an AWS error with one of the codes.
func isCode(err error, codes ...string) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	for _, c := range codes {
		if ae.ErrorCode() == c {
			return true
		}
	}
	return false
}

// instrument returns cfg with the collector's retryer, call counting and
// per-call timeout on every client built from it.
func (c *collector) instrument(cfg aws.Config) aws.Config {
	cfg = cfg.Copy()
	cfg.Retryer = c.retryer
	timeout := c.opts.CallTimeout
	cfg.APIOptions = append(cfg.APIOptions, c.lim.middleware, func(stack *middleware.Stack) error {
		if err := stack.Initialize.Add(middleware.InitializeMiddlewareFunc("trailgateCount",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.calls.Add(1)
				key := awsmiddleware.GetServiceID(ctx) + ":" + awsmiddleware.GetOperationName(ctx)
				c.mu.Lock()
				c.ops[key]++
				c.mu.Unlock()
				ctx, cancel := context.WithTimeout(ctx, timeout)
				defer cancel()
				return next.HandleInitialize(ctx, in)
			}), middleware.After); err != nil {
			return err
		}
		return stack.Deserialize.Add(middleware.DeserializeMiddlewareFunc("trailgateAttempts",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				c.attempts.Add(1)
				return next.HandleDeserialize(ctx, in)
			}), middleware.After)
	})
	return cfg
}

// call names a read in a collection error: the account and region read,
// the service, the operation and the resource it was about ("" for none).
type call struct{ account, region, service, operation, resource string }

// paginator is what the SDK's paginators have in common; O is the options
// type of their service.
type paginator[P, O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*O)) (P, error)
}

// eachPage hands every page p reads to use, in order. A page that fails
// ends the reading: the failure is recorded as at (collector.fail) and
// eachPage returns false.
func eachPage[P, O any](ctx context.Context, c *collector, p paginator[P, O], at call, use func(P)) bool {
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if c.fail(at.account, at.region, at.service, at.operation, at.resource, err) {
			return false
		}
		use(page)
	}
	return true
}
