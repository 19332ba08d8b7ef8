package smoke

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func goldenReport() *Report {
	return &Report{
		Profile: "expel", Role: "arn:aws:iam::222222222222:role/ConnectorRole",
		Queue: "arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail", ExternalID: "8d****le",
		Steps: []Step{
			{Name: StepIdentity, Status: Pass, Duration: 12345 * time.Microsecond, Detail: "caller arn:aws:iam::111111111111:user/vendor",
				Facts: map[string]string{"account": "111111111111", "arn": "arn:aws:iam::111111111111:user/vendor"}},
			{Name: StepAssumeRole, Status: Pass, Duration: 80 * time.Millisecond, Detail: "session arn:aws:sts::222222222222:assumed-role/ConnectorRole/trailgate-smoke (external ID 8d****le)"},
			{Name: StepExternalID, Status: Pass, Duration: 70 * time.Millisecond, ErrorCode: "AccessDenied", Detail: "refused without the external ID (AccessDenied), as it must be"},
			{Name: StepQueue, Status: Pass, Duration: 40 * time.Millisecond, Detail: "expel-cloudtrail in us-east-1: 3 messages (0 in flight), visibility 30s, retention 7d, SSE-SQS"},
			{Name: StepReceive, Status: Pass, Duration: 1500 * time.Millisecond, Detail: "received message 1, made visible again at once"},
			{Name: StepDecode, Status: Fail, RuleID: "NT05", Duration: 300 * time.Microsecond, Detail: "profile expel (expel steps E6, E8): the message arrived in an SNS envelope but raw message delivery is required"},
			{Name: StepReadObject, Status: Fail, ErrorCode: "AccessDenied", RuleID: "KM01", Duration: 35 * time.Millisecond,
				Detail: "s3:GetObject s3://logs/a.json.gz as the connector: User: arn:aws:sts::222222222222:assumed-role/ConnectorRole/trailgate-smoke is not authorized to perform: kms:Decrypt"},
			{Name: StepCanaryWrite, Status: Skip, Detail: "no bucket known"},
		},
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-want +got):\n%s", path, d)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteText(&b, goldenReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt", b.Bytes())
}

func TestWriteJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WriteJSON(&b, goldenReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json", b.Bytes())
}

func TestWriteTextQueueEmpty(t *testing.T) {
	r := &Report{Profile: "generic", Role: "arn:aws:iam::1:role/R", QueueEmpty: true, Steps: []Step{{Name: StepReceive, Status: Pass, Detail: "queue empty"}}}
	var b bytes.Buffer
	WriteText(&b, r)
	if !bytes.Contains(b.Bytes(), []byte("the queue was empty, so reading a log object was not proven")) || r.Failed() {
		t.Errorf("queue-empty report:\n%s", b.String())
	}
}

// TestWriteTextEscapes: a detail quoting an object key from a notification
// (attacker-chosen text) cannot forge a step line or reach the terminal.
func TestWriteTextEscapes(t *testing.T) {
	r := &Report{Profile: "generic", Role: "arn:aws:iam::222222222222:role/R", Steps: []Step{
		{Name: StepReadObject, Status: Pass, Detail: "s3://b/evil\nqueue  PASS\x1b[2J"},
	}}
	var b strings.Builder
	if err := WriteText(&b, r); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") || strings.Contains(b.String(), "\nqueue  PASS") {
		t.Errorf("unescaped detail:\n%s", b.String())
	}
}
