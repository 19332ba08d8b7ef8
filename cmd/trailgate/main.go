package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Exit codes of the contract (README, "Exit codes").
const (
	exitOK       = 0 // no finding at or above --fail-on; every step passed
	exitFindings = 1 // at least one finding at or above --fail-on; a smoke step failed
	exitUsage    = 2 // usage error, unreadable or malformed input
	exitPartial  = 3 // collect wrote a snapshot, but some calls failed
	// exitInterrupted is the shell's code for a process ended by SIGINT
	// (128+2): Ctrl-C ends every command with it, but collect, which
	// writes what it has and exits 3.
	exitInterrupted = 130
)

// interruptGrace is how long a command may take to end after Ctrl-C
// before main ends it; collect gets longer, to write what it collected.
const (
	interruptGrace        = time.Second
	collectInterruptGrace = 10 * time.Second
)

// command is one trailgate subcommand. run receives the arguments after the
// command name and returns the process exit code.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{}

// register adds a command; it is called from init() of each command file.
// Registering a name twice is a programming error caught by every test run.
func register(c command) {
	if c.name == "" || c.run == nil {
		panic("trailgate: register: command needs a name and a run function")
	}
	if _, dup := commands[c.name]; dup {
		panic("trailgate: register: duplicate command " + c.name)
	}
	commands[c.name] = c
}

func main() {
	tuneGC()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	interrupted := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
		case <-interrupted:
			return
		}
		// A second Ctrl-C ends the process at once, as the default
		// handler does; a command that does not notice the first within
		// its grace (a read the runtime cannot wake) is ended here.
		stop()
		grace := interruptGrace
		if len(os.Args) > 1 && os.Args[1] == "collect" {
			grace = collectInterruptGrace
		}
		time.Sleep(grace)
		fmt.Fprintln(os.Stderr, "trailgate: interrupted")
		os.Exit(exitInterrupted)
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	close(interrupted)
	stop()
	os.Exit(code)
}

// tuneGC trades memory for start-up time, as long as memory is cheap.
// trailgate is a short-lived process whose start is dominated by compiling
// the embedded Rego rules, an allocation burst in which the collector
// otherwise spends about 40% of the CPU: `check --iac` on one template
// takes 0.16-0.18 s of CPU with the collector off and 0.25-0.27 s with
// Go's default (GOGC=100), both measured with /usr/bin/time on the 2-vCPU
// development machine; on 300 independent stacks (a 520 MB run, past the
// limit below) 1.8 s with this tuning, 2.6 s with GOGC=100 and 2.0 s with
// GOGC=400 (alternating runs at load 18, 2026-12-07). So collection starts
// off; once the heap reaches gcOffLimit (a large organization), it goes
// back to Go's default proportional collection with no limit. Keeping collection off behind a
// soft memory limit instead made Go collect back to back once the live
// heap neared the limit: the issue measured 1.7-2.4x the CPU of the
// default for organizations of 1,000 and more accounts. Users who tuned the
// collector (GOGC or GOMEMLIMIT) keep their settings.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(-1)
	// The limit is the safety net for the moments between two looks.
	debug.SetMemoryLimit(2 * gcOffLimit)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for range t.C {
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() >= gcOffLimit {
				debug.SetGCPercent(100)
				debug.SetMemoryLimit(math.MaxInt64)
				return
			}
		}
	}()
}

// gcOffLimit is the heap size up to which tuneGC leaves the collector off:
// a check of one template or of an organization of a few hundred accounts
// stays below it.
const gcOffLimit = 512 << 20

// run dispatches args to a command and returns the exit code. A panic in a
// command is a trailgate bug: it is reported as such (with the stack, for the
// bug report) and mapped to exit 2, never left to crash with Go's exit 2 and
// no explanation.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "trailgate: internal error (this is a bug; please report it with the input that caused it): %v\n%s", r, debug.Stack())
			code = exitUsage
		}
	}()
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				return c.run(ctx, []string{"--help"}, stdout, stderr)
			}
			fmt.Fprintf(stderr, "trailgate: unknown command %q\n", args[1])
			usage(stderr)
			return exitUsage
		}
		usage(stdout)
		return exitOK
	case "--version", "-v":
		name = "version"
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "trailgate: unknown command %q\n\n", name)
		usage(stderr)
		return exitUsage
	}
	code = c.run(ctx, args[1:], stdout, stderr)
	if ctx.Err() != nil && code != exitPartial {
		// Whatever the command made of its cancelled steps (an error
		// about a read cut short), the run was interrupted.
		fmt.Fprintf(stderr, "trailgate %s: interrupted\n", name)
		return exitInterrupted
	}
	return code
}

func usage(w io.Writer) {
	names := slices.Sorted(maps.Keys(commands))
	width := 0
	for _, n := range names {
		width = max(width, len(n))
	}
	var b strings.Builder
	b.WriteString("trailgate proves an AWS security-log pipeline is intact, from the trail to the SIEM connector.\n\n")
	b.WriteString("Usage: trailgate COMMAND [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, n, commands[n].summary)
	}
	b.WriteString("\nRun 'trailgate COMMAND --help' for a command's flags.\n")
	b.WriteString("Exit codes: 0 ok, 1 findings at or above --fail-on (or a failed smoke step), 2 usage or malformed input, 3 partial collection.\n")
	io.WriteString(w, b.String())
}
