package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
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
	// quiet drops the progress line on a terminal (--quiet).
	quiet bool
	// externalIDFile holds the external ID (--external-id-file).
	externalIDFile string
	// deadline bounds the whole collection; what is not read by then is
	// recorded in collection_errors, as on Ctrl-C.
	deadline time.Duration
}

// ouIDRe is an OU or root ID as Organizations documents them
// (https://docs.aws.amazon.com/organizations/latest/APIReference/API_OrganizationalUnit.html,
// API_Root.html).
var ouIDRe = regexp.MustCompile(`^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$`)

// expandAccounts replaces each @FILE of --accounts with the IDs the file
// lists, one per line (blank lines and # comments skipped), so that a
// shard's account list can come from a job's input file.
func expandAccounts(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		path, isFile := strings.CutPrefix(a, "@")
		if !isFile {
			out = append(out, a)
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		for i, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if !snapshot.IsAccountID(line) {
				return nil, fmt.Errorf("%s:%d: %q is not a 12-digit account ID", path, i+1, line)
			}
			out = append(out, line)
		}
	}
	return out, nil
}

func runCollect(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := pflag.NewFlagSet("collect", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	var o collectOptions
	o.aws.log = stderr
	o.aws.add(fl, "AWS shared-config profile (default: AWS_PROFILE or the default chain)",
		"region for global calls and the default region (default: AWS_REGION, else us-east-1)")
	fl.StringSliceVar(&o.live.Regions, "regions", nil, "regions to collect, comma-separated (default: every region enabled in each account)")
	fl.StringSliceVar(&o.live.Accounts, "accounts", nil, "account IDs to collect, comma-separated, or @FILE with one ID per line (default: every active account); with --ou, one shard of the organization for trailgate merge")
	fl.StringSliceVar(&o.live.OUs, "ou", nil, "collect the accounts under these organizational unit IDs (ou-… or the root r-…), at any depth: one shard of the organization for trailgate merge")
	fl.StringVar(&o.live.MemberRole, "member-role", "", "role NAME assumed in every account but the caller's")
	fl.StringVar(&o.live.ExternalID, "external-id", "", "external ID passed when assuming --member-role (visible to other users in the process list: prefer --external-id-file or "+externalIDEnv+")")
	fl.StringVar(&o.externalIDFile, "external-id-file", "", "read the external ID from `FILE` (default: the "+externalIDEnv+" environment variable)")
	fl.IntVar(&o.live.Concurrency, "concurrency", live.DefaultConcurrency, "accounts and regions read at once")
	fl.DurationVar(&o.live.CallTimeout, "call-timeout", live.DefaultCallTimeout, "time limit of one API call, retries included")
	fl.DurationVar(&o.live.AccountTimeout, "account-timeout", live.DefaultAccountTimeout, "time limit of one account, all its regions included; reads it cuts are recorded as collection errors")
	fl.DurationVar(&o.deadline, "deadline", 0, "stop collecting after `DURATION` (such as 20m), write what was read and exit 3 (default: no limit)")
	fl.StringVar(&o.output, "output", "", "write the snapshot to FILE atomically (default: stdout)")
	fl.BoolVar(&o.printPolicy, "print-policy", false, "print the IAM policy the collector needs and exit")
	fl.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line on a terminal: only the final summary")
	setUsage(fl, stderr, "Usage: trailgate collect [flags]\n\n"+
		"Snapshots the organization the credentials can read (the default AWS chain:\n"+
		"environment, profiles, SSO, IMDS; AWS_ENDPOINT_URL_<SERVICE> overrides endpoints).\n"+
		"Exit 0: complete snapshot; 3: partial snapshot (see collection_errors); 2: usage error\n"+
		"or no usable credentials.\n\n")
	if code, done := parseFlags(fl, args, stderr); done {
		return code
	}
	if o.live.Concurrency < 1 || o.live.CallTimeout <= 0 || o.live.AccountTimeout <= 0 || o.deadline < 0 {
		fmt.Fprintln(stderr, "trailgate collect: --concurrency must be at least 1, --call-timeout and --account-timeout positive and --deadline not negative")
		return exitUsage
	}
	for _, r := range o.live.Regions {
		if !snapshot.IsRegion(r) {
			fmt.Fprintf(stderr, "trailgate collect: --regions: %q is not an AWS region such as us-east-1\n", r)
			return exitUsage
		}
	}
	accounts, err := expandAccounts(o.live.Accounts)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: --accounts: %v\n", err)
		return exitUsage
	}
	o.live.Accounts = accounts
	for _, ou := range o.live.OUs {
		if !ouIDRe.MatchString(ou) {
			fmt.Fprintf(stderr, "trailgate collect: --ou: %q is not an organizational unit ID (ou-xxxx-xxxxxxxx) or root ID (r-xxxx)\n", ou)
			return exitUsage
		}
	}
	for _, a := range o.live.Accounts {
		if !snapshot.IsAccountID(a) {
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
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: %v\n", err)
		return exitUsage
	}
	// Progress only on a terminal: a CI log or a redirected stderr gets
	// the summary alone, not a line rewritten four times a second.
	var bar *progressLine
	if f, ok := stderr.(*os.File); ok && !o.quiet && term.IsTerminal(int(f.Fd())) {
		bar = startProgress(stderr, 250*time.Millisecond)
		o.live.OnProgress = bar.Update
	}
	start := time.Now()
	collectCtx := ctx
	if o.deadline > 0 {
		var cancel context.CancelFunc
		collectCtx, cancel = context.WithTimeout(ctx, o.deadline)
		defer cancel()
	}
	snap, st, err := live.Collect(collectCtx, cfg, o.live)
	if bar != nil {
		bar.Stop()
	}
	if err != nil {
		fmt.Fprintf(stderr, "trailgate collect: %v\n", err)
		return exitUsage
	}
	for _, n := range st.Notes {
		fmt.Fprintf(stderr, "trailgate collect: %s\n", n)
	}
	// An interrupted collection still writes what it has: the write
	// outlives the cancelled context (a second Ctrl-C ends it).
	if err := writeSnapshot(context.WithoutCancel(ctx), o.output, snap, stdout, nil); err != nil {
		fmt.Fprintf(stderr, "trailgate collect: write snapshot: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "trailgate collect: %d accounts, %d account-regions, %d calls (%.1f per account-region), %d errors in %s\n",
		len(snap.Accounts), st.AccountRegions, st.Calls, st.CallsPerAccountRegion, st.Errors, time.Since(start).Round(time.Millisecond))
	return partialExit("collect", snap, stderr)
}

// writeSnapshot writes s to path atomically, or to stdout when path is
// empty, refusing to overwrite one of inputs (collect and merge).
func writeSnapshot(ctx context.Context, path string, s *snapshot.Snapshot, stdout io.Writer, inputs []string) error {
	data, err := snapshot.Marshal(s)
	if err != nil {
		return err
	}
	return fileio.WriteFile(ctx, path, data, stdout, inputs)
}

// partialExit is the exit code of a command that wrote s: exitPartial,
// said on stderr, when s records collection errors.
func partialExit(cmd string, s *snapshot.Snapshot, stderr io.Writer) int {
	if n := len(s.CollectionErrors); n > 0 {
		fmt.Fprintf(stderr, "trailgate %s: partial snapshot: %d reads failed (see collection_errors); rules depending on them cannot be proven\n", cmd, n)
		return exitPartial
	}
	return exitOK
}
