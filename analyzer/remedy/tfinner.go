package remedy

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
)

// tfInner are CloudFormation properties whose object the provider holds as
// one nested block of the resource, with an argument per key: a Firehose
// stream's ExtendedS3DestinationConfiguration is its
// extended_s3_configuration block (registry.terraform.io/providers/
// hashicorp/aws, aws_kinesis_firehose_delivery_stream). A Fix giving some
// of the keys changes those arguments in the block the configuration
// already has, keeping its others.
var tfInner = map[string]map[string]struct {
	block string
	args  map[string]string
}{
	"aws_kinesis_firehose_delivery_stream": {
		"ExtendedS3DestinationConfiguration": {"extended_s3_configuration", map[string]string{
			"BucketARN":         "bucket_arn",
			"RoleARN":           "role_arn",
			"Prefix":            "prefix",
			"ErrorOutputPrefix": "error_output_prefix",
			"CompressionFormat": "compression_format",
		}},
	},
}

// tfInnerSetting is a Set of one tfInner property: the nested block's type
// and the arguments to give it.
type tfInnerSetting struct {
	block         string
	names, values []string
}

// tfInnerOf writes a Set for a resource type when its only property is a
// tfInner one whose keys all have arguments; ok is false otherwise.
func tfInnerOf(typ string, set map[string]any) (tfInnerSetting, bool) {
	if len(set) != 1 {
		return tfInnerSetting{}, false
	}
	for p, v := range set {
		in, known := tfInner[typ][p]
		m, isMap := v.(map[string]any)
		if !known || !isMap || len(m) == 0 {
			return tfInnerSetting{}, false
		}
		st := tfInnerSetting{block: in.block}
		for _, k := range props(m) {
			a := in.args[k]
			if a == "" || !isScalar(m[k]) {
				return tfInnerSetting{}, false
			}
			st.names = append(st.names, a)
			st.values = append(st.values, hclValue(m[k], ""))
		}
		return st, true
	}
	return tfInnerSetting{}, false
}

// text is the setting as a change's text says it, from the colon.
func (st tfInnerSetting) text() string {
	return fmt.Sprintf(" in its %s block (keeping the block's other arguments):\n\n  %s {\n%s\n  }", st.block, st.block, indentText(strings.Join(alignArgs(argLines(st.names, st.values)), "\n"), "    "))
}

func argLines(names, values []string) []string {
	out := make([]string, len(names))
	for i := range names {
		out[i] = names[i] + " = " + values[i]
	}
	return out
}

// tfInnerChange sets arguments of the nested block of the finding's
// resource block. The edit is exact when the resource has that block
// once, written out (not a dynamic block), and its layout lets the
// arguments be placed.
func tfInnerChange(f findings.Finding, c *findings.Change, block *hclsyntax.Block, st tfInnerSetting, data []byte) *findings.Change {
	c.Text = fmt.Sprintf("In %s, set in %s%s", where(c.File, c.Line), f.Address, st.text())
	var inner *hclsyntax.Block
	for _, b := range block.Body.Blocks {
		if b.Type == st.block {
			if inner != nil {
				return c
			}
			inner = b
		}
	}
	if inner == nil {
		return c
	}
	src := &hclSource{data: data, lines: strings.Split(string(data), "\n")}
	if edits, ok := src.bodyEdits(inner, st.names, st.values, nil); ok {
		c.Line = inner.DefRange().Start.Line
		c.Edits = edits
	}
	return c
}
