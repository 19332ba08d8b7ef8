package smoke

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// BenchmarkParseLog reads a CloudTrail file of 5,000 events, about the size
// CloudTrail delivers for a busy account every five minutes.
func BenchmarkParseLog(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"Records":[`)
	for i := range 5000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"eventVersion":"1.10","userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::222222222222:assumed-role/R/s%d"},"eventTime":"2026-11-22T04:%02d:%02dZ","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.1","requestParameters":{"bucketName":"logs","key":"k%d"}}`, i, i/60%60, i%60, i)
	}
	sb.WriteString(`]}`)
	data := gz(sb.String())
	b.SetBytes(int64(sb.Len()))
	b.ReportAllocs()
	for b.Loop() {
		s, err := ParseLog(bytes.NewReader(data))
		if err != nil || s.Records != 5000 {
			b.Fatal(s, err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	body := envelope(s3Event)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
