package remedy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// Since version 4 of the AWS provider, a bucket's ownership controls,
// default encryption and request payment are resources of their own
// beside aws_s3_bucket (registry.terraform.io/providers/hashicorp/aws:
// aws_s3_bucket_ownership_controls,
// aws_s3_bucket_server_side_encryption_configuration,
// aws_s3_bucket_request_payment_configuration), not arguments of it. A
// Fix that sets the bucket's CloudFormation property is written as that
// resource.
var tfBucketResources = map[string]struct {
	typ  string
	body func(v any) (string, bool)
}{
	"OwnershipControls": {"aws_s3_bucket_ownership_controls", func(v any) (string, bool) {
		o, ok := firstRule(v, "Rules")["ObjectOwnership"].(string)
		return "rule {\n  object_ownership = " + hclString(o) + "\n}", ok
	}},
	"LifecycleConfiguration": {"aws_s3_bucket_lifecycle_configuration", lifecycleRulesHCL},
	"BucketEncryption": {"aws_s3_bucket_server_side_encryption_configuration", func(v any) (string, bool) {
		r := firstRule(v, "ServerSideEncryptionConfiguration")
		def, _ := r["ServerSideEncryptionByDefault"].(map[string]any)
		alg, ok := def["SSEAlgorithm"].(string)
		if !ok {
			return "", false
		}
		inner := "sse_algorithm = " + hclString(alg)
		if k, ok := def["KMSMasterKeyID"].(string); ok {
			inner = "sse_algorithm     = " + hclString(alg) + "\n    kms_master_key_id = " + hclString(k)
		}
		out := "rule {\n  apply_server_side_encryption_by_default {\n    " + inner + "\n  }"
		if b, ok := r["BucketKeyEnabled"].(bool); ok {
			out += fmt.Sprintf("\n  bucket_key_enabled = %t", b)
		}
		return out + "\n}", true
	}},
	// A bucket's notifications are one aws_s3_bucket_notification, its
	// topic and queue blocks the configurations (whose list the Fix
	// replaces whole, as the resource does).
	"NotificationConfiguration": {"aws_s3_bucket_notification", func(v any) (string, bool) {
		m, _ := v.(map[string]any)
		var blocks []string
		for _, k := range props(m) {
			kind := map[string]string{"TopicConfigurations": "topic", "QueueConfigurations": "queue"}[k]
			list, ok := m[k].([]any)
			if kind == "" || !ok {
				return "", false
			}
			for _, e := range list {
				c, _ := e.(map[string]any)
				dest, ok := c[strings.ToUpper(kind[:1])+kind[1:]].(string)
				event, ok2 := c["Event"].(string)
				if !ok || !ok2 || len(c) != 2 {
					return "", false
				}
				args := alignArgs([]string{kind + "_arn = " + hclValue(dest, ""), "events = [" + hclValue(event, "") + "]"})
				blocks = append(blocks, hclBlock(kind, args))
			}
		}
		return strings.Join(blocks, "\n"), len(blocks) > 0
	}},
	"RequestPaymentConfiguration": {"aws_s3_bucket_request_payment_configuration", func(v any) (string, bool) {
		m, _ := v.(map[string]any)
		p, ok := m["Payer"].(string)
		return "payer = " + hclString(p), ok
	}},
}

// firstRule is the first object of the list under key of a property value.
func firstRule(v any, key string) map[string]any {
	m, _ := v.(map[string]any)
	rules, _ := m[key].([]any)
	if len(rules) == 0 {
		return nil
	}
	r, _ := rules[0].(map[string]any)
	return r
}

// tfBucketBlocks writes a bucket Fix's Set as the resources that hold
// those settings, each referring to the bucket name; provider is the
// bucket's provider argument (an alias), repeated so that the new
// resource lives where the bucket does. ok is false when a property is
// not one of them.
func tfBucketBlocks(set map[string]any, name, provider string) (blocks []string, types []string, ok bool) {
	if len(set) == 0 {
		return nil, nil, false
	}
	for _, p := range props(set) {
		r, known := tfBucketResources[p]
		if !known {
			return nil, nil, false
		}
		body, ok := r.body(set[p])
		if !ok {
			return nil, nil, false
		}
		lines := []string{"bucket = aws_s3_bucket." + name + ".id"}
		if provider != "" {
			lines = append([]string{"provider = " + provider}, lines...)
		}
		lines = alignArgs(append(lines, strings.Split(body, "\n")...))
		blocks = append(blocks, fmt.Sprintf("resource %q %q {\n%s\n}", r.typ, name, indentText(strings.Join(lines, "\n"), "  ")))
		types = append(types, r.typ)
	}
	return blocks, types, true
}

// tfBucketChange is the change of a bucket Fix in a configuration: the
// new resources after the bucket's block. When the configuration already
// has one of them for this bucket, or the bucket is declared with count or
// for_each (its references need an index), the text says what to write
// and no edit is made.
func tfBucketChange(f findings.Finding, c *findings.Change, body *hclsyntax.Body, block *hclsyntax.Block, name string, data []byte) *findings.Change {
	provider := ""
	if a, ok := block.Body.Attributes["provider"]; ok {
		r := a.Expr.Range()
		provider = string(r.SliceBytes(data))
	}
	blocks, types, ok := tfBucketBlocks(f.Fix.Set, name, provider)
	if !ok {
		return nil
	}
	c.Text = fmt.Sprintf("In %s, declare beside %s:\n\n%s", where(c.File, c.Line), f.Address, indentText(strings.Join(blocks, "\n\n"), "  "))
	if _, ok := block.Body.Attributes["count"]; ok {
		return c
	}
	if _, ok := block.Body.Attributes["for_each"]; ok {
		return c
	}
	ref := "aws_s3_bucket." + name + "."
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 || !slices.Contains(types, b.Labels[0]) {
			continue
		}
		if a, ok := b.Body.Attributes["bucket"]; ok && strings.Contains(string(a.Expr.Range().SliceBytes(data)), ref) {
			c.Text += fmt.Sprintf("\n\n(%s.%s, at %s, already configures this bucket: make it this one.)", b.Labels[0], b.Labels[1], where(c.File, b.DefRange().Start.Line))
			return c
		}
	}
	if e, ok := afterBlock(block, data, strings.Join(blocks, "\n\n")); ok {
		c.Edits = []findings.Replacement{e}
	}
	return c
}

// afterBlock is the edit that declares text (blocks) after block, a blank
// line between them; ok is false when something follows the block's
// closing brace on its line.
func afterBlock(block *hclsyntax.Block, data []byte, text string) (findings.Replacement, bool) {
	end := block.CloseBraceRange.End
	lines := strings.Split(string(data), "\n")
	if end.Line > len(lines) || strings.TrimSpace(lines[end.Line-1][end.Column-1:]) != "" {
		return findings.Replacement{}, false
	}
	return findings.Replacement{StartLine: end.Line + 1, StartColumn: 1, EndLine: end.Line + 1, EndColumn: 1,
		Text: "\n" + text + "\n"}, true
}

// alignArgs aligns the = of the leading run of one-line arguments, as
// terraform fmt does.
func alignArgs(lines []string) []string {
	n, width := 0, 0
	for ; n < len(lines); n++ {
		name, _, ok := strings.Cut(lines[n], " = ")
		if !ok || strings.ContainsAny(name, " {") {
			break
		}
		width = max(width, len(name))
	}
	out := append([]string(nil), lines...)
	for i := 0; i < n; i++ {
		name, value, _ := strings.Cut(lines[i], " = ")
		out[i] = name + strings.Repeat(" ", width-len(name)) + " = " + value
	}
	return out
}
