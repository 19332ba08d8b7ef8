package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"

	"github.com/spf13/pflag"

	opaversion "github.com/open-policy-agent/opa/v1/version"
)

// version and commit may be set at link time:
//
//	go build -ldflags "-X main.version=0.2.0 -X main.commit=$(git rev-parse HEAD)"
//
// Without -ldflags, commit comes from the VCS stamp Go puts in the build info.
var (
	version = "0.1.0"
	commit  = ""
)

func init() {
	register(command{name: "version", summary: "print version, commit and OPA version", run: runVersion})
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fl := pflag.NewFlagSet("version", pflag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Usage = func() { fmt.Fprintln(stderr, "Usage: trailgate version") }
	if err := fl.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "trailgate version: unexpected argument %q\n", fl.Arg(0))
		return exitUsage
	}
	rev, modified := buildCommit()
	if rev == "" {
		rev = "unknown"
	} else if modified {
		rev += " (modified)"
	}
	fmt.Fprintf(stdout, "trailgate %s\ncommit:    %s\nopa:       %s\ngo:        %s\n", version, rev, opaversion.Version, runtime.Version())
	return exitOK
}

// buildCommit returns the commit the binary was built from: -ldflags first,
// then the vcs.revision that `go build` stamps when run inside a checkout.
func buildCommit() (rev string, modified bool) {
	if commit != "" {
		return commit, false
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return rev, modified
}
