package cfn

import (
	"fmt"
	"os"
	"testing"
)

// BenchmarkParseTypical parses one typical template: the S3 → SNS → SQS
// pipeline with KMS (9 resources, 4 policies, conditions).
func BenchmarkParseTypical(b *testing.B) {
	data, err := os.ReadFile("testdata/s3-sns-sqs-kms.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("s3-sns-sqs-kms.yaml", data, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse200 parses a directory's worth of 200 templates, the
// vendor-style templates of testdata/ in turn, each with its own stack.
func BenchmarkParse200(b *testing.B) {
	files := templates(b)
	type tmpl struct {
		name string
		data []byte
		opts Options
	}
	set := make([]tmpl, 200)
	var total int64
	for i := range set {
		f := files[i%len(files)]
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		set[i] = tmpl{fmt.Sprintf("%03d-%s", i, f), data, Options{StackName: fmt.Sprintf("stack%03d", i),
			Params: map[string]string{"ExternalId": "8d3c0c6e-example"}}}
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, t := range set {
			if _, err := Parse(t.name, t.data, t.opts); err != nil {
				b.Fatal(err)
			}
		}
	}
}
