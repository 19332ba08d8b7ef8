package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Options shape a collection.
type Options struct {
	// Accounts limits the member accounts collected (default: every active
	// account of the organization, or the caller's account).
	Accounts []string
	// Regions limits the regions collected (default: every region enabled
	// in each account, from ec2:DescribeRegions).
	Regions []string
	// MemberRole is the role name assumed in every account but the caller's.
	MemberRole string
	// ExternalID is passed to AssumeRole when set.
	ExternalID string
	// Concurrency is how many accounts and regions are read at once
	// (default DefaultConcurrency).
	Concurrency int
	// CallTimeout bounds each API call, retries included (default
	// DefaultCallTimeout).
	CallTimeout time.Duration
	// Progress, when set, receives a progress line (accounts done/total,
	// calls, errors) rewritten in place; the CLI sets it only when stderr is
	// a terminal.
	Progress io.Writer
	// MaxAttempts and MaxBackoff tune the SDK's adaptive retryer; zero keeps
	// the SDK's defaults (3 attempts, 20 s backoff cap).
	MaxAttempts int
	MaxBackoff  time.Duration
}

// DefaultConcurrency reads 32 account-regions at once. AWS API rate limits
// are per account and region, and within one account-region the collector
// is sequential, so at most one call per service and account-region is in
// flight: parallel work spreads over distinct rate-limit buckets and never
// bursts past one (CloudTrail's control-plane reads allow only a few TPS).
// The calls that share one bucket (sts:AssumeRole from the caller's account,
// one per member account) stay well under STS's limit. Beyond 32 the
// machine, not AWS, is the bottleneck: see BenchmarkCollectOrg.
const DefaultConcurrency = 32

// DefaultCallTimeout bounds one API call with its retries.
const DefaultCallTimeout = 60 * time.Second

// Stats say what the collection cost.
type Stats struct {
	// Calls is the number of API operations invoked (retries not counted).
	Calls int
	// Attempts is the number of HTTP requests, retries included.
	Attempts int
	// AccountRegions is the number of (account, region) pairs collected.
	AccountRegions int
	// CallsPerAccountRegion is Calls / AccountRegions.
	CallsPerAccountRegion float64
	// Errors is the number of collection errors recorded.
	Errors int
	// Mode is "organization" or "single-account".
	Mode string
	// Notes explain the mode and anything else the user should know.
	Notes []string
	// Operations counts calls per "ServiceID:Operation", to audit the
	// least-privilege policy.
	Operations map[string]int
}

// collector is one run's shared state.
type collector struct {
	base     aws.Config
	opts     Options
	partN    string
	sem      chan struct{}
	calls    atomic.Int64
	attempts atomic.Int64
	done     atomic.Int64
	total    atomic.Int64
	mu       sync.Mutex
	errs     []snapshot.CollectionError
	ops      map[string]int
}

// Collect snapshots the organization (or the caller's account) that cfg's
// credentials can read. A read that fails is recorded in the snapshot's
// CollectionErrors instead of failing the run; the returned error is
// reserved for failures that leave nothing to snapshot (no valid
// credentials).
func Collect(ctx context.Context, cfg aws.Config, opts Options) (*snapshot.Snapshot, Stats, error) {
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	c := &collector{opts: opts, sem: make(chan struct{}, opts.Concurrency), ops: map[string]int{}}
	c.base = c.instrument(cfg)

	stop := c.progress()
	defer stop()

	id, err := sts.NewFromConfig(c.base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, c.stats(0), fmt.Errorf("identify the caller (sts:GetCallerIdentity): %w", err)
	}
	callerARN := aws.ToString(id.Arn)
	callerAccount := aws.ToString(id.Account)
	c.partN = partitionOf(callerARN)

	snap := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceLive}
	if c.partN != "aws" {
		snap.Partition = c.partN
	}
	mode, notes := "organization", []string(nil)
	org, note := c.collectOrganization(ctx)
	if ctx.Err() != nil {
		// Accounts the walk never listed cannot be named: the error is the
		// organization's, so that no account is taken as all there is.
		c.notCollected(ctx, "", "")
	}
	names := map[string]string{}
	var targets []string
	if org != nil {
		snap.Organization = org
		for _, m := range org.Members {
			names[m.ID] = m.Name
			if m.Status == "ACTIVE" && wanted(opts.Accounts, m.ID) {
				targets = append(targets, m.ID)
			}
		}
	} else {
		mode, notes = "single-account", []string{"single-account mode: " + note}
		// With no organization to walk, --accounts names the accounts
		// (entered through --member-role); by default the caller's own.
		targets = append(targets, opts.Accounts...)
		if len(targets) == 0 {
			targets = []string{callerAccount}
		}
	}
	sort.Strings(targets)
	targets = slices.Compact(targets)
	c.total.Store(int64(len(targets)))

	accounts := make([]*snapshot.Account, len(targets))
	cfgs := map[string]aws.Config{}
	var cfgMu sync.Mutex
	var regionsCollected atomic.Int64
	var wg sync.WaitGroup
	for i, acct := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.done.Add(1)
			var cfg aws.Config
			accounts[i], cfg = c.collectAccount(ctx, acct, names[acct], acct == callerAccount, &regionsCollected)
			if accounts[i] != nil {
				cfgMu.Lock()
				cfgs[acct] = cfg
				cfgMu.Unlock()
			}
		}()
	}
	wg.Wait()
	c.probeDestinationFolders(ctx, accounts, cfgs)
	for _, a := range accounts {
		if a != nil {
			snap.Accounts = append(snap.Accounts, *a)
		}
	}
	c.mu.Lock()
	snap.CollectionErrors = append(snap.CollectionErrors, c.errs...)
	c.mu.Unlock()
	snap.Sort()
	stats := c.stats(int(regionsCollected.Load()))
	stats.Mode, stats.Notes = mode, notes
	return snap, stats, nil
}

func (c *collector) stats(accountRegions int) Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := Stats{Calls: int(c.calls.Load()), Attempts: int(c.attempts.Load()), AccountRegions: accountRegions,
		Errors: len(c.errs), Operations: map[string]int{}}
	for k, v := range c.ops {
		s.Operations[k] = v
	}
	if accountRegions > 0 {
		s.CallsPerAccountRegion = float64(s.Calls) / float64(accountRegions)
	}
	return s
}

func wanted(filter []string, id string) bool {
	if len(filter) == 0 {
		return true
	}
	for _, f := range filter {
		if f == id {
			return true
		}
	}
	return false
}

func partitionOf(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) < 3 || parts[1] == "" {
		return "aws"
	}
	return parts[1]
}

// acquire takes a concurrency slot.
func (c *collector) acquire(ctx context.Context) bool {
	select {
	case c.sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (c *collector) release() { <-c.sem }

// accountConfig returns the configuration reading one account: the caller's
// own credentials for its own account, otherwise the member role assumed
// through STS (with the external ID), cached and refreshed by the SDK.
func (c *collector) accountConfig(ctx context.Context, account string, own bool) (aws.Config, error) {
	if own {
		return c.base, nil
	}
	if c.opts.MemberRole == "" {
		return aws.Config{}, errNoMemberRole
	}
	cfg := c.base.Copy()
	roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", c.partN, account, c.opts.MemberRole)
	provider := stscreds.NewAssumeRoleProvider(sts.NewFromConfig(c.base), roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "trailgate-collect"
		if c.opts.ExternalID != "" {
			o.ExternalID = aws.String(c.opts.ExternalID)
		}
	})
	cfg.Credentials = aws.NewCredentialsCache(provider)
	// Fetch the credentials now, so that a refused AssumeRole is recorded
	// once for the account rather than once per call.
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return aws.Config{}, err
	}
	return cfg, nil
}

var errNoMemberRole = errors.New("no --member-role given to read an account other than the caller's")

// collectAccount reads one account: its IAM roles and S3 buckets (global),
// then every region. It returns the account (nil when it could not be
// entered) and the configuration that reads it.
func (c *collector) collectAccount(ctx context.Context, account, name string, own bool, regionsDone *atomic.Int64) (*snapshot.Account, aws.Config) {
	if !c.acquire(ctx) {
		c.notCollected(ctx, account, "")
		return nil, aws.Config{}
	}
	cfg, err := c.accountConfig(ctx, account, own)
	if err != nil {
		c.release()
		code := errorCode(err)
		if errors.Is(err, errNoMemberRole) {
			// Not an AWS code: the run was not told how to enter the
			// account, so nothing was asked of AWS.
			code = "NoMemberRole"
		}
		c.record(snapshot.CollectionError{Account: account, Service: "sts", Operation: "AssumeRole",
			Resource: fmt.Sprintf("arn:%s:iam::%s:role/%s", c.partN, account, c.opts.MemberRole), Code: code, Message: errorMessage(err)})
		return nil, aws.Config{}
	}
	a := &snapshot.Account{ID: account, Name: name}
	regions := c.regions(ctx, cfg, account)
	c.collectIAM(ctx, cfg, a)
	c.collectS3(ctx, cfg, a)
	c.release()
	if ctx.Err() != nil {
		// Reads cut short may have returned less without an error of
		// their own (a paginator stopped between pages).
		c.notCollected(ctx, account, "")
	}

	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, region := range regions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !c.acquire(ctx) {
				c.notCollected(ctx, account, region)
				return
			}
			defer c.release()
			r := &snapshot.Account{}
			rcfg := cfg.Copy()
			rcfg.Region = region
			c.collectCloudTrail(ctx, rcfg, account, r)
			c.collectKMS(ctx, rcfg, account, r)
			c.collectSNS(ctx, rcfg, account, r)
			c.collectSQS(ctx, rcfg, account, r)
			c.collectGuardDuty(ctx, rcfg, account, r)
			c.collectLogSources(ctx, rcfg, account, r)
			if ctx.Err() != nil {
				c.notCollected(ctx, account, region)
			}
			regionsDone.Add(1)
			mu.Lock()
			a.Trails = append(a.Trails, r.Trails...)
			a.Keys = append(a.Keys, r.Keys...)
			a.Topics = append(a.Topics, r.Topics...)
			a.Queues = append(a.Queues, r.Queues...)
			a.Detectors = append(a.Detectors, r.Detectors...)
			appendLogSources(a, r)
			mu.Unlock()
		}()
	}
	wg.Wait()
	a.Regions = regions
	return a, cfg
}

// notCollected records that an account (region "") or one of its regions
// was not read, or not read whole, because ctx ended: Ctrl-C or the
// --deadline. The region stays listed in the snapshot, so without this
// record check would take it as read and empty.
func (c *collector) notCollected(ctx context.Context, account, region string) {
	code, why := "Interrupted", "the collection was interrupted"
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		code, why = "DeadlineExceeded", "the collection reached its --deadline"
	}
	op, what := "CollectAccount", " before this account was read whole"
	switch {
	case region != "":
		op, what = "CollectRegion", " before this region was read whole"
	case account == "":
		what = " before the organization's accounts were all listed"
	}
	c.record(snapshot.CollectionError{Account: account, Region: region, Service: NotCollectedService, Operation: op,
		Code: code, Message: why + what})
}

// NotCollectedService is the service of the collection errors that say
// an account or region was not read: not an AWS call, the collector's own.
const NotCollectedService = "trailgate"

// retryer is a fresh adaptive-mode retryer for each client, as the SDK
// expects (its token buckets and rate estimate are per client).
func (c *collector) retryer() aws.Retryer {
	return retry.NewAdaptiveMode(func(o *retry.AdaptiveModeOptions) {
		o.StandardOptions = append(o.StandardOptions, func(so *retry.StandardOptions) {
			if c.opts.MaxAttempts > 0 {
				so.MaxAttempts = c.opts.MaxAttempts
			}
			if c.opts.MaxBackoff > 0 {
				so.MaxBackoff = c.opts.MaxBackoff
			}
		})
	})
}

// progress starts the progress line and returns the function that ends it.
func (c *collector) progress() func() {
	if c.opts.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	finished := make(chan struct{})
	print := func() {
		c.mu.Lock()
		n := len(c.errs)
		c.mu.Unlock()
		fmt.Fprintf(c.opts.Progress, "\rcollect: accounts %d/%d, calls %d, errors %d ", c.done.Load(), c.total.Load(), c.calls.Load(), n)
	}
	go func() {
		defer close(finished)
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				print()
			case <-stop:
				print()
				fmt.Fprintln(c.opts.Progress)
				return
			}
		}
	}()
	return func() { close(stop); <-finished }
}
