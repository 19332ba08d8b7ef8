package remedy

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func TestTfQueueNamed(t *testing.T) {
	src := []byte(`
resource "aws_sqs_queue" "logs" {
  name = "logs"
}
resource "aws_sqs_queue" "west" {
  provider = aws.west
  name     = "logs"
}
resource "aws_sqs_queue" "many" {
  count = 2
  name  = "many"
}
`)
	f, diags := hclsyntax.ParseConfig(src, "main.tf", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	body := f.Body.(*hclsyntax.Body)
	for _, tc := range []struct{ arn, provider, want string }{
		{"arn:aws:sqs:us-east-1:111122223333:logs", "", "logs"},
		{"arn:aws:sqs:us-west-2:111122223333:logs", "aws.west", "west"},
		{"arn:*:sqs:*:*:logs", "", "logs"},
		{"arn:aws:sqs:us-east-1:111122223333:many", "", ""},
		{"arn:aws:sqs:us-east-1:111122223333:other", "", ""},
		{"arn:aws:sqs:us-east-1:111122223333:logs:x", "", ""},
		{"arn:aws:sns:us-east-1:111122223333:logs", "", ""},
		{"arn:aws:s3:::logs/key:with:colons", "", ""},
		{"arn:aws:sqs:us-east-1", "", ""},
		{"logs", "", ""},
		{"*", "", ""},
	} {
		if got := tfQueueNamed(body, src, tc.arn, tc.provider); got != tc.want {
			t.Errorf("tfQueueNamed(%q, %q) = %q, want %q", tc.arn, tc.provider, got, tc.want)
		}
	}
}
