package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/smoke"
)

func smokeReport() *smoke.Report {
	return &smoke.Report{
		Echo: smoke.Echo{Profile: "expel", Role: "arn:aws:iam::222222222222:role/ConnectorRole",
			Queue: "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", ExternalID: "8d****le"},
		Steps: []smoke.Step{
			{Name: smoke.StepIdentity, Status: smoke.Pass, Duration: 12345 * time.Microsecond, Detail: "caller arn:aws:iam::111111111111:user/vendor",
				Facts: map[string]string{"account": "111111111111", "arn": "arn:aws:iam::111111111111:user/vendor"}},
			{Name: smoke.StepAssumeRole, Status: smoke.Pass, Duration: 80 * time.Millisecond, Detail: "session arn:aws:sts::222222222222:assumed-role/ConnectorRole/trailgate-smoke (external ID 8d****le)"},
			{Name: smoke.StepExternalID, Status: smoke.Pass, Duration: 70 * time.Millisecond, ErrorCode: "AccessDenied", Detail: "refused without the external ID (AccessDenied), as it must be"},
			{Name: smoke.StepQueue, Status: smoke.Pass, Duration: 40 * time.Millisecond, Detail: "expel-cloudtrail in us-east-1: 3 messages (0 in flight), visibility 30s, retention 7d, SSE-SQS"},
			{Name: smoke.StepReceive, Status: smoke.Pass, Duration: 1500 * time.Millisecond, Detail: "received message 1, made visible again at once"},
			{Name: smoke.StepDecode, Status: smoke.Fail, RuleID: "NT05", Duration: 300 * time.Microsecond, Detail: "profile expel (expel steps E6, E8): the message arrived in an SNS envelope but raw message delivery is required"},
			{Name: smoke.StepReadObject, Status: smoke.Fail, ErrorCode: "AccessDenied", RuleID: "KM01", Duration: 35 * time.Millisecond,
				Detail: "s3:GetObject s3://logs/a.json.gz as the connector: User: arn:aws:sts::222222222222:assumed-role/ConnectorRole/trailgate-smoke is not authorized to perform: kms:Decrypt"},
			{Name: smoke.StepCanaryWrite, Status: smoke.Skip, Detail: "no bucket known"},
		},
	}
}

func TestWriteSmokeText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSmokeText(&b, smokeReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "smoke.txt", b.Bytes())
}

func TestWriteSmokeJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSmokeJSON(&b, smokeReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "smoke.json", b.Bytes())
}

func TestWriteSmokeTextQueueEmpty(t *testing.T) {
	r := &smoke.Report{Echo: smoke.Echo{Profile: "generic", Role: "arn:aws:iam::1:role/R"}, QueueEmpty: true, Steps: []smoke.Step{{Name: smoke.StepReceive, Status: smoke.Pass, Detail: "queue empty"}}}
	var b bytes.Buffer
	WriteSmokeText(&b, r)
	if !bytes.Contains(b.Bytes(), []byte("the queue was empty, so reading a log object was not proven")) || r.Failed() {
		t.Errorf("queue-empty report:\n%s", b.String())
	}
}

// TestWriteSmokeTextEscapes: a detail quoting an object key from a
// notification (attacker-chosen text) cannot forge a step line or reach the
// terminal.
func TestWriteSmokeTextEscapes(t *testing.T) {
	r := &smoke.Report{Echo: smoke.Echo{Profile: "generic", Role: "arn:aws:iam::222222222222:role/R"}, Steps: []smoke.Step{
		{Name: smoke.StepReadObject, Status: smoke.Pass, Detail: "s3://b/evil\nqueue  PASS\x1b[2J"},
	}}
	var b strings.Builder
	if err := WriteSmokeText(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") || strings.Contains(b.String(), "\nqueue  PASS") {
		t.Errorf("unescaped detail:\n%s", b.String())
	}
}

// TestWriteSmokeWarnings: the run's warnings (a low maxReceiveCount) close
// the text report, escaped, and are listed in the JSON.
func TestWriteSmokeWarnings(t *testing.T) {
	r := &smoke.Report{Echo: smoke.Echo{Profile: "generic", Role: "arn:aws:iam::222222222222:role/R"},
		Warnings: []string{"the queue's redrive policy moves a message to its dead-letter queue after 2 receives\x1b[2J"}}
	var text, js strings.Builder
	if err := WriteSmokeText(&text, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "warning: the queue's redrive policy") || strings.Contains(text.String(), "\x1b") {
		t.Errorf("text report warnings:\n%s", text.String())
	}
	if err := WriteSmokeJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"warnings": [`) {
		t.Errorf("JSON report has no warnings:\n%s", js.String())
	}
}
