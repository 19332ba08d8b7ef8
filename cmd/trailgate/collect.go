package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/live"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func init() {
	register(command{name: "collect", summary: "snapshot a live AWS organization (or one account) to a JSON file", run: runCollect})
}

// collectOptions are the flags of `trailgate collect`.
type collectOptions struct {
	aws         awsFlags
	live        live.Options
	output      string
	printPolicy bool
	// externalIDFile holds the external ID (--external-id-file).
	externalIDFile string
	// deadline bounds the whole collection; what is not read by then is
	// recorded in collection_errors, as on Ctrl-C.
	deadline time.Duration
}

func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := pflag.NewFlagSet("collect", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	var o collectOptions
	o.aws.log = stderr
	o.aws.add(fl, "AWS shared-config profile (default: AWS_PROFILE or the default chain)",
		"region for global calls and the default region (default: AWS_REGION, else us-east-1)")
	fl.StringSliceVar(&o.live.Regions, "regions", nil, "regions to collect, comma-separated (default: every region enabled in each account)")
	fl.StringSliceVar(&o.live.Accounts, "accounts", nil, "account IDs to collect, comma-separated (default: every active account)")
	fl.StringVar(&o.live.MemberRole, "member-role", "", "role NAME assumed in every account but the caller's")
	fl.StringVar(&o.live.ExternalID, "external-id", "", "external ID passed when assuming --member-role (visible to other users in the process list: prefer --external-id-file or "+externalIDEnv+")")
	fl.StringVar(&o.externalIDFile, "external-id-file", "", "read the external ID from `FILE` (default: the "+externalIDEnv+" environment variable)")
	fl.IntVar(&o.live.Concurrency, "concurrency", live.DefaultConcurrency, "accounts and regions read at once")
	fl.DurationVar(&o.live.CallTimeout, "call-timeout", live.DefaultCallTimeout, "time limit of one API call, retries included")
	fl.DurationVar(&o.deadline, "deadline", 0, "stop collecting after `DURATION` (such as 20m), write what was read and exit 3 (default: no limit)")
	fl.StringVar(&o.output, "output", "", "write the snapshot to FILE atomically (default: stdout)")
	fl.BoolVar(&o.printPolicy, "print-policy", false, "print the IAM policy the collector needs and exit")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "Usage: trailgate collect [flags]")
		fmt.Fprintln(stderr, "\nSnapshots the organization the credentials can read (the default AWS chain:")
		fmt.Fprintln(stderr, "environment, profiles, SSO, IMDS; AWS_ENDPOINT_URL_<SERVICE> overrides endpoints).")
		fmt.Fprintln(stderr, "Exit 0: complete snapshot; 3: partial snapshot (see collection_errors); 2: usage error")
		fmt.Fprintln(stderr, "or no usable credentials.")
		fmt.Fprintln(stderr)
		fl.PrintDefaults()
	}
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	if o.live.Concurrency < 1 || o.live.CallTimeout <= 0 || o.deadline < 0 {
		fmt.Fprintln(stderr, "trailgate collect: --concurrency must be at least 1, --call-timeout positive and --deadline not negative")
		return exitUsage
	}
	for _, r := range o.live.Regions {
		if !snapshot.IsRegion(r) {
			fmt.Fprintf(stderr, "trailgate collect: --regions: %q is not an AWS region such as us-east-1\n", r)
			return exitUsage
		}
	}
	for _, a := range o.live.Accounts {
		if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
			fmt.Fprintf(stderr, "trailgate collect: --accounts: %q is not a 12-digit account ID\n", a)
			return exitUsage
		}
	}
	id, err := externalID(ctx, o.live.ExternalID, o.externalIDFile)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: %v\n", err)
		return exitUsage
	}
	o.live.ExternalID = id
	if o.printPolicy {
		doc, err := live.Policy(o.live.MemberRole, snapshot.PartitionOf(o.aws.region))
		if err != nil {
			fmt.Fprintf(stderr, "trailgate collect: %v\n", err)
			return exitUsage
		}
		stdout.Write(doc)
		return exitOK
	}

	cfg, err := o.aws.load(ctx)
	if err == nil {
		err = credentials(ctx, cfg)
	}
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: %v\n", err)
		return exitUsage
	}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		o.live.Progress = stderr
	}
	start := time.Now()
	collectCtx := ctx
	if o.deadline > 0 {
		var cancel context.CancelFunc
		collectCtx, cancel = context.WithTimeout(ctx, o.deadline)
		defer cancel()
	}
	snap, st, err := live.Collect(collectCtx, cfg, o.live)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: %v\n", err)
		return exitUsage
	}
	for _, n := range st.Notes {
		fmt.Fprintf(stderr, "trailgate collect: %s\n", n)
	}
	var data []byte
	if data, err = snapshot.Marshal(snap); err == nil {
		// An interrupted collection still writes what it has: the write
		// outlives the cancelled context (a second Ctrl-C ends it).
		err = fileio.WriteFile(context.WithoutCancel(ctx), o.output, data, stdout, nil)
	}
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: write snapshot: %v\n", err)
		return exitUsage
	}
	if o.live.Progress != nil {
		fmt.Fprintf(stderr, "trailgate collect: %d accounts, %d account-regions, %d calls (%.1f per account-region) in %s\n",
			len(snap.Accounts), st.AccountRegions, st.Calls, st.CallsPerAccountRegion, time.Since(start).Round(time.Millisecond))
	}
	if len(snap.CollectionErrors) > 0 {
		fmt.Fprintf(stderr, "trailgate collect: partial snapshot: %d reads failed (see collection_errors); rules depending on them cannot be proven\n",
			len(snap.CollectionErrors))
		return exitPartial
	}
	return exitOK
}
