package remedy

import (
	"cmp"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/trailgate/trailgate/analyzer/findings"
	"github.com/trailgate/trailgate/analyzer/iacref"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// tfAttribute maps a Terraform resource type and a CloudFormation property
// of a Fix to the AWS provider's argument (registry.terraform.io/providers/
// hashicorp/aws: aws_sqs_queue, aws_cloudtrail, aws_sns_topic_subscription).
var tfAttribute = map[string]map[string]string{
	"aws_sqs_queue": {
		"QueueName":                     "name",
		"RedrivePolicy":                 "redrive_policy",
		"MessageRetentionPeriod":        "message_retention_seconds",
		"VisibilityTimeout":             "visibility_timeout_seconds",
		"DelaySeconds":                  "delay_seconds",
		"ReceiveMessageWaitTimeSeconds": "receive_wait_time_seconds",
		"KmsMasterKeyId":                "kms_master_key_id",
		"SqsManagedSseEnabled":          "sqs_managed_sse_enabled",
	},
	"aws_sns_topic": {
		"KmsMasterKeyId": "kms_master_key_id",
	},
	"aws_cloudtrail": {
		"IsMultiRegionTrail":         "is_multi_region_trail",
		"IncludeGlobalServiceEvents": "include_global_service_events",
		"IsLogging":                  "enable_logging",
		"KMSKeyId":                   "kms_key_id",
		"CloudWatchLogsLogGroupArn":  "cloud_watch_logs_group_arn",
		"CloudWatchLogsRoleArn":      "cloud_watch_logs_role_arn",
	},
	"aws_guardduty_detector": {
		"FindingPublishingFrequency": "finding_publishing_frequency",
		"Enable":                     "enable",
	},
	"aws_guardduty_organization_configuration": {
		"AutoEnableOrganizationMembers": "auto_enable_organization_members",
	},
	// CloudFormation's DestinationProperties object is flat in the
	// provider (tfFlatten): destination_arn and kms_key_arn.
	"aws_guardduty_publishing_destination": {
		"DetectorId":      "detector_id",
		"DestinationType": "destination_type",
		"DestinationArn":  "destination_arn",
		"KmsKeyArn":       "kms_key_arn",
	},
	"aws_kms_key": {
		"Enabled": "is_enabled",
	},
	// Logging.ClusterLogging.EnabledTypes, reshaped (tfReshape).
	"aws_iam_instance_profile": {"role": "role"},
	"aws_eks_cluster": {
		"enabled_cluster_log_types": "enabled_cluster_log_types",
	},
	// A subscription filter a Fix declares (EK02).
	"aws_cloudwatch_log_subscription_filter": {
		"FilterName":     "name",
		"LogGroupName":   "log_group_name",
		"FilterPattern":  "filter_pattern",
		"DestinationArn": "destination_arn",
		"RoleArn":        "role_arn",
	},
	"aws_sns_topic_subscription": {
		"RawMessageDelivery": "raw_message_delivery",
		"TopicArn":           "topic_arn",
		"Protocol":           "protocol",
		"Endpoint":           "endpoint",
	},
}

// tfType is the AWS provider's resource type of a CloudFormation type a
// Fix declares (a Companion).
var tfType = map[string]string{
	"AWS::SQS::Queue":                       "aws_sqs_queue",
	"AWS::SNS::Subscription":                "aws_sns_topic_subscription",
	"AWS::GuardDuty::PublishingDestination": "aws_guardduty_publishing_destination",
	"AWS::Logs::SubscriptionFilter":         "aws_cloudwatch_log_subscription_filter",
	"AWS::IAM::InstanceProfile":             "aws_iam_instance_profile",
}

// tfFlatten are CloudFormation properties whose object the provider holds
// as arguments of the resource itself: a publishing destination's
// DestinationProperties are its destination_arn and kms_key_arn.
var tfFlatten = map[string]map[string]bool{
	"aws_guardduty_publishing_destination": {"DestinationProperties": true},
}

// tfOmitFalse are arguments a Fix's false is written for by leaving them
// out: the provider's sqs_managed_sse_enabled conflicts with
// kms_master_key_id (aws_sqs_queue), so a queue given a customer managed
// key drops the argument rather than set it to false.
var tfOmitFalse = map[string]bool{"sqs_managed_sse_enabled": true}

// tfSelfAttribute is the attribute of a resource type that is what
// CloudFormation's Ref returns for it: a topic's ARN, a queue's URL.
var tfSelfAttribute = map[string]string{"aws_sns_topic": "arn", "aws_sqs_queue": "id", "aws_guardduty_detector": "id", "aws_eks_cluster": "name", "aws_iam_role": "name"}

var tfIndexRe = regexp.MustCompile(`\[[^\]]*\]`)

// tfTypeName splits a resource address into its type and name, dropping
// the module path and the instance key: module.m["a"].aws_x.y[0] → aws_x, y.
func tfTypeName(addr string) (string, string, bool) {
	parts := strings.Split(tfIndexRe.ReplaceAllString(addr, ""), ".")
	if len(parts) < 2 || strings.HasPrefix(addr, "data.") {
		return "", "", false
	}
	return parts[len(parts)-2], parts[len(parts)-1], true
}

// tfReshape are CloudFormation properties whose value the provider holds
// as an argument of another shape: an EKS cluster's
// Logging.ClusterLogging.EnabledTypes ([{Type: audit}]) is its
// enabled_cluster_log_types (["audit"]), the whole list in both.
var tfReshape = map[string]map[string]func(v any) (string, any, bool){
	// An instance profile holds one role (AWS::IAM::InstanceProfile Roles,
	// a list of at most one; the provider's role, its name).
	"aws_iam_instance_profile": {"Roles": func(v any) (string, any, bool) {
		l, _ := v.([]any)
		if len(l) != 1 {
			return "", nil, false
		}
		return "role", l[0], true
	}},
	"aws_eks_cluster": {"Logging": func(v any) (string, any, bool) {
		m, _ := v.(map[string]any)
		cl, _ := m["ClusterLogging"].(map[string]any)
		types, isList := cl["EnabledTypes"].([]any)
		if len(m) != 1 || len(cl) != 1 || !isList {
			return "", nil, false
		}
		out := make([]any, 0, len(types))
		for _, t := range types {
			tm, _ := t.(map[string]any)
			name, isString := tm["Type"].(string)
			if len(tm) != 1 || !isString {
				return "", nil, false
			}
			out = append(out, name)
		}
		return "enabled_cluster_log_types", out, true
	}},
}

// tfSet renders a Set as HCL arguments; ok is false when a property has no
// argument trailgate knows for the type. drop are arguments to remove (a
// false tfOmitFalse leaves out).
func tfSet(typ string, set map[string]any) (names []string, values []string, drop []string, ok bool) {
	flat := map[string]any{}
	for p, v := range set {
		if m, isMap := v.(map[string]any); isMap && tfFlatten[typ][p] {
			for k, kv := range m {
				flat[k] = kv
			}
			continue
		}
		if reshape := tfReshape[typ][p]; reshape != nil {
			a, rv, ok := reshape(v)
			if !ok {
				return nil, nil, nil, false
			}
			flat[a] = rv
			continue
		}
		flat[p] = v
	}
	for _, p := range props(flat) {
		a := tfAttribute[typ][p]
		if a == "" {
			return nil, nil, nil, false
		}
		if flat[p] == false && tfOmitFalse[a] {
			drop = append(drop, a)
			continue
		}
		names = append(names, a)
		v := hclValue(flat[p], "")
		if _, ok := tfJSONArguments[a]; ok {
			// A JSON-valued argument (redrive_policy) is written with
			// jsonencode, as its value is an object.
			v = "jsonencode(" + v + ")"
		}
		values = append(values, v)
	}
	return names, values, drop, true
}

// tfJSONArguments are arguments whose value is a JSON string.
var tfJSONArguments = map[string]bool{"redrive_policy": true}

// tfCompanion writes the Fix's companion resource as an HCL block, and
// its Set with references to it ({"Fn::GetAtt": ["$companion", "Arn"]}
// becomes TYPE.NAME.arn); ok is false when an argument is not known.
func tfCompanion(typ, name string, fx *findings.Fix) (block string, set map[string]any, ok bool) {
	cp := fx.Companion
	cname := name + "_" + strings.ToLower(strings.Join(camelWords.FindAllString(cp.Suffix, -1), "_"))
	names, values, _, ok := tfSet(typ, cp.Properties)
	if !ok {
		return "", nil, false
	}
	args := make([]string, len(names))
	for i := range names {
		args[i] = names[i] + " = " + values[i]
	}
	block = fmt.Sprintf("resource %q %q {\n%s\n}", typ, cname, indentText(strings.Join(alignArgs(args), "\n"), "  "))
	ref := typ + "." + cname + ".arn"
	return block, withReference(fx.Set, ref).(map[string]any), true
}

var camelWords = regexp.MustCompile(`[A-Z][a-z0-9]*|[a-z0-9]+`)

// hclReference is an HCL expression written as is (a reference), which
// hclValue does not quote.
type hclReference string

func withReference(v any, ref string) any {
	return rewrite(v, func(v any) (any, bool) {
		if m, ok := v.(map[string]any); ok {
			if g, ok := m["Fn::GetAtt"].([]any); ok && len(g) == 2 && g[0] == "$companion" {
				return hclReference(ref), true
			}
		}
		return nil, false
	})
}

// tfArgs writes arguments one per line, indented for a change's text.
func tfArgs(names, values []string) string {
	args := make([]string, len(names))
	for i := range names {
		args[i] = names[i] + " = " + values[i]
	}
	return indentText(strings.Join(args, "\n"), "  ")
}

func terraformChange(f findings.Finding, data []byte) *findings.Change {
	typ, name, ok := tfTypeName(f.Address)
	if !ok {
		return nil
	}
	file, diags := hclsyntax.ParseConfig(data, f.Location.File, hcl.InitialPos)
	if diags.HasErrors() {
		return nil
	}
	body, ok := file.Body.(*hclsyntax.Body)
	if !ok {
		return nil
	}
	var block *hclsyntax.Block
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == typ && b.Labels[1] == name {
			block = b
			break
		}
	}
	if len(f.Fix.SetAt) > 0 {
		return tfSetAtChange(f, body, block, data)
	}
	if block == nil {
		return nil
	}
	line := block.DefRange().Start.Line
	c := &findings.Change{Language: "terraform", File: f.Location.File, Line: line}
	if f.Fix.Remove {
		return tfRemoveChange(f, c, body, block, data)
	}
	switch {
	case len(f.Fix.Set) > 0 && typ == "aws_s3_bucket" && f.Fix.Companion == nil:
		return tfBucketChange(f, c, body, block, name, data)
	case len(f.Fix.Set) == 0 && len(f.Fix.AddStatement) == 0 && f.Fix.Companion != nil:
		return tfDeclareChange(f, c, body, block, typ, name, data)
	case len(f.Fix.Set) > 0 && f.Fix.Companion != nil:
		// A new resource and a reference to it: the text says both; the
		// author places the block.
		decl, set, ok := tfCompanion(typ, name, f.Fix)
		if !ok {
			return nil
		}
		names, values, _, ok := tfSet(typ, set)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In %s, declare:\n\n%s\n\nand set in %s:\n\n%s", where(c.File, line), indentText(decl, "  "), f.Address, tfArgs(names, values))
		// Exact where the resource is declared once (a reference to the
		// new block needs no index) and the new block's address is free.
		if block.Body.Attributes["count"] != nil || block.Body.Attributes["for_each"] != nil || tfDeclared(body, decl) {
			return c
		}
		src := &hclSource{data: data, lines: strings.Split(string(data), "\n")}
		edits, exact := src.bodyEdits(block, names, values, nil)
		after, ok := afterBlock(block, data, decl)
		if exact && ok {
			c.Edits = append(edits, after)
			slices.SortFunc(c.Edits, func(x, y findings.Replacement) int { return cmp.Compare(x.StartLine, y.StartLine) })
		}
		return c
	case len(f.Fix.Set) > 0 && f.Fix.Companion == nil && tfInner[typ] != nil:
		st, ok := tfInnerOf(typ, f.Fix.Set)
		if !ok {
			return nil
		}
		return tfInnerChange(f, c, block, st, data)
	case len(f.Fix.Set) > 0:
		st, ok := tfSetOf(typ, f.Fix.Set)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In %s, set in %s%s", where(c.File, line), f.Address, st.text)
		src := &hclSource{data: data, lines: strings.Split(string(data), "\n")}
		edits, exact := src.bodyEdits(block, st.names, st.values, st.drop)
		for _, n := range st.nested {
			es, ok := src.blockEdits(block, n.typ, n.blocks)
			exact = exact && ok
			edits = append(edits, es...)
		}
		if exact {
			slices.SortFunc(edits, func(x, y findings.Replacement) int { return cmp.Compare(x.StartLine, y.StartLine) })
			c.Edits = edits
		}
		return c
	case len(f.Fix.AddStatement) > 0:
		// Policies are jsonencode() calls, heredocs or data sources:
		// where the statement goes is the author's, so the text says what
		// to add and the exact edit is left out.
		what, ok := tfPolicy(typ, f.Fix.Policy)
		if !ok {
			return tfIdentityElsewhere(f, c)
		}
		if typ == "aws_iam_role" && f.Fix.Policy == "identity" {
			if rc := tfRolePolicyChange(f, c, body, block, data); rc != nil {
				return rc
			}
		}
		c.Text = fmt.Sprintf("In %s, add to the Statement list of %s's %s:\n\n%s", where(c.File, line), f.Address, what, indentText(hclValue(f.Fix.AddStatement, ""), "  "))
		if e, at, ok := tfStatementEdit(body, block, tfPolicyArgument(f.Fix.Policy), f.Fix.AddStatement, data); ok {
			c.Line = at
			c.Edits = []findings.Replacement{e}
		}
		return c
	}
	return nil
}

// tfPolicy names the argument of a resource type that holds the policy a
// statement fix goes into (registry.terraform.io/providers/hashicorp/aws);
// ok is false when the resource the finding points at does not hold that
// kind of policy (an identity grant the plan places at the queue, not at
// the role), so that no change is written to the wrong block.
func tfPolicy(typ, kind string) (string, bool) {
	switch kind {
	case "trust":
		if typ == "aws_iam_role" {
			return "assume_role_policy", true
		}
	case "identity":
		switch typ {
		case "aws_iam_role_policy", "aws_iam_policy":
			return "policy", true
		case "aws_iam_role":
			return "identity policy (an aws_iam_role_policy of the role, or an aws_iam_policy attached to it)", true
		}
	default:
		switch typ {
		case "aws_s3_bucket_policy", "aws_sqs_queue_policy", "aws_sns_topic_policy", "aws_kms_key", "aws_sqs_queue", "aws_sns_topic":
			return "policy", true
		case "aws_s3_bucket":
			return "bucket policy (its aws_s3_bucket_policy)", true
		}
	}
	return "", false
}

// tfPolicyArgument is the argument of a resource block that holds the
// policy a statement fix goes into.
func tfPolicyArgument(kind string) string {
	if kind == "trust" {
		return "assume_role_policy"
	}
	return "policy"
}

// tfStatementEdit is the exact edit adding statement to the policy that
// the argument arg of block holds, when it is written where trailgate can
// place a statement: jsonencode() of an object whose Statement is a
// tuple (a new element after the last), or the json of an
// aws_iam_policy_document data source of the same file (a new statement
// block). A heredoc, a file() or a document built elsewhere gives no
// edit; so does a statement whose Sid the policy already uses (the author
// edits that one). at is the line the edit goes to.
func tfStatementEdit(body *hclsyntax.Body, block *hclsyntax.Block, arg string, statement map[string]any, src []byte) (findings.Replacement, int, bool) {
	a, ok := block.Body.Attributes[arg]
	if !ok {
		return findings.Replacement{}, 0, false
	}
	lines := strings.Split(string(src), "\n")
	pad := func(line int) string {
		if line < 1 || line > len(lines) {
			return ""
		}
		l := lines[line-1]
		return l[:len(l)-len(strings.TrimLeft(l, " \t"))]
	}
	sid, _ := statement["Sid"].(string)
	switch e := a.Expr.(type) {
	case *hclsyntax.FunctionCallExpr:
		if e.Name != "jsonencode" || len(e.Args) != 1 {
			return findings.Replacement{}, 0, false
		}
		obj, ok := e.Args[0].(*hclsyntax.ObjectConsExpr)
		if !ok {
			return findings.Replacement{}, 0, false
		}
		for _, item := range obj.Items {
			if hcl.ExprAsKeyword(item.KeyExpr) != "Statement" && literalString(item.KeyExpr) != "Statement" {
				continue
			}
			tuple, ok := item.ValueExpr.(*hclsyntax.TupleConsExpr)
			if !ok || len(tuple.Exprs) == 0 {
				return findings.Replacement{}, 0, false
			}
			for _, el := range tuple.Exprs {
				if o, ok := el.(*hclsyntax.ObjectConsExpr); ok && sid != "" {
					for _, it := range o.Items {
						if (hcl.ExprAsKeyword(it.KeyExpr) == "Sid" || literalString(it.KeyExpr) == "Sid") && literalString(it.ValueExpr) == sid {
							return findings.Replacement{}, 0, false
						}
					}
				}
			}
			end := tuple.Exprs[len(tuple.Exprs)-1].Range().End
			return findings.Replacement{StartLine: end.Line, StartColumn: end.Column, EndLine: end.Line, EndColumn: end.Column,
				Text: ", " + hclValue(statement, pad(end.Line))}, end.Line, true
		}
	case *hclsyntax.ScopeTraversalExpr:
		// data.aws_iam_policy_document.NAME.json
		t := e.Traversal
		if len(t) != 4 || t.RootName() != "data" {
			return findings.Replacement{}, 0, false
		}
		typ, ok1 := t[1].(hcl.TraverseAttr)
		name, ok2 := t[2].(hcl.TraverseAttr)
		attr, ok3 := t[3].(hcl.TraverseAttr)
		if !ok1 || !ok2 || !ok3 || typ.Name != "aws_iam_policy_document" || attr.Name != "json" {
			return findings.Replacement{}, 0, false
		}
		for _, b := range body.Blocks {
			if b.Type != "data" || len(b.Labels) != 2 || b.Labels[0] != typ.Name || b.Labels[1] != name.Name {
				continue
			}
			for _, st := range b.Body.Blocks {
				if v, ok := st.Body.Attributes["sid"]; ok && st.Type == "statement" && sid != "" && literalString(v.Expr) == sid {
					return findings.Replacement{}, 0, false
				}
			}
			text, ok := policyDocumentStatement(statement, pad(b.DefRange().Start.Line)+"  ")
			if !ok {
				return findings.Replacement{}, 0, false
			}
			end := b.CloseBraceRange.Start
			if strings.TrimSpace(lines[end.Line-1][:end.Column-1]) != "" {
				return findings.Replacement{}, 0, false // a one-line block
			}
			return findings.Replacement{StartLine: end.Line, StartColumn: 1, EndLine: end.Line, EndColumn: 1, Text: text}, end.Line, true
		}
	}
	return findings.Replacement{}, 0, false
}

// literalString is the value of a literal string expression, or "".
func literalString(e hclsyntax.Expression) string {
	if k, ok := e.(*hclsyntax.ObjectConsKeyExpr); ok {
		e = k.Wrapped
	}
	t, ok := e.(*hclsyntax.TemplateExpr)
	if !ok || !t.IsStringLiteral() {
		return ""
	}
	v, diags := t.Value(nil)
	if diags.HasErrors() {
		return ""
	}
	return v.AsString()
}

// policyDocumentStatement writes a statement as an aws_iam_policy_document
// statement block (registry.terraform.io/providers/hashicorp/aws, data
// source aws_iam_policy_document), every line starting with pad; ok is
// false for an element the block cannot write.
func policyDocumentStatement(st map[string]any, pad string) (string, bool) {
	var b strings.Builder
	line := func(depth int, s string) { b.WriteString(pad + strings.Repeat("  ", depth) + s + "\n") }
	list := func(v any) string {
		l, _ := hclList(v)
		return l
	}
	line(0, "statement {")
	for _, k := range orderedKeys(st) {
		v := st[k]
		switch k {
		case "Sid", "Effect":
			s, ok := v.(string)
			if !ok {
				return "", false
			}
			line(1, strings.ToLower(k)+" = "+hclString(s))
		case "Action", "NotAction", "Resource", "NotResource":
			l := list(v)
			if l == "" {
				return "", false
			}
			arg := map[string]string{"Action": "actions", "NotAction": "not_actions", "Resource": "resources", "NotResource": "not_resources"}[k]
			line(1, arg+" = "+l)
		case "Principal", "NotPrincipal":
			blockName := map[string]string{"Principal": "principals", "NotPrincipal": "not_principals"}[k]
			if v == "*" {
				line(1, blockName+" {")
				line(2, `type        = "*"`)
				line(2, `identifiers = ["*"]`)
				line(1, "}")
				continue
			}
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			for _, typ := range props(m) {
				l := list(m[typ])
				if l == "" {
					return "", false
				}
				line(1, blockName+" {")
				line(2, "type        = "+hclString(typ))
				line(2, "identifiers = "+l)
				line(1, "}")
			}
		case "Condition":
			m, ok := v.(map[string]any)
			if !ok {
				return "", false
			}
			text, ok := conditionBlocks(m, pad+"  ")
			if !ok {
				return "", false
			}
			b.WriteString(text)
		default:
			return "", false
		}
	}
	line(0, "}")
	return b.String(), true
}

// planChange is the change for a finding located in a plan only: the
// configuration is not at hand, so the text names the resource and the
// HCL to write, with no exact edit.
func planChange(f findings.Finding) *findings.Change {
	typ, _, ok := tfTypeName(f.Address)
	if !ok {
		return nil
	}
	c := &findings.Change{Language: "terraform", File: f.Location.File, Line: f.Location.Line}
	switch {
	case f.Fix.Remove:
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s; give --tf-dir to point at its block), %s", f.Address, where(c.File, c.Line), tfRemoveText(f.Address))
	case len(f.Fix.Set) > 0 && typ == "aws_s3_bucket" && f.Fix.Companion == nil:
		_, name, _ := tfTypeName(f.Address)
		blocks, _, ok := tfBucketBlocks(f.Fix.Set, name, "")
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s; give --tf-dir to point at its block), declare beside it:\n\n%s", f.Address, where(c.File, c.Line), indentText(strings.Join(blocks, "\n\n"), "  "))
	case len(f.Fix.Set) > 0 && f.Fix.Companion == nil && tfInner[typ] != nil:
		st, ok := tfInnerOf(typ, f.Fix.Set)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s; give --tf-dir to point at its block), set%s", f.Address, where(c.File, c.Line), st.text())
	case len(f.Fix.Set) > 0:
		set, decl := f.Fix.Set, ""
		if f.Fix.Companion != nil {
			_, name, _ := tfTypeName(f.Address)
			var ok bool
			if decl, set, ok = tfCompanion(typ, name, f.Fix); !ok {
				return nil
			}
			decl = fmt.Sprintf("declare beside it:\n\n%s\n\nand ", indentText(decl, "  "))
		}
		st, ok := tfSetOf(typ, set)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s; give --tf-dir to point at its block), %sset%s", f.Address, where(c.File, c.Line), decl, st.text)
	case len(f.Fix.SetAt) > 0:
		text, ok := tfSetAtText(f.Fix.SetAt)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s; give --tf-dir to point at the entry), %s", f.Address, where(c.File, c.Line), text)
	case f.Fix.Companion != nil && len(f.Fix.AddStatement) == 0:
		_, name, _ := tfTypeName(f.Address)
		decl, _, ok := tfDeclaration(f.Fix, typ, name, "", nil, nil)
		if !ok {
			return nil
		}
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s; give --tf-dir to point at its block), declare beside it:\n\n%s", f.Address, where(c.File, c.Line), indentText(decl, "  "))
	case len(f.Fix.AddStatement) > 0:
		what, ok := tfPolicy(typ, f.Fix.Policy)
		if !ok {
			return tfIdentityElsewhere(f, c)
		}
		c.Text = fmt.Sprintf("In the configuration of %s (planned at %s), add to the Statement list of its %s:\n\n%s", f.Address, where(c.File, c.Line), what, indentText(hclValue(f.Fix.AddStatement, ""), "  "))
	default:
		return nil
	}
	return c
}

// hclValue writes v as an HCL expression: objects and tuples over lines,
// statement keys in AWS's order, strings with ${ and %{ escaped.
func hclValue(v any, pad string) string {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			return "{}"
		}
		var b strings.Builder
		b.WriteString("{\n")
		for _, k := range orderedKeys(x) {
			key := k
			if !hclsyntax.ValidIdentifier(k) {
				key = hclString(k)
			}
			b.WriteString(pad + "  " + key + " = " + hclValue(x[k], pad+"  ") + "\n")
		}
		b.WriteString(pad + "}")
		return b.String()
	case []any:
		if len(x) == 0 {
			return "[]"
		}
		var items []string
		for _, e := range x {
			items = append(items, hclValue(e, pad))
		}
		return "[" + strings.Join(items, ", ") + "]"
	case string:
		if snapshot.IsSymbol(x) {
			// A value AWS assigns at apply is the reference the
			// configuration has for it (aws_iam_role.reader.arn).
			if e, ok := iacref.Value(x); ok {
				return e
			}
		}
		return hclString(x)
	case hclReference:
		return string(x)
	}
	enc, _ := json.Marshal(v)
	return string(enc)
}

func hclString(s string) string {
	// HCL reads \u escapes, but a placeholder the user must fill in
	// (<customer managed key ID>) must read as written.
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(s)
	q := strings.TrimSuffix(b.String(), "\n")
	q = strings.ReplaceAll(q, "${", "$${")
	return strings.ReplaceAll(q, "%{", "%%{")
}

// tfDeclaration writes a Fix's companion, declared alone (a subscription
// of the finding's topic), as a resource block named after the finding's
// resource: its {"Ref": "$self"} values refer to that resource, and a
// literal ARN of a queue the same file declares (by a literal name, once,
// with the same provider: in the same account and region) refers to that
// queue. provider is the finding's resource's provider
// argument, repeated so that the new resource lives where it does. ok is
// false when a type or property has no known argument.
func tfDeclaration(fx *findings.Fix, typ, name, provider string, body *hclsyntax.Body, data []byte) (block, address string, ok bool) {
	cp := fx.Companion
	ctyp := tfType[cp.Type]
	self := tfSelfAttribute[typ]
	if ctyp == "" || self == "" {
		return "", "", false
	}
	cname := name + "_" + strings.ToLower(strings.Join(camelWords.FindAllString(cp.Suffix, -1), "_"))
	properties := rewrite(cp.Properties, func(v any) (any, bool) {
		if m, ok := v.(map[string]any); ok && len(m) == 1 && m["Ref"] == "$self" {
			return hclReference(typ + "." + name + "." + self), true
		}
		if s, ok := v.(string); ok && strings.HasPrefix(s, "arn:") && body != nil {
			if q := tfQueueNamed(body, data, s, provider); q != "" {
				return hclReference("aws_sqs_queue." + q + ".arn"), true
			}
		}
		return nil, false
	}).(map[string]any)
	names, values, _, ok := tfSet(ctyp, properties)
	if !ok {
		return "", "", false
	}
	var lines []string
	if provider != "" {
		lines = append(lines, "provider = "+provider)
	}
	for i := range names {
		lines = append(lines, names[i]+" = "+values[i])
	}
	return fmt.Sprintf("resource %q %q {\n%s\n}", ctyp, cname, indentText(strings.Join(alignArgs(lines), "\n"), "  ")), ctyp + "." + cname, true
}

// tfQueueNamed is the name of the one aws_sqs_queue block of body whose
// literal name is the queue queueARN names and whose provider argument is
// provider (without count or for_each), or "".
func tfQueueNamed(body *hclsyntax.Body, data []byte, queueARN, provider string) string {
	q, err := arn.Parse(queueARN)
	if err != nil || q.Service != "sqs" || strings.Contains(q.Resource, ":") {
		return ""
	}
	found := ""
	for _, b := range body.Blocks {
		if b.Type != "resource" || len(b.Labels) != 2 || b.Labels[0] != "aws_sqs_queue" || attrString(b, "name") != q.Resource {
			continue
		}
		p := ""
		if a, ok := b.Body.Attributes["provider"]; ok {
			p = string(a.Expr.Range().SliceBytes(data))
		}
		if p != provider {
			continue
		}
		if found != "" || b.Body.Attributes["count"] != nil || b.Body.Attributes["for_each"] != nil {
			return ""
		}
		found = b.Labels[1]
	}
	return found
}

// tfDeclareChange declares a Fix's companion after the finding's
// resource block. The resource must be declared once (without count or
// for_each, whose instances a reference would have to index) and the
// new block's address free; otherwise the text says what to write.
func tfDeclareChange(f findings.Finding, c *findings.Change, body *hclsyntax.Body, block *hclsyntax.Block, typ, name string, data []byte) *findings.Change {
	provider := ""
	if a, ok := block.Body.Attributes["provider"]; ok {
		provider = string(a.Expr.Range().SliceBytes(data))
	}
	decl, address, ok := tfDeclaration(f.Fix, typ, name, provider, body, data)
	if !ok {
		return nil
	}
	c.Text = fmt.Sprintf("In %s, declare beside %s:\n\n%s", where(c.File, c.Line), f.Address, indentText(decl, "  "))
	if block.Body.Attributes["count"] != nil || block.Body.Attributes["for_each"] != nil {
		return c
	}
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0]+"."+b.Labels[1] == address {
			return c
		}
	}
	if e, ok := afterBlock(block, data, decl); ok {
		c.Edits = []findings.Replacement{e}
	}
	return c
}

// tfSetting is a Set written for a resource type: its arguments, and the
// nested blocks that replace those of a property held as blocks.
type tfSetting struct {
	names, values []string
	// drop are arguments to remove (tfOmitFalse).
	drop   []string
	nested []struct {
		typ    string
		blocks []string
	}
	// text is the setting as a change's text says it, from the colon.
	text string
}

// tfSetOf writes a Set for a resource type; ok is false when a property
// has no argument or block trailgate knows for the type.
func tfSetOf(typ string, set map[string]any) (tfSetting, bool) {
	var st tfSetting
	args := map[string]any{}
	for p, v := range set {
		if tfNestedBlocks[typ][p].typ == "" {
			args[p] = v
		}
	}
	var ok bool
	if st.names, st.values, st.drop, ok = tfSet(typ, args); !ok {
		return st, false
	}
	var parts, replaced []string
	if len(st.names) > 0 {
		parts = append(parts, tfArgs(st.names, st.values))
	}
	for _, p := range props(set) {
		nb := tfNestedBlocks[typ][p]
		if nb.typ == "" {
			continue
		}
		blocks, ok := nestedBlocks(set[p], nb.typ, nb.lines)
		if !ok {
			return st, false
		}
		st.nested = append(st.nested, struct {
			typ    string
			blocks []string
		}{nb.typ, blocks})
		parts = append(parts, indentText(strings.Join(blocks, "\n"), "  "))
		replaced = append(replaced, nb.typ)
	}
	if len(replaced) > 0 {
		st.text = fmt.Sprintf(" (its %s blocks are replaced by these)", strings.Join(replaced, " and "))
	}
	st.text += ":\n\n" + strings.Join(parts, "\n")
	if len(st.drop) > 0 {
		st.text += fmt.Sprintf("\n\nand remove its %s.", strings.Join(st.drop, " and "))
	}
	return st, true
}

// tfRemoved is the removed block that takes a resource out of Terraform's
// state without destroying it (Terraform 1.7 or later;
// developer.hashicorp.com/terraform/language/state/remove): its from is
// the address without an instance key, which the block does not take.
func tfRemoved(addr string) string {
	return fmt.Sprintf("removed {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}", tfIndexRe.ReplaceAllString(addr, ""))
}

// tfRemoveText says how a Fix's Remove is made in Terraform: deleting the
// block alone would plan the resource's deletion, so the block gives way
// to a removed block, or the resource leaves the state by hand.
func tfRemoveText(addr string) string {
	return fmt.Sprintf("replace the resource block of %s with this removed block (Terraform 1.7 or later), so that Terraform stops managing it without destroying it, and delete the references to it:\n\n%s\n\nWith an earlier Terraform, delete the block and run terraform state rm %s before the next apply.", addr, indentText(tfRemoved(addr), "  "), tfIndexRe.ReplaceAllString(addr, ""))
}

// tfRemoveChange replaces the finding's resource block with a removed
// block. The edit is exact when the block is alone on its lines, is
// declared once (no count or for_each) and nothing else in the file
// refers to it; otherwise the text says what to do.
func tfRemoveChange(f findings.Finding, c *findings.Change, body *hclsyntax.Body, block *hclsyntax.Block, data []byte) *findings.Change {
	c.Text = fmt.Sprintf("In %s, %s", where(c.File, c.Line), tfRemoveText(f.Address))
	if block.Body.Attributes["count"] != nil || block.Body.Attributes["for_each"] != nil {
		return c
	}
	r := hcl.RangeBetween(block.TypeRange, block.CloseBraceRange)
	src := &hclSource{data: data, lines: strings.Split(string(data), "\n")}
	if !src.ownLine(r) {
		return c
	}
	self := block.Labels[0] + "." + block.Labels[1]
	for _, b := range body.Blocks {
		if b == block {
			continue
		}
		if tfRefers(b.Body, self) {
			return c
		}
	}
	pad := src.indent(r.Start.Line)
	c.Edits = []findings.Replacement{{StartLine: r.Start.Line, StartColumn: 1, EndLine: r.End.Line, EndColumn: r.End.Column,
		Text: indentText(tfRemoved(f.Address), pad)}}
	return c
}

// tfRefers reports whether an expression of body (or of its nested
// blocks) refers to the resource at address self (TYPE.NAME).
func tfRefers(body *hclsyntax.Body, self string) bool {
	for _, a := range body.Attributes {
		if tfExprRefers(a.Expr, self) {
			return true
		}
	}
	for _, b := range body.Blocks {
		if tfRefers(b.Body, self) {
			return true
		}
	}
	return false
}

// tfExprRefers reports whether expr refers to the resource at address
// self (TYPE.NAME).
func tfExprRefers(expr hclsyntax.Expression, self string) bool {
	for _, t := range expr.Variables() {
		if len(t) >= 2 {
			if attr, ok := t[1].(hcl.TraverseAttr); ok && t.RootName()+"."+attr.Name == self {
				return true
			}
		}
	}
	return false
}

var roleARNRe = regexp.MustCompile(`arn:[a-z-]+:iam::[0-9]{12}:role/[\w+=,.@/-]*[\w+=,.@-]`)

// tfIdentityElsewhere is the change of an identity grant whose role the
// configuration does not declare (the finding points at the resource the
// role reads): the statement in HCL, to add where the role is declared;
// no edit, as that is not this file. nil for another kind of policy.
func tfIdentityElsewhere(f findings.Finding, c *findings.Change) *findings.Change {
	if f.Fix.Policy != "identity" {
		return nil
	}
	role := roleARNRe.FindString(f.Remediation)
	if role == "" {
		role = "the reader's role"
	}
	c.Text = fmt.Sprintf("This configuration does not declare %s, whose identity policy lacks the grant (%s is the resource it reads, at %s): where the role is declared, add to an identity policy of it (an aws_iam_role_policy of the role, or an aws_iam_policy attached to it) the statement:\n\n%s",
		role, f.Address, where(c.File, c.Line), indentText(hclValue(f.Fix.AddStatement, ""), "  "))
	return c
}

// tfDeclared reports whether body already declares the resource a
// declaration's text (resource "TYPE" "NAME" {…}) would add.
func tfDeclared(body *hclsyntax.Body, decl string) bool {
	var typ, name string
	if _, err := fmt.Sscanf(decl, "resource %q %q", &typ, &name); err != nil {
		return true
	}
	for _, b := range body.Blocks {
		if b.Type == "resource" && len(b.Labels) == 2 && b.Labels[0] == typ && b.Labels[1] == name {
			return true
		}
	}
	return false
}
