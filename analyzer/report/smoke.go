package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trailgate/trailgate/collectors/smoke"
	"github.com/trailgate/trailgate/collectors/termtext"
)

// smokeStep is a smoke step in the JSON result: its fields and its
// duration in milliseconds.
type smokeStep struct {
	smoke.Step
	DurationMS float64 `json:"duration_ms"`
}

// WriteSmokeJSON writes a smoke report as one JSON document (the
// contract's `trailgate smoke --format json`).
func WriteSmokeJSON(w io.Writer, r *smoke.Report) error {
	var steps []smokeStep
	for _, s := range r.Steps {
		steps = append(steps, smokeStep{s, float64(s.Duration.Microseconds()) / 1000})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	// The report's own fields, with each step's duration in milliseconds.
	return enc.Encode(struct {
		Tool   map[string]string `json:"tool"`
		Passed bool              `json:"passed"`
		smoke.Echo
		Steps      []smokeStep `json:"steps"`
		QueueEmpty bool        `json:"queue_empty"`
		Warnings   []string    `json:"warnings,omitempty"`
	}{map[string]string{"name": "trailgate", "command": "smoke"}, !r.Failed(), r.Echo, steps, r.QueueEmpty, r.Warnings})
}

// WriteSmokeText writes a smoke report as the step table a person reads.
func WriteSmokeText(w io.Writer, r *smoke.Report) error {
	fmt.Fprintf(w, "connector: profile %s, role %s", r.Profile, r.Role)
	optional(w, ", external ID %s", r.ExternalID)
	optional(w, "\nqueue:     %s", r.Queue)
	fmt.Fprint(w, "\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tRESULT\tTIME\tERROR\tRULE\tDETAIL")
	for _, s := range r.Steps {
		// Details quote what AWS and the queue returned (object keys from
		// a notification, error messages): escaped, they cannot forge a
		// step line or reach the terminal as escape sequences.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, strings.ToUpper(string(s.Status)),
			roundDuration(s.Duration), termtext.Escape(dash(s.ErrorCode)), dash(s.RuleID), termtext.Escape(s.Detail))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var pass, fail, skip int
	for _, s := range r.Steps {
		switch s.Status {
		case smoke.Pass:
			pass++
		case smoke.Fail:
			fail++
		case smoke.Skip:
			skip++
		}
	}
	verdict := "the path works"
	switch {
	case fail > 0:
		verdict = "the path is broken"
	case r.QueueEmpty:
		verdict = "the path up to the queue works; the queue was empty, so reading a log object was not proven"
	}
	_, err := fmt.Fprintf(w, "\nsteps: %d pass, %d fail, %d skip: %s\n", pass, fail, skip, verdict)
	for _, msg := range r.Warnings {
		if _, err := fmt.Fprintf(w, "warning: %s\n", termtext.Escape(msg)); err != nil {
			return err
		}
	}
	return err
}

func roundDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "-"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
