package smoke

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trailgate/trailgate/collectors/termtext"
)

// Status is a step's outcome.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Skip: the step could not run (an earlier step failed, or there was
	// nothing to do), which proves nothing either way.
	Skip Status = "skip"
)

// Step names, in the order they run.
const (
	StepIdentity        = "identity"
	StepAssumeRole      = "assume-role"
	StepExternalID      = "external-id-required"
	StepQueue           = "queue"
	StepReceive         = "receive"
	StepDecode          = "decode"
	StepReadObject      = "read-object"
	StepCanaryWrite     = "canary-write"
	StepCanaryDelivered = "canary-delivered"
	StepCanaryRead      = "canary-read"
	StepCanaryCleanup   = "canary-cleanup"
)

// Step is one check of the smoke test.
type Step struct {
	Name     string        `json:"name"`
	Status   Status        `json:"status"`
	Duration time.Duration `json:"-"`
	// ErrorCode is the AWS error code of a failed call.
	ErrorCode string `json:"error_code,omitempty"`
	// RuleID is the catalog rule that explains a failure.
	RuleID string `json:"rule_id,omitempty"`
	// Detail says what was found, or what went wrong, in one line.
	Detail string `json:"detail"`
	// Facts are the machine-readable values the step measured (queue
	// attributes, record counts, latency), keyed by name.
	Facts map[string]string `json:"facts,omitempty"`
}

// MarshalJSON adds the duration in milliseconds.
func (s Step) MarshalJSON() ([]byte, error) {
	type plain Step
	return json.Marshal(struct {
		plain
		DurationMS float64 `json:"duration_ms"`
	}{plain(s), float64(s.Duration.Microseconds()) / 1000})
}

// Report is the smoke test's result.
type Report struct {
	// Profile, Role, Queue and ExternalID (masked) echo the connector.
	Profile    string `json:"profile"`
	Role       string `json:"role"`
	Queue      string `json:"queue,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
	Steps      []Step `json:"steps"`
	// QueueEmpty is true when no message arrived within the timeout: the
	// path up to the queue is proven, the rest could not be.
	QueueEmpty bool `json:"queue_empty"`
	// Warnings are risks the run took or avoided (a low maxReceiveCount).
	Warnings []string `json:"warnings,omitempty"`
}

// Failed reports whether any step failed; the CLI exits 1 then.
func (r *Report) Failed() bool {
	for _, s := range r.Steps {
		if s.Status == Fail {
			return true
		}
	}
	return false
}

// Step returns the named step, or nil.
func (r *Report) Step(name string) *Step {
	for i := range r.Steps {
		if r.Steps[i].Name == name {
			return &r.Steps[i]
		}
	}
	return nil
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Tool   map[string]string `json:"tool"`
		Passed bool              `json:"passed"`
		*Report
	}{map[string]string{"name": "trailgate", "command": "smoke"}, !r.Failed(), r})
}

// WriteText writes the step table a person reads.
func WriteText(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "connector: profile %s, role %s", r.Profile, r.Role)
	if r.ExternalID != "" {
		fmt.Fprintf(w, ", external ID %s", r.ExternalID)
	}
	if r.Queue != "" {
		fmt.Fprintf(w, "\nqueue:     %s", r.Queue)
	}
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
		case Pass:
			pass++
		case Fail:
			fail++
		case Skip:
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
