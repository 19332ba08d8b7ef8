package main

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/trailgate/trailgate/collectors/live"
)

// progressLine draws collect's progress on a terminal: one line rewritten
// in place every tick, with accounts and account-regions done of total,
// calls, errors, the time elapsed and an estimate of the time left.
type progressLine struct {
	w     io.Writer
	start time.Time
	now   func() time.Time

	mu   sync.Mutex
	last live.Progress

	stop, finished chan struct{}
}

// startProgress begins drawing on w every tick; Stop draws the last state
// and ends the line.
func startProgress(w io.Writer, tick time.Duration) *progressLine {
	p := &progressLine{w: w, start: time.Now(), now: time.Now, stop: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(p.finished)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.draw()
			case <-p.stop:
				p.draw()
				fmt.Fprintln(p.w)
				return
			}
		}
	}()
	return p
}

// Update is live.Options.OnProgress: it keeps the latest counts.
func (p *progressLine) Update(pr live.Progress) {
	p.mu.Lock()
	p.last = pr
	p.mu.Unlock()
}

// Stop draws the final state and ends the line.
func (p *progressLine) Stop() {
	close(p.stop)
	<-p.finished
}

func (p *progressLine) draw() {
	p.mu.Lock()
	pr := p.last
	p.mu.Unlock()
	// \x1b[K clears what a longer earlier line left behind.
	fmt.Fprintf(p.w, "\rcollect: %s\x1b[K", progressText(pr, p.now().Sub(p.start)))
}

// progressText is the progress line's text. The time left is estimated
// from the account-regions done, the unit of work, once some are done;
// the total of account-regions is scaled up for accounts whose regions
// are not listed yet.
func progressText(pr live.Progress, elapsed time.Duration) string {
	regions := fmt.Sprint(pr.Regions)
	if pr.AccountsListed < pr.Accounts {
		regions += "+"
	}
	s := fmt.Sprintf("accounts %d/%d, regions %d/%s, calls %d, errors %d, %s elapsed",
		pr.AccountsDone, pr.Accounts, pr.RegionsDone, regions, pr.Calls, pr.Errors, elapsed.Round(time.Second))
	if pr.RegionsDone > 0 && pr.AccountsListed > 0 && pr.AccountsDone < pr.Accounts {
		total := float64(pr.Regions) * float64(pr.Accounts) / float64(pr.AccountsListed)
		if left := total - float64(pr.RegionsDone); left > 0 {
			eta := time.Duration(float64(elapsed) * left / float64(pr.RegionsDone))
			s += fmt.Sprintf(", ~%s left", eta.Round(time.Second))
		}
	}
	return s
}
