package iacref

import (
	"bytes"
	"encoding/json"
	"path"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Language is the input a symbol comes from.
type Language int

const (
	// CloudFormationYAML writes short-form intrinsic functions (!GetAtt);
	// they are valid inside a YAML flow mapping, so a JSON statement
	// quoted in a remediation stays pasteable.
	CloudFormationYAML Language = iota
	// CloudFormationJSON writes {"Fn::GetAtt": [...]} and its kin.
	CloudFormationJSON
	// Terraform writes HCL references; an HCL object constructor accepts
	// "key": value, so a JSON statement becomes a jsonencode argument.
	Terraform
)

// ref is one symbol, parsed.
type ref struct {
	file, owner, attr string
}

func parse(tok string) (ref, bool) {
	f, o, a, ok := snapshot.ParseSymbol(tok)
	return ref{f, o, a}, ok
}

// language tells the input from the owner: a Terraform owner is a resource
// address (it holds a '.') or the provider's caller identity; a
// CloudFormation owner is a logical ID (alphanumeric) or the AWS pseudo
// parameters.
func (r ref) language() Language {
	if r.owner == "provider" || strings.Contains(r.owner, ".") {
		return Terraform
	}
	if strings.EqualFold(path.Ext(r.file), ".json") {
		return CloudFormationJSON
	}
	return CloudFormationYAML
}

// tfType is the resource type of a Terraform address.
func (r ref) tfType() string {
	parts := strings.Split(r.owner, ".")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

// Value renders a string that holds symbols as the expression the input's
// user writes for it (a whole string, without quotes around a
// reference). ok is false when s holds no symbol, or symbols of different
// inputs: then Text is the way to say it.
func Value(s string) (expr string, ok bool) {
	spans := snapshot.FindSymbols(s)
	if len(spans) == 0 {
		return "", false
	}
	var refs []ref
	for _, sp := range spans {
		r, ok := parse(s[sp[0]:sp[1]])
		if !ok {
			return "", false
		}
		refs = append(refs, r)
	}
	lang := refs[0].language()
	for _, r := range refs[1:] {
		if r.language() != lang || r.file != refs[0].file {
			return "", false
		}
	}
	// The whole value is one resource's ARN (every other symbol in it is
	// the account): its ARN attribute.
	last := refs[len(refs)-1]
	if spans[len(spans)-1][1] == len(s) && strings.HasPrefix(s, "arn:") && onlyAccount(refs[:len(refs)-1]) {
		if e, ok := arnOf(lang, last, serviceOf(s)); ok {
			return e, true
		}
	}
	if len(spans) == 1 && spans[0][0] == 0 && spans[0][1] == len(s) {
		return whole(lang, last)
	}
	// A string built around the symbols: literal parts escaped as the
	// string's syntax wants, references written as they are (a Terraform
	// reference may hold quotes of its own: module.q["a"]).
	service := serviceOf(s)
	var b strings.Builder
	b.WriteByte('"')
	prev := 0
	for i, sp := range spans {
		in, ok := inner(lang, refs[i], service)
		if !ok {
			return "", false
		}
		b.WriteString(literal(lang, s[prev:sp[0]]))
		b.WriteString("${" + in + "}")
		prev = sp[1]
	}
	b.WriteString(literal(lang, s[prev:]))
	b.WriteByte('"')
	switch lang {
	case Terraform:
		return b.String(), true
	case CloudFormationJSON:
		return `{"Fn::Sub": ` + b.String() + `}`, true
	}
	return "!Sub " + b.String(), true
}

// literal escapes text of a quoted string template: a Terraform template
// escapes its own interpolations ($${, %%{), a !Sub writes ${! for a
// literal ${.
func literal(lang Language, s string) string {
	if lang == Terraform {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "${", "$${"), "%{", "%%{")
	} else {
		s = strings.ReplaceAll(s, "${", "${!")
	}
	q := quote(s)
	return q[1 : len(q)-1]
}

func quote(s string) string {
	data, _ := json.Marshal(s)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(data))
}

func onlyAccount(refs []ref) bool {
	for _, r := range refs {
		if !r.isAccount() {
			return false
		}
	}
	return true
}

func (r ref) isAccount() bool {
	return (r.owner == "AWS" && r.attr == "AccountId") || (r.owner == "provider" && r.attr == "account_id")
}

// serviceOf is the service field of an ARN ("" for anything else).
func serviceOf(s string) string {
	a, err := arn.Parse(s)
	if err != nil {
		return ""
	}
	return a.Service
}

// arnOf renders a resource's whole ARN, when the input has an expression
// for it: CloudFormation's Arn attribute (a topic's Ref is its ARN; a
// GuardDuty detector has no ARN attribute), Terraform's arn attribute.
func arnOf(lang Language, r ref, service string) (string, bool) {
	if r.isAccount() {
		return "", false
	}
	if lang == Terraform {
		switch r.tfType() {
		case "aws_kms_key", "aws_s3_bucket", "aws_sqs_queue", "aws_sns_topic", "aws_iam_role", "aws_guardduty_detector":
			return r.owner + ".arn", true
		}
		return "", false
	}
	switch {
	case service == "sns" && r.attr == "Name":
		return cfn(lang, "Ref", r.owner), true
	case service == "kms" && r.attr == "KeyId",
		(service == "s3" || service == "sqs" || service == "iam") && r.attr == "Name":
		return cfn(lang, "GetAtt", r.owner+".Arn"), true
	}
	return "", false
}

// whole renders a value that is exactly one symbol.
func whole(lang Language, r ref) (string, bool) {
	if lang == Terraform {
		return tfRef(r), true
	}
	in, ok := inner(lang, r, "")
	if !ok {
		return "", false
	}
	if strings.Contains(in, ".") {
		return cfn(lang, "GetAtt", in), true
	}
	return cfn(lang, "Ref", in), true
}

// inner is the name a !Sub writes between ${ and }: the logical ID where
// Ref returns the value, Logical.Attr otherwise; in Terraform the
// reference. A generated name outside an ARN says nothing of its type,
// and the types differ (Ref returns a bucket's and a role's name, a
// topic's ARN, a queue's URL): no expression then (ok false).
func inner(lang Language, r ref, service string) (string, bool) {
	if lang == Terraform {
		return tfRef(r), true
	}
	if r.owner == "AWS" {
		return "AWS::" + r.attr, true
	}
	switch r.attr {
	case "KeyId", "DetectorId":
		// Ref returns a KMS key's ID and a GuardDuty detector's ID.
		return r.owner, true
	case "Name":
		switch service {
		case "sns":
			return r.owner + ".TopicName", true
		case "sqs":
			return r.owner + ".QueueName", true
		case "s3", "iam":
			return r.owner, true
		}
		return "", false
	}
	return r.owner + "." + r.attr, true
}

func tfRef(r ref) string {
	if r.isAccount() {
		// The caller identity the configuration declares (or should).
		return "data.aws_caller_identity.current.account_id"
	}
	return r.owner + "." + r.attr
}

func cfn(lang Language, fn, arg string) string {
	if lang == CloudFormationJSON {
		if fn == "GetAtt" {
			logical, attr, _ := strings.Cut(arg, ".")
			return `{"Fn::GetAtt": [` + quote(logical) + `, ` + quote(attr) + `]}`
		}
		return `{"Ref": ` + quote(arg) + `}`
	}
	return "!" + fn + " " + arg
}

// Text writes the symbols of prose as readable names: the attribute of
// the resource that produces it ("TrailKey.KeyId", "AWS::AccountId",
// "aws_kms_key.trail.key_id"), between braces so that a reader sees it is
// assigned at apply.
func Text(s string) string {
	spans := snapshot.FindSymbols(s)
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	prev := 0
	for _, sp := range spans {
		b.WriteString(s[prev:sp[0]])
		if r, ok := parse(s[sp[0]:sp[1]]); ok {
			b.WriteString("{" + readable(r) + "}")
		} else {
			b.WriteString(s[sp[0]:sp[1]])
		}
		prev = sp[1]
	}
	b.WriteString(s[prev:])
	return b.String()
}

func readable(r ref) string {
	switch {
	case r.owner == "AWS":
		return "AWS::" + r.attr
	case r.owner == "provider" && r.attr == "account_id":
		return "data.aws_caller_identity.current.account_id"
	}
	return r.owner + "." + r.attr
}

// Remediation renders every symbol of a remediation: a JSON statement
// (an object) holding one is written in its input's language, and so is
// each JSON string literal holding one outside such an object; what
// remains as prose is written with Text. For a YAML template the
// statement becomes a YAML flow mapping whose symbol values are tagged
// intrinsics ({Resource: !GetAtt Key.Arn}): a tag inside JSON text would
// be neither JSON nor what the user pastes. For a JSON template each
// symbol's literal becomes its long form ({"Fn::GetAtt": [...]}), still
// JSON; for Terraform the statement becomes an HCL object, its symbols
// references (aws_kms_key.trail.arn). The HTML escapes a JSON encoder puts in front of '<',
// '>' and '&' are undone first: JSON does not need them, and they hide
// the token. A remediation without a symbol is returned as it is.
func Remediation(s string) string {
	u := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(s)
	if !snapshot.IsSymbol(u) {
		return s
	}
	s = u
	var b strings.Builder
	for i := 0; i < len(s); {
		switch s[i] {
		case '{':
			if end, ok := objectEnd(s, i); ok {
				if y, ok := yamlStatement(s[i:end]); ok {
					b.WriteString(y)
					i = end
					continue
				}
				if h, ok := hclStatement(s[i:end]); ok {
					b.WriteString(h)
					i = end
					continue
				}
			}
			b.WriteByte('{')
			i++
			continue
		case '"':
			end := literalEnd(s, i)
			if end < 0 {
				b.WriteString(Text(s[i:]))
				i = len(s)
				continue
			}
			lit := s[i:end]
			var v string
			if json.Unmarshal([]byte(lit), &v) == nil && snapshot.IsSymbol(v) {
				if e, ok := Value(v); ok {
					b.WriteString(e)
					i = end
					continue
				}
			}
			b.WriteString(Text(lit))
			i = end
			continue
		}
		j := strings.IndexAny(s[i:], "\"{")
		if j < 0 {
			j = len(s) - i
		}
		b.WriteString(Text(s[i : i+j]))
		i += j
	}
	return b.String()
}

// objectEnd is the offset just past the JSON object opening at s[i]; ok is
// false when no JSON object starts there (prose in braces).
func objectEnd(s string, i int) (int, bool) {
	dec := json.NewDecoder(strings.NewReader(s[i:]))
	var v map[string]any
	if dec.Decode(&v) != nil {
		return 0, false
	}
	return i + int(dec.InputOffset()), true
}

// hclStatement writes a JSON object whose symbols are all of one
// Terraform input as an HCL object on one line ({ Action = "kms:Decrypt",
// Resource = aws_kms_key.trail.arn }), the jsonencode argument a
// configuration writes, keys in their order; ok is false for an object
// without such symbols, or with a symbol Value cannot write.
func hclStatement(obj string) (string, bool) {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(obj), &doc) != nil || len(doc.Content) != 1 {
		return "", false
	}
	found, ok := false, true
	var write func(n *yaml.Node) string
	write = func(n *yaml.Node) string {
		switch n.Kind {
		case yaml.MappingNode:
			parts := make([]string, 0, len(n.Content)/2)
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				if !hclIdent.MatchString(k) {
					k = quote(k)
				}
				parts = append(parts, k+" = "+write(n.Content[i+1]))
			}
			if len(parts) == 0 {
				return "{}"
			}
			return "{ " + strings.Join(parts, ", ") + " }"
		case yaml.SequenceNode:
			parts := make([]string, len(n.Content))
			for i, c := range n.Content {
				parts[i] = write(c)
			}
			return "[" + strings.Join(parts, ", ") + "]"
		case yaml.ScalarNode:
			if n.Tag != "!!str" {
				return n.Value // a number, a boolean or null, as JSON wrote it
			}
			if !snapshot.IsSymbol(n.Value) {
				return "\"" + literal(Terraform, n.Value) + "\""
			}
			spans := snapshot.FindSymbols(n.Value)
			r, parsed := parse(n.Value[spans[0][0]:spans[0][1]])
			e, valued := Value(n.Value)
			if !parsed || r.language() != Terraform || !valued {
				ok = false
				return ""
			}
			found = true
			return e
		}
		ok = false
		return ""
	}
	out := write(doc.Content[0])
	if !found || !ok {
		return "", false
	}
	return out, true
}

// hclIdent is an HCL identifier, which an object key may be unquoted.
var hclIdent = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// yamlStatement writes a JSON object whose symbols are all of one YAML
// template as a YAML flow mapping, keys in their order, each symbol value
// the intrinsic function Value writes for it; ok is false for an object
// without symbols, or with one of another language or that Value cannot
// write (the caller then renders it literal by literal).
func yamlStatement(obj string) (string, bool) {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(obj), &doc) != nil || len(doc.Content) != 1 {
		return "", false
	}
	found, ok := false, true
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.MappingNode, yaml.SequenceNode:
			n.Style = yaml.FlowStyle
			for _, c := range n.Content {
				walk(c)
			}
			return
		case yaml.ScalarNode:
		default:
			ok = false
			return
		}
		n.Style = 0 // the encoder quotes what YAML needs quoted
		if !snapshot.IsSymbol(n.Value) {
			return
		}
		found = true
		spans := snapshot.FindSymbols(n.Value)
		r, parsed := parse(n.Value[spans[0][0]:spans[0][1]])
		e, valued := Value(n.Value)
		var x yaml.Node
		if !parsed || r.language() != CloudFormationYAML || !valued || yaml.Unmarshal([]byte(e), &x) != nil || len(x.Content) != 1 || x.Content[0].Kind != yaml.ScalarNode {
			ok = false
			return
		}
		*n = *x.Content[0]
	}
	walk(doc.Content[0])
	if !found || !ok {
		return "", false
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	if enc.Encode(doc.Content[0]) != nil || enc.Close() != nil {
		return "", false
	}
	out := strings.TrimRight(buf.String(), "\n")
	if strings.Contains(out, "\n") {
		return "", false
	}
	return out, true
}

// literalEnd is the offset just past the JSON string literal opening at
// s[i], or -1 when it does not close.
func literalEnd(s string, i int) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}
