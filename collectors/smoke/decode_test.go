package smoke

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const s3Event = `{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"eu-west-1","eventTime":"2026-11-22T04:00:00.000Z","eventName":"ObjectCreated:Put","s3":{"s3SchemaVersion":"1.0","bucket":{"name":"logs","arn":"arn:aws:s3:::logs"},"object":{"key":"AWSLogs/o-abc/111/CloudTrail/eu-west-1/2026/11/22/red+flower%3D1.json.gz","size":10}}}]}`

func envelope(msg string) string {
	b, _ := json.Marshal(map[string]string{"Type": "Notification", "MessageId": "m", "TopicArn": "arn:aws:sns:eu-west-1:111:t", "Subject": "Amazon S3 Notification", "Message": msg})
	return string(b)
}

// TestDecode covers each shape a log queue receives
// (catalog rule NT05 lists the mismatches they cause).
func TestDecode(t *testing.T) {
	s3Obj := []ObjectRef{{Bucket: "logs", Key: "AWSLogs/o-abc/111/CloudTrail/eu-west-1/2026/11/22/red flower=1.json.gz"}}
	for _, tc := range []struct {
		name, body string
		want       *Notification
		err        string
	}{
		{name: "S3 event, raw delivery", body: s3Event,
			want: &Notification{Format: FormatS3Event, Objects: s3Obj, EventName: "ObjectCreated:Put", Region: "eu-west-1"}},
		{name: "S3 event in an SNS envelope", body: envelope(s3Event),
			want: &Notification{Envelope: true, TopicARN: "arn:aws:sns:eu-west-1:111:t", Format: FormatS3Event, Objects: s3Obj, EventName: "ObjectCreated:Put", Region: "eu-west-1"}},
		{name: "CloudTrail notice in an SNS envelope", body: envelope(`{"s3Bucket":"trail-bucket","s3ObjectKey":["AWSLogs/1/CloudTrail/a.json.gz","AWSLogs/1/CloudTrail/b.json.gz"]}`),
			want: &Notification{Envelope: true, TopicARN: "arn:aws:sns:eu-west-1:111:t", Format: FormatCloudTrailNotice, Objects: []ObjectRef{{"trail-bucket", "AWSLogs/1/CloudTrail/a.json.gz"}, {"trail-bucket", "AWSLogs/1/CloudTrail/b.json.gz"}}}},
		{name: "EventBridge S3 event", body: `{"version":"0","detail-type":"Object Created","source":"aws.s3","region":"ca-central-1","detail":{"bucket":{"name":"b"},"object":{"key":"k 1"}}}`,
			want: &Notification{Format: FormatEventBridge, EventName: "Object Created", Region: "ca-central-1", Objects: []ObjectRef{{"b", "k 1"}}}},
		{name: "S3 test event", body: `{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-11-22T04:00:00.000Z","Bucket":"logs","RequestId":"r","HostId":"h"}`,
			want: &Notification{Format: FormatS3TestEvent, EventName: "s3:TestEvent"}},
		{name: "not JSON", body: "hello", err: "not a JSON object"},
		{name: "empty", body: "  ", err: "empty message body"},
		{name: "truncated JSON", body: `{"Records":[`, err: "not valid JSON"},
		{name: "unknown JSON", body: `{"hello":"world"}`, err: "no known notification shape"},
		{name: "a CloudTrail file body, not a notification", body: `{"Records":[{"eventSource":"s3.amazonaws.com","eventName":"GetObject"}]}`, err: "not an S3 event"},
		{name: "subscription never confirmed", body: `{"Type":"SubscriptionConfirmation","Message":"You have chosen to subscribe","SubscribeURL":"https://sns.example"}`, err: "never confirmed"},
		{name: "envelope around garbage", body: envelope("plain text"), err: "SNS envelope from arn:aws:sns:eu-west-1:111:t"},
		{name: "CloudTrail notice without keys", body: `{"s3Bucket":"b","s3ObjectKey":[]}`, err: "no s3ObjectKey"},
		{name: "bad key encoding", body: strings.Replace(s3Event, "red+flower%3D1", "bad%zz", 1), err: "not URL-encoded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.body)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Decode error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Decode (-want +got):\n%s", d)
			}
		})
	}
}

func TestMismatch(t *testing.T) {
	raw := &Notification{Format: FormatS3Event}
	enveloped := &Notification{Format: FormatS3Event, Envelope: true}
	notice := &Notification{Format: FormatCloudTrailNotice}
	for _, tc := range []struct {
		profile string
		n       *Notification
		want    string
	}{
		{"expel", raw, ""},
		{"expel", enveloped, "raw message delivery is required"},
		{"expel", notice, "is cloudtrail-sns-notice, but the consumer parses s3-event or s3-test-event"},
		{"generic", enveloped, ""},
		{"generic", notice, ""},
	} {
		got := Mismatch(tc.profile, tc.n)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("Mismatch(%s, %+v) = %q, want %q", tc.profile, tc.n, got, tc.want)
		}
	}
}

func gz(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func TestParseLog(t *testing.T) {
	ts := func(s string) time.Time { t, _ := time.Parse(time.RFC3339, s); return t }
	guardDuty := `{"schemaVersion":"2.0","accountId":"1","id":"a","type":"Recon:EC2/PortProbeUnprotectedPort","updatedAt":"2026-11-22T03:00:00.000Z"}
{"schemaVersion":"2.0","accountId":"1","id":"b","type":"UnauthorizedAccess:IAMUser/MaliciousIPCaller","updatedAt":"2026-11-22T04:30:00.000Z"}
`
	for _, tc := range []struct {
		name string
		data []byte
		want LogSummary
		err  string
	}{
		{name: "CloudTrail, gzip", data: gz(`{"Records":[{"eventTime":"2026-11-22T04:01:02Z"},{"eventTime":"2026-11-22T03:00:00Z"}]}`),
			want: LogSummary{Kind: LogCloudTrail, Gzip: true, Records: 2, Newest: ts("2026-11-22T04:01:02Z"), Bytes: 87}},
		{name: "CloudTrail, empty, plain", data: []byte(`{"Records":[]}`), want: LogSummary{Kind: LogCloudTrail, Bytes: 14}},
		{name: "GuardDuty JSON lines", data: gz(guardDuty), want: LogSummary{Kind: LogGuardDuty, Gzip: true, Records: 2, Newest: ts("2026-11-22T04:30:00Z"), Bytes: int64(len(guardDuty))}},
		{name: "CloudTrail digest", data: gz(`{"awsAccountId":"1","digestStartTime":"2026-11-22T03:00:00Z","digestEndTime":"2026-11-22T04:00:00Z","logFiles":[]}`),
			want: LogSummary{Kind: LogCloudTrailDigest, Gzip: true, Bytes: 114}},
		{name: "canary", data: canaryBody(time.Date(2026, 11, 22, 4, 5, 6, 0, time.UTC)), want: LogSummary{Kind: LogCanary, Gzip: true, Bytes: 132}},
		{name: "bad event time", data: []byte(`{"Records":[{"eventTime":"yesterday"}]}`), err: `eventTime "yesterday"`},
		{name: "not gzip, not JSON", data: []byte("PK\x03\x04zipfile"), err: "neither a CloudTrail log file nor GuardDuty findings"},
		{name: "corrupt gzip", data: gz(`{"Records":[]}`)[:12], err: "gzip"},
		{name: "empty", data: nil, err: "empty object"},
		{name: "JSON, not a log", data: []byte(`{"hello":"world"}`), err: "neither a CloudTrail log file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseLog(bytes.NewReader(tc.data))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseLog error = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("ParseLog (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{s3Event, envelope(s3Event), `{"s3Bucket":"b","s3ObjectKey":["k"]}`, `{"source":"aws.s3","detail":{"bucket":{"name":"b"},"object":{"key":"k"}}}`, `{"Event":"s3:TestEvent"}`, "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		n, err := Decode(body)
		if err == nil && n.Format == "" {
			t.Fatalf("Decode(%q) accepted a body of no format", body)
		}
	})
}

func FuzzParseLog(f *testing.F) {
	f.Add(gz(`{"Records":[{"eventTime":"2026-11-22T04:01:02Z"}]}`))
	f.Add([]byte(`{"schemaVersion":"2.0","id":"a","type":"t","updatedAt":"2026-11-22T03:00:00Z"}`))
	f.Add([]byte{0x1f, 0x8b, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseLog(bytes.NewReader(data))
		if err == nil && s.Kind == "" {
			t.Fatalf("ParseLog accepted %q as no kind of log", data)
		}
	})
}
