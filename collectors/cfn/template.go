package cfn

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Options are the deployment context a template is resolved in.
type Options struct {
	// Params are parameter values (--param KEY=VALUE). They may also set
	// the pseudo parameters AWS::AccountId, AWS::Region, AWS::Partition,
	// AWS::URLSuffix and AWS::StackName. Names the template does not
	// declare are ignored: one --param set is applied to every template of
	// a directory.
	Params map[string]string
	// AccountID is the account of a template that does not say (see
	// ownAccount); when empty and nothing else tells, the account is a
	// snapshot.Symbol. Region defaults to us-east-1, Partition to the
	// region's partition (aws, aws-cn, aws-us-gov).
	AccountID, Region, Partition string
	// StackName is AWS::StackName; when empty it is unknown, and so is
	// every name CloudFormation would generate from it.
	StackName string
	// SymbolScope names the stack in its symbols (snapshot.Symbol): what
	// tells its resources from another input's; the file name when empty.
	SymbolScope string
	// Conditions fix the value of conditions the template leaves
	// undecided (they depend on a parameter without value or default), so
	// that a caller can judge each branch (see Error.Undecided). A
	// condition the template decides keeps its own value.
	Conditions map[string]bool
}

// Bounds that keep any input within bounded time and memory.
const (
	// maxTemplateBytes: CloudFormation accepts template bodies of at most
	// 1 MB (from S3; 51,200 bytes inline), so a larger file cannot be a
	// deployable template. https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html
	maxTemplateBytes = 1 << 20
	// maxDepth bounds nesting, in the file and while resolving (aliases
	// and intrinsics nest too). Real templates stay far below 50.
	maxDepth = 100
	// maxBytes bounds the text produced while resolving (scalars visited
	// through aliases, Join, Sub, Base64, ToJsonString): a YAML alias bomb
	// or a Join of one large anchored string a thousand times stops here.
	maxBytes = 16 << 20
)

// DefaultRegion is the region of a template that does not say.
const DefaultRegion = "us-east-1"

// Parse resolves a template and returns the snapshot it describes. name is
// the file name used in locations and errors.
func Parse(name string, data []byte, opts Options) (*snapshot.Snapshot, error) {
	r, err := Read(name, data, opts)
	if err != nil {
		return nil, err
	}
	return r.Snapshot, nil
}

// Result is a template read by Read.
type Result struct {
	Snapshot *snapshot.Snapshot
	// Warnings are what the template probably did not mean (a near miss
	// of a resource type), in line order.
	Warnings []snapshot.Warning
	// Parameters are the names the template declares, sorted, so that a
	// caller applying one --param set to many templates can tell a name no
	// template declares.
	Parameters []string
}

// Read is Parse with the warnings and declared parameters.
func Read(name string, data []byte, opts Options) (*Result, error) {
	root, err := load(name, data)
	if err != nil {
		return nil, err
	}
	return readDoc(name, root, opts)
}

// Detect reports whether data is a CloudFormation template: a mapping with
// AWSTemplateFormatVersion, or with a Resources mapping in which some
// resource has a Type such as AWS::S3::Bucket.
func Detect(data []byte) bool {
	if len(data) > maxTemplateBytes {
		// Too big to parse here; Parse will refuse it with a clear error,
		// so say yes only when it plainly is a template.
		head := data[:64<<10]
		return bytes.Contains(head, []byte("AWSTemplateFormatVersion")) ||
			(bytes.Contains(head, []byte("Resources")) && bytes.Contains(head, []byte("AWS::")))
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil || len(root.Content) == 0 {
		return false
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		switch doc.Content[i].Value {
		case "AWSTemplateFormatVersion":
			return true
		case "Resources":
			res := doc.Content[i+1]
			if res.Kind != yaml.MappingNode {
				continue
			}
			for j := 1; j < len(res.Content); j += 2 {
				r := res.Content[j]
				if r.Kind != yaml.MappingNode {
					continue
				}
				for k := 0; k+1 < len(r.Content); k += 2 {
					if r.Content[k].Value == "Type" && strings.HasPrefix(r.Content[k+1].Value, "AWS::") {
						return true
					}
				}
			}
		}
	}
	return false
}

// load parses the file into a YAML node tree (JSON is YAML, so one parser
// gives lines for both) and checks its shape: size, nesting, duplicate keys.
func load(name string, data []byte) (*yaml.Node, error) {
	if len(data) > maxTemplateBytes {
		return nil, &Error{File: name, Msg: fmt.Sprintf("template is %d bytes; CloudFormation accepts at most 1 MB", len(data))}
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	if len(trimmed) > 0 && trimmed[0] == '{' {
		// A JSON template: YAML would accept things JSON does not (comments,
		// single quotes, unquoted keys, trailing commas), so check it as
		// JSON first and name the line of the error. A file not named as
		// JSON may still be flow-style YAML, which CloudFormation reads.
		if err := checkJSON(name, data); err != nil {
			ext := strings.ToLower(filepath.Ext(name))
			var n yaml.Node
			if ext == ".json" || ext == ".template" || yaml.Unmarshal(data, &n) != nil {
				return nil, err
			}
		}
	}
	// One decoder reads the template and then looks for a second
	// document: parsing the template a second time only to get past it
	// was a third of reading one (BenchmarkParseTypical).
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil && !errors.Is(err, io.EOF) { // io.EOF: no document, as yaml.Unmarshal gives
		return nil, yamlError(name, data, err)
	}
	if line := secondDocument(dec); line > 0 {
		// yaml.Unmarshal reads the first document only: whatever follows
		// a "---" would be silently left unchecked.
		return nil, &Error{File: name, Line: line, Msg: "a second YAML document: a template is one document (remove the ---)"}
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty template"}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: doc.Line, Msg: "a template is a mapping (AWSTemplateFormatVersion:, Resources:, …)"}
	}
	if err := checkShape(name, doc, 0); err != nil {
		return nil, err
	}
	return doc, nil
}

// secondDocument returns the line where a second, non-empty YAML document
// starts after the one dec has read, or 0.
func secondDocument(dec *yaml.Decoder) int {
	var second yaml.Node
	if err := dec.Decode(&second); err != nil {
		return 0 // io.EOF: one document; a syntax error is the first's to report
	}
	if len(second.Content) == 1 && second.Content[0].Tag == "!!null" && second.Content[0].Value == "" {
		return 0 // a trailing "---" with nothing after it
	}
	if second.Line > 0 {
		return second.Line
	}
	return 1
}

func checkJSON(name string, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var v any
	err := dec.Decode(&v)
	if err == nil {
		if _, err2 := dec.Token(); err2 != io.EOF {
			return &Error{File: name, Line: snapshot.LineAt(data, dec.InputOffset()), Msg: "invalid JSON: data after the template object"}
		}
		return nil
	}
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return &Error{File: name, Line: snapshot.LineAt(data, syn.Offset), Msg: "invalid JSON: " + syn.Error()}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &Error{File: name, Line: snapshot.LineAt(data, int64(len(data))), Msg: "invalid JSON: unexpected end of file"}
	}
	return &Error{File: name, Msg: "invalid JSON: " + err.Error()}
}

// checkShape bounds nesting and refuses duplicate keys, which YAML parsers
// resolve silently (the last one wins) and CloudFormation refuses.
// Aliases are not followed here; their expansion is bounded while resolving.
func checkShape(name string, n *yaml.Node, depth int) error {
	if depth > maxDepth {
		return &Error{File: name, Line: n.Line, Msg: fmt.Sprintf("nesting deeper than %d levels", maxDepth)}
	}
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]int, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode {
				return &Error{File: name, Line: k.Line, Msg: "mapping keys must be plain strings"}
			}
			if prev, dup := seen[k.Value]; dup {
				return &Error{File: name, Line: k.Line, Msg: fmt.Sprintf("duplicate key %q (first at line %d)", k.Value, prev)}
			}
			seen[k.Value] = k.Line
		}
	}
	for _, c := range n.Content {
		if err := checkShape(name, c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// param is a declared template parameter.
type param struct {
	name    string
	typ     string
	line    int
	value   *value // nil until first use
	allowed []string
	def     *yaml.Node
}

// resource is one entry of the Resources section.
type resource struct {
	id    string
	typ   string
	line  int
	props *yaml.Node // nil when the resource has no Properties
	cond  string
	// condLine is the line of the Condition attribute.
	condLine int
	node     *yaml.Node
	// name memoizes the physical name (or Ref value basis).
	name     *value
	nameBusy bool
}

// template is one template being resolved.
type template struct {
	file       string
	scope      string // SymbolScope
	accountID  string
	region     string
	partition  string
	urlSuffix  string
	stackName  *value
	params     map[string]*param
	given      map[string]string
	mappings   *yaml.Node
	conditions map[string]*yaml.Node
	condMemo   map[string]condValue
	condBusy   map[string]bool
	// fixed are Options.Conditions; condOf maps the token of an undecided
	// Fn::If's value to the conditions it hangs on.
	fixed     map[string]bool
	condOf    map[string][]string
	resources map[string]*resource
	order     []*resource
	// budget counts bytes of text visited or produced while resolving.
	budget   int
	unknowns map[string]snapshot.UnknownValue
	// addr is the logical ID being resolved, for the location of unknowns.
	addr string
	// nest counts conditions and names being resolved inside one another.
	nest     int
	warnings []snapshot.Warning
	// langExt: the template declares Transform: AWS::LanguageExtensions,
	// whose Fn::ForEach expandForEach expands.
	langExt bool
	// sam: the template declares Transform: AWS::Serverless-2016-10-31,
	// whose functions expandSAM expands.
	sam bool
	// samGlobals is the Globals.Function mapping of a SAM template.
	samGlobals *yaml.Node
	// macro names a Transform that generates resources at deploy time
	// (AWS::Serverless-2016-10-31 …); references to names the template does
	// not declare may be to those, so they become unknown, not errors.
	macro string
}

func newTemplate(file string, doc *yaml.Node, opts Options) (*template, error) {
	t := &template{
		file:       file,
		scope:      cmpOr(opts.SymbolScope, file),
		params:     map[string]*param{},
		given:      opts.Params,
		conditions: map[string]*yaml.Node{},
		condMemo:   map[string]condValue{},
		condBusy:   map[string]bool{},
		fixed:      opts.Conditions,
		condOf:     map[string][]string{},
		resources:  map[string]*resource{},
		unknowns:   map[string]snapshot.UnknownValue{},
	}
	declared, err := deployContext(t, doc)
	if err != nil {
		return nil, err
	}
	pick := func(pseudo, opt, def string) string {
		if v, ok := opts.Params[pseudo]; ok && v != "" {
			return v
		}
		if v := declared[pseudo]; v != "" {
			return v
		}
		if opt != "" {
			return opt
		}
		return def
	}
	t.accountID = pick("AWS::AccountId", opts.AccountID, "")
	if t.accountID == "" {
		t.accountID = ownAccount(doc)
	}
	if t.accountID == "" {
		// Nothing says where the stack is deployed: its account stays a
		// symbol, never an invented ID a fix could name.
		t.accountID = snapshot.Symbol(t.scope, "AWS", "AccountId")
	}
	t.region = pick("AWS::Region", opts.Region, DefaultRegion)
	t.partition = pick("AWS::Partition", opts.Partition, snapshot.PartitionOf(t.region))
	suffix := "amazonaws.com"
	if t.partition == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	t.urlSuffix = pick("AWS::URLSuffix", "", suffix)
	if sn := pick("AWS::StackName", opts.StackName, ""); sn != "" {
		t.stackName = str(sn, 0)
	}

	var resourcesNode, conditionsNode *yaml.Node
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "Parameters":
			if err := t.readParams(v); err != nil {
				return nil, err
			}
		case "Mappings":
			if v.Kind != yaml.MappingNode {
				return nil, t.errf(v.Line, "Mappings must be a mapping")
			}
			t.mappings = v
		case "Conditions":
			if v.Kind != yaml.MappingNode {
				return nil, t.errf(v.Line, "Conditions must be a mapping")
			}
			conditionsNode = v
		case "Resources":
			resourcesNode = v
		case "Transform":
			// Macros (AWS::Serverless, AWS::Include, account macros) add or
			// rewrite resources at deploy time, which a template alone does
			// not show; AWS::LanguageExtensions' functions are resolved here.
			for _, n := range nameList(v) {
				if n.Kind == yaml.ScalarNode && n.Value == "AWS::LanguageExtensions" {
					t.langExt = true
				}
				if n.Kind == yaml.ScalarNode && n.Value == samTransform {
					t.sam = true
				}
				if n.Kind == yaml.ScalarNode && n.Value != "AWS::LanguageExtensions" {
					t.unknownAt("resources generated or changed by Transform "+n.Value, n.Line, "")
					t.macro = n.Value
				}
			}
		}
	}
	if resourcesNode == nil {
		return nil, &Error{File: file, Msg: "template has no Resources section (CloudFormation requires one)"}
	}
	if resourcesNode.Kind != yaml.MappingNode {
		return nil, t.errf(resourcesNode.Line, "Resources must be a mapping of logical IDs to resources")
	}
	// Loops expand once parameters and mappings are read (a collection may
	// be a Ref to a CommaDelimitedList), before anything else is.
	if conditionsNode != nil {
		if err := t.expandForEach(conditionsNode, 0); err != nil {
			return nil, err
		}
		for j := 0; j+1 < len(conditionsNode.Content); j += 2 {
			t.conditions[conditionsNode.Content[j].Value] = conditionsNode.Content[j+1]
		}
	}
	if err := t.expandForEach(resourcesNode, 0); err != nil {
		return nil, err
	}
	if err := t.readResources(resourcesNode, true); err != nil {
		return nil, err
	}
	if t.sam {
		// The author's template is checked for cycles as written; the
		// references SAM adds (a bucket's notification to a function whose
		// role reads the bucket) are the transform's own.
		if err := t.expandSAM(resourcesNode, lookup(doc, "Globals")); err != nil {
			return nil, err
		}
		t.resources, t.order, t.warnings = map[string]*resource{}, nil, nil
		if err := t.readResources(resourcesNode, false); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// readResources reads the Resources mapping into t.resources and t.order
// and, when asked, refuses circular dependencies.
func (t *template) readResources(resourcesNode *yaml.Node, checkCycles bool) error {
	for i := 0; i+1 < len(resourcesNode.Content); i += 2 {
		k, v := resourcesNode.Content[i], resourcesNode.Content[i+1]
		if !logicalIDRe(k.Value) {
			return t.errf(k.Line, "logical ID %q must be alphanumeric (A-Za-z0-9)", k.Value)
		}
		v = deref(v)
		if v.Kind != yaml.MappingNode {
			return t.errf(v.Line, "resource %s must be a mapping with a Type", k.Value)
		}
		r := &resource{id: k.Value, line: k.Line, node: v}
		for j := 0; j+1 < len(v.Content); j += 2 {
			a, b := v.Content[j], deref(v.Content[j+1])
			switch a.Value {
			case "Type":
				if b.Kind != yaml.ScalarNode || b.Value == "" {
					return t.errf(b.Line, "resource %s: Type must be a string such as AWS::S3::Bucket", r.id)
				}
				r.typ = b.Value
				t.checkType(r, b.Line)
			case "Properties":
				if b.Kind != yaml.MappingNode {
					if b.Kind == yaml.ScalarNode && b.Tag == "!!null" {
						continue
					}
					return t.errf(b.Line, "resource %s: Properties must be a mapping", r.id)
				}
				r.props = b
			case "Condition":
				if b.Kind != yaml.ScalarNode {
					return t.errf(b.Line, "resource %s: Condition must be the name of a condition", r.id)
				}
				r.cond, r.condLine = b.Value, b.Line
			}
		}
		if r.typ == "" {
			return t.errf(r.line, "resource %s has no Type", r.id)
		}
		t.resources[r.id] = r
		t.order = append(t.order, r)
	}
	if len(t.order) == 0 {
		return t.errf(resourcesNode.Line, "Resources is empty (CloudFormation requires at least one resource)")
	}
	if checkCycles {
		return t.checkCycles()
	}
	return nil
}

// deployContext reads the optional Metadata.trailgate mapping, in which a
// template says where it is deployed (the account of a StackSet instance,
// the region of a per-region stack):
//
//	Metadata:
//	  trailgate:
//	    AccountId: "222222222222"
//	    Region: us-east-1
//	    Partition: aws          # optional, else the region's
//	    StackName: log-archive  # optional
//
// CloudFormation ignores Metadata it does not know. Explicit --param
// AWS::AccountId (etc.) still wins; Options.AccountID and Options.Region
// (--account, --region) are the defaults for templates that do not say.
func deployContext(t *template, doc *yaml.Node) (map[string]string, error) {
	md := lookup(lookup(doc, "Metadata"), "trailgate")
	if md == nil {
		return nil, nil
	}
	md = deref(md)
	if md.Kind != yaml.MappingNode {
		return nil, t.errf(md.Line, "Metadata.trailgate must be a mapping (AccountId, Region, Partition, StackName)")
	}
	out := map[string]string{}
	for i := 0; i+1 < len(md.Content); i += 2 {
		k, v := md.Content[i], deref(md.Content[i+1])
		pseudo := map[string]string{"AccountId": "AWS::AccountId", "Region": "AWS::Region",
			"Partition": "AWS::Partition", "StackName": "AWS::StackName"}[k.Value]
		if pseudo == "" {
			return nil, t.errf(k.Line, "Metadata.trailgate: unknown key %q (AccountId, Region, Partition, StackName)", k.Value)
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || strings.HasPrefix(v.Tag, "!") && !strings.HasPrefix(v.Tag, "!!") {
			return nil, t.errf(v.Line, "Metadata.trailgate.%s must be a literal string", k.Value)
		}
		switch {
		case k.Value == "AccountId" && !snapshot.IsAccountID(v.Value):
			return nil, t.errf(v.Line, "Metadata.trailgate.AccountId must be a 12-digit account ID, got %q", v.Value)
		case k.Value == "Region" && !snapshot.IsRegion(v.Value):
			return nil, t.errf(v.Line, "Metadata.trailgate.Region must be a region such as us-east-1, got %q", v.Value)
		}
		out[pseudo] = v.Value
	}
	return out, nil
}

func logicalIDRe(s string) bool {
	if s == "" || len(s) > 255 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// nameList returns the names of a key that takes one name or a list of
// them, as DependsOn and Transform do, each alias resolved.
func nameList(v *yaml.Node) []*yaml.Node {
	v = deref(v)
	if v.Kind != yaml.SequenceNode {
		return []*yaml.Node{v}
	}
	names := make([]*yaml.Node, len(v.Content))
	for i, n := range v.Content {
		names[i] = deref(n)
	}
	return names
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxDepth; i++ {
		n = n.Alias
	}
	return n
}

func (t *template) errf(line int, format string, args ...any) *Error {
	return &Error{File: t.file, Line: line, Msg: fmt.Sprintf(format, args...)}
}

func (t *template) readParams(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return t.errf(n.Line, "Parameters must be a mapping")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], deref(n.Content[i+1])
		if v.Kind != yaml.MappingNode {
			return t.errf(v.Line, "parameter %s must be a mapping with a Type", k.Value)
		}
		p := &param{name: k.Value, line: k.Line}
		for j := 0; j+1 < len(v.Content); j += 2 {
			a, b := v.Content[j], deref(v.Content[j+1])
			switch a.Value {
			case "Type":
				p.typ = b.Value
			case "Default":
				if b.Kind != yaml.ScalarNode && b.Kind != yaml.SequenceNode {
					return t.errf(b.Line, "parameter %s: Default must be a literal value", p.name)
				}
				// CloudFormation resolves intrinsic functions only in
				// resource properties, outputs, metadata and update
				// policies, never in a parameter's Default, and refuses the
				// template
				// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html).
				for _, e := range append([]*yaml.Node{b}, b.Content...) {
					if strings.HasPrefix(e.Tag, "!") && !strings.HasPrefix(e.Tag, "!!") {
						return t.errf(e.Line, "parameter %s: Default must be a literal value; CloudFormation does not resolve %s in a parameter's Default", p.name, e.Tag)
					}
				}
				p.def = b
			case "AllowedValues":
				if b.Kind != yaml.SequenceNode {
					return t.errf(b.Line, "parameter %s: AllowedValues must be a list", p.name)
				}
				for _, e := range b.Content {
					p.allowed = append(p.allowed, scalarText(deref(e)))
				}
			}
		}
		if p.typ == "" {
			return t.errf(p.line, "parameter %s has no Type", p.name)
		}
		t.params[p.name] = p
	}
	return nil
}

// unknown returns the token standing for a value the template cannot
// tell, and records it with the location it was met at.
func (t *template) unknown(reason string, line int) string {
	return t.unknownAt(reason, line, t.addr)
}

// unknownAt is unknown for a value that belongs to the resource addr (a
// generated name, an ID AWS assigns) wherever it is first referred to.
func (t *template) unknownAt(reason string, line int, addr string) string {
	tok := snapshot.Unknown(reason)
	if prev, ok := t.unknowns[tok]; !ok || (prev.Location != nil && line > 0 && line < prev.Location.Line) {
		t.unknowns[tok] = snapshot.UnknownValue{Token: tok, Reason: reason,
			Location: &snapshot.Location{File: t.file, Line: line, Address: addr}}
	}
	return tok
}

func (t *template) unknownList() []snapshot.UnknownValue {
	out := make([]snapshot.UnknownValue, 0, len(t.unknowns))
	for _, u := range t.unknowns {
		out = append(out, u)
	}
	slices.SortFunc(out, func(x, y snapshot.UnknownValue) int { return cmp.Compare(x.Token, y.Token) })
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
