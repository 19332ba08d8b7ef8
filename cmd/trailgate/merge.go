package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func init() {
	register(command{name: "merge", summary: "join shard snapshots (collect --accounts/--ou) into one organization snapshot", run: runMerge})
}

// runMerge is `trailgate merge A.json B.json … -o org.json`: the snapshots
// that jobs of a matrix, a Distributed Map or an array job collected, one
// shard each, joined into the snapshot `check --snapshot` reads.
func runMerge(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	var output string
	fl.StringVarP(&output, "output", "o", "", "write the merged snapshot to `FILE` atomically (default: stdout)")
	setUsage(fl, stderr, "Usage: trailgate merge SHARD.json... [-o FILE]\n\n"+
		"Join snapshots collected as shards of one organization (collect --accounts or --ou).\n"+
		"The shards must describe the same organization and share no account; collection\n"+
		"errors are kept. Exit 0: merged; 3: merged, but the result is partial (collection\n"+
		"errors); 2: usage error or shards that do not merge.\n\nFlags:\n")
	if code, done := parseArgs(fl, args, stderr); done {
		return code
	}
	if fl.NArg() == 0 {
		fmt.Fprintln(stderr, "trailgate merge: no snapshot to merge: give the shard files as arguments")
		return exitUsage
	}
	var shards []snapshot.Shard
	for _, path := range fl.Args() {
		s, err := snapshot.LoadFile(path)
		if err != nil {
			fmt.Fprintf(stderr, "trailgate merge: %v\n", err)
			return exitUsage
		}
		shards = append(shards, snapshot.Shard{Name: path, Snapshot: s})
	}
	merged, err := snapshot.MergeShards(shards)
	if err != nil {
		fmt.Fprintf(stderr, "trailgate merge: %v\n", err)
		return exitUsage
	}
	if err := writeSnapshot(ctx, output, merged, stdout, fl.Args()); err != nil {
		fmt.Fprintf(stderr, "trailgate merge: write snapshot: %v\n", err)
		return exitUsage
	}
	return partialExit("merge", merged, stderr)
}
