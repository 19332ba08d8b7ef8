package smoke

import "time"

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
	Duration time.Duration `json:"-"` // rendered as duration_ms
	// ErrorCode is the AWS error code of a failed call.
	ErrorCode string `json:"error_code,omitempty"`
	// Symptom is what a failed step observed; the rule that explains it
	// comes from the catalog (Report.Explain).
	Symptom Symptom `json:"-"`
	// RuleID is the catalog rule that explains the symptom.
	RuleID string `json:"rule_id,omitempty"`
	// Detail says what was found, or what went wrong, in one line.
	Detail string `json:"detail"`
	// Facts are the machine-readable values the step measured (queue
	// attributes, record counts, latency), keyed by name.
	Facts map[string]string `json:"facts,omitempty"`
}

// Echo is the connector a smoke test ran with, as its report repeats it:
// the external ID masked.
type Echo struct {
	Profile    string `json:"profile"`
	Role       string `json:"role"`
	Queue      string `json:"queue,omitempty"`
	ExternalID string `json:"external_id,omitempty"`
}

// Report is the smoke test's result.
type Report struct {
	Echo
	Steps []Step `json:"steps"`
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

// Explain names, on each step with a symptom, the catalog rule that
// explains it: rule maps a symptom to a rule ID (the rules' METADATA
// custom.smoke), "" for none.
func (r *Report) Explain(rule func(Symptom) string) {
	for i := range r.Steps {
		if s := r.Steps[i].Symptom; s != "" {
			r.Steps[i].RuleID = rule(s)
		}
	}
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
