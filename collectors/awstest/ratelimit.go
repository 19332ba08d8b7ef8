package awstest

import (
	"sync"
	"time"
)

// RateLimit is a request rate a server enforces as AWS does, with a token
// bucket per caller account, region and service
// (https://aws.amazon.com/blogs/security/how-to-monitor-and-query-iam-resources-at-scale-part-2/
// describes IAM's and STS's; CloudTrail documents 10 transactions per
// second for its reads per account and region,
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/WhatIsCloudTrail-Limits.html).
// A request that finds the bucket empty gets the service's throttling
// error.
type RateLimit struct {
	Rate  float64 // requests per second
	Burst int     // bucket size
}

// rateLimits holds the buckets of a World's RateLimits.
type rateLimits struct {
	mu        sync.Mutex
	buckets   map[rateKey]*rateBucket
	throttled int
}

type rateKey struct{ service, account, region string }

type rateBucket struct {
	tokens float64
	last   time.Time
}

// allow takes a token for a call of service by account in region, and
// reports false when the bucket is empty (the call is throttled).
func (r *rateLimits) allow(limit RateLimit, service, account, region string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.buckets == nil {
		r.buckets = map[rateKey]*rateBucket{}
	}
	k := rateKey{service, account, region}
	now := time.Now()
	burst := float64(max(limit.Burst, 1))
	b := r.buckets[k]
	if b == nil {
		b = &rateBucket{tokens: burst, last: now}
		r.buckets[k] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*limit.Rate)
	b.last = now
	if b.tokens < 1 {
		r.throttled++
		return false
	}
	b.tokens--
	return true
}

// Throttled is how many calls the World's RateLimits refused.
func (w *World) Throttled() int {
	w.limits.mu.Lock()
	defer w.limits.mu.Unlock()
	return w.limits.throttled
}
