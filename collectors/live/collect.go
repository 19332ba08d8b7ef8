package live

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Options shape a collection.
type Options struct {
	// Accounts limits the member accounts collected (default: every active
	// account of the organization, or the caller's account).
	Accounts []string
	// OUs limits the member accounts collected to those under these
	// organizational units, at any depth; with Accounts, an account named
	// by either is collected. Together they select one shard of the
	// organization: every shard reads the whole organization (its tree
	// and policies, which every account's rules need) and the resources of
	// its own accounts only, and `trailgate merge` joins the shards.
	OUs []string
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
	// OnProgress, when set, is called with the counts so far each time an
	// account's regions are listed, a region or an account is done, and
	// once at the end; calls are serialized. The CLI draws a progress line
	// from it on a terminal.
	OnProgress func(Progress)
	// MaxAttempts and MaxBackoff tune the SDK's adaptive retryer; zero keeps
	// DefaultMaxAttempts and the SDK's 20 s backoff cap.
	MaxAttempts int
	MaxBackoff  time.Duration
	// Quotas are the client-side request rates per SDK service ID (nil:
	// DefaultQuotas; a service missing from the map is not limited).
	Quotas map[string]Quota
	// AccountTimeout bounds the collection of one account, all its regions
	// included (default DefaultAccountTimeout), so that one slow or
	// stuck account cannot stall the run: reads it had not finished are
	// recorded as Timeout collection errors and the run goes on.
	AccountTimeout time.Duration
}

// DefaultAccountTimeout bounds one account's collection. An account of
// 17 regions takes about 20 s at 20 ms per call (BenchmarkCollectOrgScale);
// ten minutes leaves room for throttling and large accounts.
const DefaultAccountTimeout = 10 * time.Minute

// DefaultMaxAttempts is how often one call is tried when AWS throttles
// it or fails on its side: more than the SDK's 3, because at organization
// scale a throttled call that gives up leaves a hole in the snapshot, while
// the adaptive retryer's backoff keeps the extra attempts cheap for AWS.
const DefaultMaxAttempts = 8

// DefaultConcurrency reads 128 parts of accounts (IAM, S3, a region) at
// once: 32 accounts, 4 parts each (accountParallelism). AWS API rate limits
// are per account and region, and within one account-region the collector
// is sequential, so at most one call per service and account-region is in
// flight: parallel work spreads over distinct rate-limit buckets, and the
// buckets the run shares (Organizations, the caller's STS AssumeRole,
// CloudTrail's low read rate) are paced by the client-side limiter
// (DefaultQuotas). A collection waits on round trips: an account of 17
// regions makes about 450 calls, so 1,000 accounts at 20 ms per call need
// at least 140 s with 64 calls in flight and 70 s with 128, and real
// endpoints answer slower than loopback. More in flight costs no CPU per
// call; see BenchmarkCollectOrgScale and the README's Speed table.
const DefaultConcurrency = 128

// accountParallelism is how many parts of one account are read at once
// (see collectAccount): enough that an account's global reads (IAM, S3)
// overlap its regions.
const accountParallelism = 4

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

// Progress is how far a collection is. Regions counts account-regions;
// it grows as each account's regions are listed (AccountsListed of
// Accounts), so a caller estimating the rest scales it by
// Accounts/AccountsListed.
type Progress struct {
	Accounts, AccountsListed, AccountsDone int
	Regions, RegionsDone                   int
	Calls, Errors                          int
}

// collector is one run's shared state.
type collector struct {
	base  aws.Config
	opts  Options
	partN string
	// sem holds the run's Concurrency slots, one per part of an account
	// being read; acqMu makes an account take its perAccount slots at
	// once (acquire).
	sem   chan struct{}
	acqMu sync.Mutex
	// perAccount is how many parts of one account (IAM, S3, a region)
	// are read at once.
	perAccount int
	lim        *limiter
	calls      atomic.Int64
	attempts   atomic.Int64
	done       atomic.Int64
	total      atomic.Int64
	mu         sync.Mutex
	errs       []snapshot.CollectionError
	ops        map[string]int
	listed     atomic.Int64 // accounts whose regions are known
	regTotal   atomic.Int64 // account-regions listed
	regDone    atomic.Int64 // account-regions done
	progMu     sync.Mutex   // serializes OnProgress
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
	if opts.AccountTimeout <= 0 {
		opts.AccountTimeout = DefaultAccountTimeout
	}
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Quotas == nil {
		opts.Quotas = DefaultQuotas
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.HTTPClient == nil {
		// One connection pool for every client of the run. Without it each
		// client (one per service and account-region) builds its own and
		// keeps its idle connections: an organization of 1,000 accounts in
		// 17 regions ran out of file descriptors. config.LoadDefaultConfig
		// sets a shared client already.
		cfg.HTTPClient = awshttp.NewBuildableClient()
	}
	if bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
		// Every account's calls to one service in one region go to one
		// host (sqs.us-east-1.amazonaws.com): keep as many idle
		// connections to it as calls can be in flight, instead of the
		// SDK's 10, or the pool closes and reopens connections all run.
		cfg.HTTPClient = bc.WithTransportOptions(func(t *http.Transport) {
			t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, opts.Concurrency)
		})
	}
	perAccount := min(accountParallelism, opts.Concurrency)
	c := &collector{opts: opts, sem: make(chan struct{}, max(perAccount, opts.Concurrency)), perAccount: perAccount,
		lim: newLimiter(opts.Quotas), ops: map[string]int{}}
	c.base = c.instrument(cfg)

	defer c.progress()

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
		inShard, err := shard(org, opts.Accounts, opts.OUs)
		if err != nil {
			return nil, c.stats(0), err
		}
		for _, m := range org.Members {
			names[m.ID] = m.Name
			if m.Status == "ACTIVE" && inShard(m) {
				targets = append(targets, m.ID)
			}
		}
	} else {
		if len(opts.OUs) > 0 {
			return nil, c.stats(0), fmt.Errorf("--ou selects accounts by organizational unit, but the organization cannot be read (%s)", note)
		}
		mode, notes = "single-account", []string{"single-account mode: " + note}
		// With no organization to walk, --accounts names the accounts
		// (entered through --member-role); by default the caller's own.
		targets = append(targets, opts.Accounts...)
		if len(targets) == 0 {
			targets = []string{callerAccount}
		}
	}
	slices.Sort(targets)
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
			defer c.progress()
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

// shard returns whether an organization member belongs to the shard the
// account IDs and OU IDs select (every member when both are empty). An OU
// that is not in the organization is an error: a typo would otherwise
// collect an empty shard and merge into an organization missing accounts.
func shard(org *snapshot.Organization, accounts, ous []string) (func(snapshot.OrgAccount) bool, error) {
	if len(accounts) == 0 && len(ous) == 0 {
		return func(snapshot.OrgAccount) bool { return true }, nil
	}
	parent := map[string]string{}
	for _, ou := range org.OrganizationalUnits {
		parent[ou.ID] = ou.ParentID
	}
	for _, ou := range ous {
		if _, ok := parent[ou]; !ok && ou != org.RootID {
			return nil, fmt.Errorf("--ou: %s is not an organizational unit of organization %s", ou, org.ID)
		}
	}
	return func(m snapshot.OrgAccount) bool {
		if len(accounts) > 0 && wanted(accounts, m.ID) {
			return true
		}
		// Walk up to the root; the depth bound stops a malformed tree
		// (a parent cycle) from looping.
		for p, depth := m.ParentID, 0; p != "" && depth <= len(parent); p, depth = parent[p], depth+1 {
			if slices.Contains(ous, p) {
				return true
			}
		}
		return false
	}, nil
}

func wanted(filter []string, id string) bool {
	return len(filter) == 0 || slices.Contains(filter, id)
}

func partitionOf(s string) string {
	a, err := arn.Parse(s)
	if err != nil || a.Partition == "" {
		return "aws"
	}
	return a.Partition
}

// acquire takes n slots at once: one account at a time takes its slots,
// so that two accounts never each hold part of what both wait for.
func (c *collector) acquire(ctx context.Context, n int) bool {
	c.acqMu.Lock()
	defer c.acqMu.Unlock()
	for i := range n {
		select {
		case c.sem <- struct{}{}:
		case <-ctx.Done():
			c.release(i)
			return false
		}
	}
	return true
}

// release gives n slots back.
func (c *collector) release(n int) {
	for range n {
		<-c.sem
	}
}

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

// collectAccount reads one account: its IAM roles and S3 buckets (global)
// and every region. It returns the account (nil when it could not be
// entered) and the configuration that reads it.
//
// The account takes perAccount of the run's Concurrency slots before its
// clock starts and reads up to perAccount of its parts (IAM, S3, each
// region) at once, so that at most Concurrency calls are in flight in all,
// and so that its deadline (AccountTimeout) counts only its own work:
// regions never queue behind other accounts' regions while the account's
// clock runs. A reader that finds no part left gives its slot back at
// once: while an account finishes its last regions, the next accounts
// start in the slots it no longer uses (at organization scale, holding
// them to the end left a third of the slots idle).
func (c *collector) collectAccount(ctx context.Context, account, name string, own bool, regionsDone *atomic.Int64) (*snapshot.Account, aws.Config) {
	if !c.acquire(ctx, c.perAccount) {
		c.notCollected(ctx, account, "")
		return nil, aws.Config{}
	}
	held := c.perAccount
	defer func() { c.release(held) }()
	runCtx := ctx
	ctx, cancel := context.WithTimeout(withAccount(ctx, account), c.opts.AccountTimeout)
	defer cancel()
	// cutShort records that reads were cut before the account (region
	// "") or a region was read whole: by the run (interrupted, --deadline)
	// or by the account's own --account-timeout. Reads cut short may have
	// returned less without an error of their own (a paginator stopped
	// between pages).
	cutShort := func(region string) {
		switch {
		case runCtx.Err() != nil:
			c.notCollected(runCtx, account, region)
		case ctx.Err() != nil:
			c.accountTimedOut(account, region)
		}
	}
	cfg, err := c.accountConfig(ctx, account, own)
	if err != nil {
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
	c.listed.Add(1)
	c.regTotal.Add(int64(len(regions)))
	c.progress()
	parts := []func(){
		func() { c.collectIAM(ctx, cfg, a) },
		func() { c.collectS3(ctx, cfg, a) },
	}
	var mu sync.Mutex
	for _, region := range regions {
		parts = append(parts, func() {
			r := &snapshot.Account{}
			rcfg := cfg.Copy()
			rcfg.Region = region
			for _, read := range regionalReads {
				read(c, ctx, rcfg, account, r)
			}
			cutShort(region)
			regionsDone.Add(1)
			c.regDone.Add(1)
			c.progress()
			mu.Lock()
			a.Trails = append(a.Trails, r.Trails...)
			a.Keys = append(a.Keys, r.Keys...)
			a.Topics = append(a.Topics, r.Topics...)
			a.Queues = append(a.Queues, r.Queues...)
			a.Detectors = append(a.Detectors, r.Detectors...)
			appendLogSources(a, r)
			mu.Unlock()
		})
	}
	next := make(chan func())
	var wg sync.WaitGroup
	readers := min(held, len(parts))
	c.release(held - readers)
	held = 0
	for range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.release(1)
			for part := range next {
				part()
			}
		}()
	}
	for _, part := range parts {
		next <- part
	}
	close(next)
	wg.Wait()
	cutShort("")
	a.Regions = regions
	return a, cfg
}

// accountTimedOut records that an account's --account-timeout cut its
// collection before the account (region "") or a region was read whole.
func (c *collector) accountTimedOut(account, region string) {
	op, what := "CollectAccount", "this account"
	if region != "" {
		op, what = "CollectRegion", "this region"
	}
	c.record(snapshot.CollectionError{Account: account, Region: region, Service: NotCollectedService, Operation: op,
		Code: "AccountTimeout", Message: fmt.Sprintf("the account's collection reached --account-timeout (%s) before %s was read whole", c.opts.AccountTimeout, what)})
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
			so.MaxAttempts = c.opts.MaxAttempts
			if c.opts.MaxBackoff > 0 {
				so.MaxBackoff = c.opts.MaxBackoff
			}
		})
	})
}

// progress reports the counts so far to OnProgress, if set.
func (c *collector) progress() {
	if c.opts.OnProgress == nil {
		return
	}
	c.mu.Lock()
	errs := len(c.errs)
	c.mu.Unlock()
	c.progMu.Lock()
	defer c.progMu.Unlock()
	c.opts.OnProgress(Progress{
		Accounts: int(c.total.Load()), AccountsListed: int(c.listed.Load()), AccountsDone: int(c.done.Load()),
		Regions: int(c.regTotal.Load()), RegionsDone: int(c.regDone.Load()),
		Calls: int(c.calls.Load()), Errors: errs,
	})
}
