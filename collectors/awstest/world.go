package awstest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// World is what the loopback servers serve: a snapshot, the credentials they
// accept, faults to inject, and a record of calls.
type World struct {
	// Snapshot holds the resources served; a server answers a caller with the
	// resources of the caller's own account, as AWS does. Servers only read
	// it; a test changes it before the servers start, or through Update
	// (whose change the next authorization sees: World.Assemble).
	Snapshot *snapshot.Snapshot
	// Identities are the credentials the servers accept.
	Identities *Identities
	// Faults are the errors to inject.
	Faults *Faults
	// Calls records every request the servers answered; nil records
	// nothing (a benchmark of a large organization, whose hundreds of
	// thousands of records would be most of the heap the garbage collector
	// scans).
	Calls *CallLog
	// Partition is the ARN partition of the world ("aws" when empty).
	Partition string
	// Latency is added to every call, to measure the collector against
	// realistic round trips.
	Latency time.Duration
	// PageSize overrides every list operation's default page size when > 0,
	// so that small worlds still exercise pagination.
	PageSize int
	// AssumeRoleAllowed decides whether caller may assume the role whose
	// trust policy is given, with the external ID the request carries (empty
	// when none). When nil, stssrv asks trailgate's IAM evaluator; a test
	// sets it only to force an answer.
	AssumeRoleAllowed func(trust *snapshot.Policy, role snapshot.Role, caller Caller, externalID string) (bool, error)

	// RateLimits throttle calls per signing name (cloudtrail, sts, …)
	// beyond a rate, as AWS does (RateLimit); a service without one is
	// never throttled for its rate. Set before the servers start.
	RateLimits map[string]RateLimit

	limits rateLimits

	// accounts indexes Snapshot.Accounts by ID (Account), guarded by
	// accountsMu.
	accountsMu sync.Mutex
	accounts   map[string]int

	// ix is the authorization index of Snapshot (index), guarded by ixMu.
	ixMu sync.Mutex
	ix   *authz.Index
}

// NewWorld returns a World serving s, with empty identities, no faults and
// an empty call log. s is completed in place (Complete) with the values AWS
// always reports.
func NewWorld(s *snapshot.Snapshot) *World {
	Complete(s)
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	return &World{Snapshot: s, Identities: &Identities{}, Faults: &Faults{}, Calls: &CallLog{}, Partition: p}
}

// PartitionName returns the partition, defaulting to aws.
func (w *World) PartitionName() string {
	if w.Partition == "" {
		return "aws"
	}
	return w.Partition
}

// Account returns the snapshot's account with the given ID, or nil. Every
// call asks it, so it looks the ID up in an index of the accounts rather
// than scanning them (in an organization of 1,000 accounts the scan made
// the servers' cost quadratic in its size).
func (w *World) Account(id string) *snapshot.Account {
	accts := w.Snapshot.Accounts
	w.accountsMu.Lock()
	defer w.accountsMu.Unlock()
	if i, ok := w.accounts[id]; ok && i < len(accts) && accts[i].ID == id {
		return &accts[i]
	}
	// Not indexed, or indexed where it no longer is: a miss scans, and
	// rebuilds the index when it finds the account.
	for i := range accts {
		if accts[i].ID == id {
			w.accounts = make(map[string]int, len(accts))
			for j := range accts {
				w.accounts[accts[j].ID] = j
			}
			return &accts[i]
		}
	}
	return nil
}

// Own returns the caller's own account, whose resources are the only ones
// AWS answers a list call with; an account the world does not hold has
// none.
func (w *World) Own(c Caller) *snapshot.Account {
	if a := w.Account(c.Account); a != nil {
		return a
	}
	return &snapshot.Account{ID: c.Account}
}

// InRegion reports whether the account serves regional resources in region:
// an account whose Regions list is empty serves every region.
func InRegion(a *snapshot.Account, region string) bool {
	if len(a.Regions) == 0 {
		return true
	}
	for _, r := range a.Regions {
		if r == region {
			return true
		}
	}
	return false
}

// Op names the call a server is about to answer.
type Op struct {
	// Service is the SigV4 signing name (sts, iam, organizations, …).
	Service string
	// Name is the API operation (ListRoles, DescribeTrails, …).
	Name string
	// Continuation is true when the request carries a pagination token,
	// i.e. asks for page two or later.
	Continuation bool
	// Resource is the ARN or name the call is about, when there is one.
	Resource string
}

// Begin identifies the caller, records the call, waits the World's latency
// and applies the faults. A server writes the returned *APIError in its
// protocol's shape and stops; otherwise it answers for Caller.
func (w *World) Begin(r *http.Request, op Op) (Caller, *APIError) {
	c, err := w.Caller(r)
	call := Call{Service: op.Service, Operation: op.Name, Resource: op.Resource,
		Account: c.Account, Region: c.Region, Principal: c.PrincipalARN, Continuation: op.Continuation}
	if w.Latency > 0 {
		time.Sleep(w.Latency)
	}
	if err != nil {
		ae := authError(op.Service, err)
		call.Error = ae.Code
		w.Calls.add(call)
		return c, ae
	}
	if f := w.Faults.match(c, op); f != nil && f.Kind == Slow {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
		}
	} else if f != nil {
		ae := f.apiError(c, op)
		call.Error = ae.Code
		w.Calls.add(call)
		return c, ae
	}
	if limit, ok := w.RateLimits[op.Service]; ok && !w.limits.allow(limit, op.Service, c.Account, c.Region) {
		ae := (&Fault{Kind: Throttle}).apiError(c, op)
		call.Error = ae.Code
		w.Calls.add(call)
		return c, ae
	}
	w.Calls.add(call)
	return c, nil
}

// ARN builds an ARN in the World's partition.
func (w *World) ARN(service, region, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", w.PartitionName(), service, region, account, resource)
}

// AccountOfARN returns the account field of an ARN ("" if none).
func AccountOfARN(s string) string {
	a, _ := arn.Parse(s)
	return a.AccountID
}

// RegionOfARN returns the region field of an ARN ("" if none).
func RegionOfARN(s string) string {
	a, _ := arn.Parse(s)
	return a.Region
}

// UniqueID derives a stable IAM-style unique ID (AROA…, ANPA…) for an
// entity the snapshot gives none, so that repeated runs agree.
func UniqueID(prefix, arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return prefix + strings.ToUpper(hex.EncodeToString(sum[:9]))[:17]
}

// Filter returns the items keep accepts, by pointer and in order: the
// resources a list call answers with.
func Filter[T any](items []T, keep func(*T) bool) []*T {
	var out []*T
	for i := range items {
		if keep(&items[i]) {
			out = append(out, &items[i])
		}
	}
	return out
}

// Find returns the first of items that match accepts, nil when none does:
// how a server looks up the resource a call names.
func Find[T any](items []T, match func(*T) bool) *T {
	for i := range items {
		if match(&items[i]) {
			return &items[i]
		}
	}
	return nil
}
