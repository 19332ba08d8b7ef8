package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// manyFindings returns n findings spread over the sample rules, half of
// them from IaC, as a large organization's check might produce.
func manyFindings(n int) []findings.Finding {
	fs := make([]findings.Finding, n)
	for i := range fs {
		r := sampleRules[i%len(sampleRules)]
		id := fmt.Sprintf("arn:aws:s3:::bucket-%06d", i)
		fs[i] = findings.Finding{
			RuleID: r.ID, Severity: r.Severity, Title: r.Title,
			Message:     "bucket-" + fmt.Sprint(i) + " does not let the reader read its log objects",
			Resource:    findings.Resource{ID: id, Type: "AWS::S3::Bucket", Account: "111111111111", Region: "us-east-1"},
			Remediation: r.Remediation,
			Fingerprint: findings.Fingerprint(r.ID, id, "fact"),
		}
		if i%2 == 0 {
			fs[i].Location = &findings.Location{File: "templates/logging.yaml", Line: i + 1}
		}
	}
	return fs
}

func BenchmarkWriters(b *testing.B) {
	fs := manyFindings(1000)
	for _, format := range Formats {
		w, _ := WriterFor(format)
		b.Run(format+"/1000", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := w(io.Discard, fs, sampleRules, Options{ToolVersion: "0.1.0"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
