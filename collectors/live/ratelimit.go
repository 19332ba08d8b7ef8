package live

import (
	"context"
	"sync"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Client-side rate limiting.
//
// AWS throttles each API per account and region (a token bucket per
// account, region and API or group of APIs). The collector reads one
// account-region at a time per service, so most buckets never see more than
// one call in flight; the buckets the whole run shares are the ones that
// throttle at organization scale: Organizations (every call is the
// management account's), STS AssumeRole (every call is the caller's
// account's) and CloudTrail's low read rate. Waiting for a token before
// each attempt (retries included) keeps the run under those rates instead
// of spending attempts on throttling errors; the SDK's adaptive retryer
// (retryer) still backs off on any throttling error AWS sends, for the
// quotas below that are only estimates and for other callers sharing the
// account's quota.

// Quota is a request rate: Rate requests per second, Burst at once.
type Quota struct {
	Rate  float64
	Burst int
}

// scope says which account and region a service's quota is counted in.
type scope int

const (
	perAccountRegion scope = iota // regional APIs: CloudTrail, KMS, SNS, SQS, GuardDuty, EC2, S3
	perAccount                    // IAM: a global service, counted per account
	caller                        // STS and Organizations: every call is the caller's account's
)

type serviceQuota struct {
	Quota
	scope scope
}

// DefaultQuotas are the rates the collector keeps per SDK service ID.
//
//   - CloudTrail: "Get, describe, and list APIs: 10 transactions per
//     second" per account and region, not adjustable
//     (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html).
//   - Organizations answers TooManyRequestsException when "you have sent too
//     many requests in too short a period of time"
//     (https://docs.aws.amazon.com/organizations/latest/APIReference/API_TooManyRequestsException.html,
//     https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html)
//     without a published per-second figure for reads: 10 per second, the
//     rate CloudTrail documents for reads, walks a 10,000-account tree
//     (about 1,100 list calls) in under two minutes.
//   - IAM and STS "independently implement a token bucket algorithm for
//     throttling … the number of tokens … depends on the API" and publish no
//     figure (https://aws.amazon.com/blogs/security/how-to-monitor-and-query-iam-resources-at-scale-part-2/):
//     IAM reads are few per account (GetAccountAuthorizationDetails pages);
//     AssumeRole is one call per member account, all counted in the
//     caller's account, kept at 20 per second.
//   - KMS read quotas are per operation, per account and region, and in
//     the hundreds or more per second
//     (https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html);
//     SNS, SQS, S3, GuardDuty and EC2 reads likewise far exceed what one
//     sequential reader per account-region sends; 50 per second is a
//     ceiling that never binds at 20 ms per call and only caps bursts.
var DefaultQuotas = map[string]Quota{
	"CloudTrail":    {Rate: 10, Burst: 10},
	"Organizations": {Rate: 10, Burst: 10},
	"IAM":           {Rate: 10, Burst: 10},
	"STS":           {Rate: 20, Burst: 20},
	"KMS":           {Rate: 50, Burst: 50},
	"SNS":           {Rate: 50, Burst: 50},
	"SQS":           {Rate: 50, Burst: 50},
	"S3":            {Rate: 50, Burst: 50},
	"GuardDuty":     {Rate: 50, Burst: 50},
	"EC2":           {Rate: 50, Burst: 50},
}

var serviceScopes = map[string]scope{"IAM": perAccount, "STS": caller, "Organizations": caller}

// limiter holds one token bucket per (service, account, region) as AWS
// counts them.
type limiter struct {
	quotas  map[string]Quota
	now     func() time.Time
	mu      sync.Mutex
	buckets map[bucketKey]*bucket
	// waited is the total time calls waited for a token.
	waited time.Duration
}

type bucketKey struct{ service, account, region string }

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(quotas map[string]Quota) *limiter {
	return &limiter{quotas: quotas, now: time.Now, buckets: map[bucketKey]*bucket{}}
}

// reserve takes a token for one request to service in account and region
// and returns how long the request must wait before it is sent (zero when
// a token was available). Tokens are taken in arrival order: a reservation
// may drive the bucket negative, and later callers wait longer.
func (l *limiter) reserve(service, account, region string) time.Duration {
	q, ok := l.quotas[service]
	if !ok || q.Rate <= 0 {
		return 0
	}
	switch serviceScopes[service] {
	case perAccount:
		region = ""
	case caller:
		account, region = "", ""
	}
	k := bucketKey{service, account, region}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[k]
	if b == nil {
		b = &bucket{tokens: float64(max(q.Burst, 1)), last: now}
		l.buckets[k] = b
	}
	b.tokens = min(float64(max(q.Burst, 1)), b.tokens+now.Sub(b.last).Seconds()*q.Rate)
	b.last = now
	b.tokens--
	if b.tokens >= 0 {
		return 0
	}
	wait := time.Duration(-b.tokens / q.Rate * float64(time.Second))
	l.waited += wait
	return wait
}

// wait blocks until the request may be sent, or ctx ends.
func (l *limiter) wait(ctx context.Context, service, account, region string) error {
	d := l.reserve(service, account, region)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type accountKey struct{}

// withAccount marks ctx as reading account, for the rate limiter.
func withAccount(ctx context.Context, account string) context.Context {
	return context.WithValue(ctx, accountKey{}, account)
}

// limitMiddleware waits for a token before each attempt: it sits in the
// Finalize step after the SDK's retry middleware, so that retries are
// counted as AWS counts them.
func (l *limiter) middleware(stack *middleware.Stack) error {
	return stack.Finalize.Add(middleware.FinalizeMiddlewareFunc("trailgateRateLimit",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			account, _ := ctx.Value(accountKey{}).(string)
			if err := l.wait(ctx, awsmiddleware.GetServiceID(ctx), account, awsmiddleware.GetRegion(ctx)); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
			return next.HandleFinalize(ctx, in)
		}), middleware.After)
}
