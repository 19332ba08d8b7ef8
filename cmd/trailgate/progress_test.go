package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/live"
)

func TestProgressText(t *testing.T) {
	for _, c := range []struct {
		p       live.Progress
		elapsed time.Duration
		want    string
	}{
		{live.Progress{Accounts: 4}, 0, "accounts 0/4, regions 0/0+, calls 0, errors 0, 0s elapsed"},
		// 2 of 4 accounts listed with 10 regions: 20 account-regions
		// expected, 5 done in 10 s: 15 left, 30 s.
		{live.Progress{Accounts: 4, AccountsListed: 2, Regions: 10, RegionsDone: 5, Calls: 120, Errors: 1}, 10 * time.Second,
			"accounts 0/4, regions 5/10+, calls 120, errors 1, 10s elapsed, ~30s left"},
		{live.Progress{Accounts: 2, AccountsListed: 2, AccountsDone: 2, Regions: 6, RegionsDone: 6, Calls: 80}, 3 * time.Second,
			"accounts 2/2, regions 6/6, calls 80, errors 0, 3s elapsed"},
	} {
		if got := progressText(c.p, c.elapsed); got != c.want {
			t.Errorf("progressText(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}

// The line is rewritten in place and ends with a newline when stopped,
// showing the last counts.
func TestProgressLine(t *testing.T) {
	var b syncWriter
	p := startProgress(&b, time.Millisecond)
	p.Update(live.Progress{Accounts: 1, AccountsListed: 1, AccountsDone: 1, Regions: 2, RegionsDone: 2, Calls: 9})
	p.Stop()
	out := b.String()
	last := out[strings.LastIndex(out, "\r")+1:]
	if !strings.HasPrefix(last, "collect: accounts 1/1, regions 2/2, calls 9, errors 0") || !strings.HasSuffix(out, "\n") {
		t.Errorf("last line %q", last)
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
