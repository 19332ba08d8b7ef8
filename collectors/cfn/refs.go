package cfn

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// ref resolves Ref: a pseudo parameter, a template parameter, or a
// resource's documented Ref return value.
func (t *template) ref(name string, line int) (*value, error) {
	switch name {
	case "AWS::NoValue":
		return &value{kind: kindNoValue, line: line}, nil
	case "AWS::AccountId":
		return str(t.accountID, line), nil
	case "AWS::Region":
		return str(t.region, line), nil
	case "AWS::Partition":
		return str(t.partition, line), nil
	case "AWS::URLSuffix":
		return str(t.urlSuffix, line), nil
	case "AWS::StackName":
		return t.stack(line), nil
	case "AWS::StackId":
		return str(t.unknown("AWS::StackId", line), line), nil
	case "AWS::NotificationARNs":
		return str(t.unknown("AWS::NotificationARNs", line), line), nil
	}
	if p, ok := t.params[name]; ok {
		v, err := t.paramValue(p, line)
		if err != nil {
			return nil, err
		}
		// Reaching a parameter is free, but each reference is a copy in
		// what is built from it (a property, a policy document): charged
		// as such, a long Default referenced thousands of times cannot
		// make gigabytes.
		if err := t.spendAt(line, v.size()); err != nil {
			return nil, err
		}
		if !v.scalar() {
			return v, nil
		}
		// The value is the parameter's, the line the reference's: an error
		// about how the value is used belongs where it is used.
		return &value{kind: v.kind, s: v.s, line: line}, nil
	}
	if r, ok := t.resources[name]; ok {
		if err := t.enabled(r, line); err != nil {
			return nil, err
		}
		return t.refValue(r, line)
	}
	if strings.HasPrefix(name, "AWS::") {
		return nil, t.errf(line, "unknown pseudo parameter %s", name)
	}
	if t.macro != "" {
		return str(t.unknown(fmt.Sprintf("Ref of %s, which Transform %s may generate", name, t.macro), line), line), nil
	}
	return nil, t.errf(line, "unresolved reference %q: no parameter or resource of that name", name)
}

func (t *template) stack(line int) *value {
	if t.stackName != nil {
		return str(t.stackName.s, line)
	}
	return str(t.unknown("AWS::StackName", line), line)
}

// enabled refuses a reference to a resource whose Condition is false:
// CloudFormation does not create it, so nothing can refer to it.
func (t *template) enabled(r *resource, line int) error {
	if r.cond == "" {
		return nil
	}
	c, err := t.condition(r.cond, r.condLine)
	if err != nil {
		return err
	}
	if c.unknown == "" && !c.val {
		return t.errf(line, "reference to %s, which is not created (its condition %s is false)", r.id, r.cond)
	}
	return nil
}

// paramValue is the value given with --param, else the Default, else an
// unknown. List types become lists; SSM-backed types are read from
// Parameter Store at deploy time and stay unknown.
func (t *template) paramValue(p *param, line int) (*value, error) {
	if p.value != nil {
		return p.value, nil
	}
	var raw string
	have := false
	if v, ok := t.given[p.name]; ok {
		raw, have = v, true
		if len(p.allowed) > 0 && !slices.Contains(p.allowed, v) {
			return nil, t.errf(p.line, "parameter %s: value %q is not one of AllowedValues %v", p.name, v, p.allowed)
		}
	} else if p.def != nil {
		have = true
		if p.def.Kind == yaml.SequenceNode {
			parts := make([]string, 0, len(p.def.Content))
			for _, e := range p.def.Content {
				parts = append(parts, scalarText(deref(e)))
			}
			raw = strings.Join(parts, ",")
		} else {
			raw = scalarText(p.def)
		}
	}
	isList := strings.HasPrefix(p.typ, "List<") || p.typ == "CommaDelimitedList"
	var v *value
	switch {
	case strings.HasPrefix(p.typ, "AWS::SSM::Parameter::Value<"):
		key := raw
		if !have {
			key = p.name
		}
		v = str(t.unknown("SSM parameter "+key, p.line), p.line)
	case !have:
		v = str(t.unknown("parameter "+p.name+" has no value", p.line), p.line)
	case isList:
		if err := t.spendList(p.line, strings.Count(raw, ",")+1, len(raw)); err != nil {
			return nil, err
		}
		v = &value{kind: kindList, line: p.line}
		for _, s := range strings.Split(raw, ",") {
			v.list = append(v.list, str(strings.TrimSpace(s), p.line))
		}
	case p.typ == "Number":
		v = &value{kind: kindNumber, s: raw, line: p.line}
	default:
		v = str(raw, p.line)
	}
	p.value = v
	return v, nil
}

// nameProperty is the property holding each type's physical name.
var nameProperty = map[string]string{
	"AWS::S3::Bucket":                      "BucketName",
	"AWS::SNS::Topic":                      "TopicName",
	"AWS::SQS::Queue":                      "QueueName",
	"AWS::IAM::Role":                       "RoleName",
	"AWS::IAM::ManagedPolicy":              "ManagedPolicyName",
	"AWS::IAM::Policy":                     "PolicyName",
	"AWS::CloudTrail::Trail":               "TrailName",
	"AWS::KMS::Alias":                      "AliasName",
	"AWS::Lambda::Function":                "FunctionName",
	"AWS::GuardDuty::Filter":               "Name",
	"AWS::Organizations::Policy":           "Name",
	"AWS::Logs::LogGroup":                  "LogGroupName",
	"AWS::Events::Rule":                    "Name",
	"AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
}

// physicalName is the resource's name: the name property when the template
// sets it, otherwise the name CloudFormation generates.
//
// A generated name is "<stack>-<LogicalID>-<random suffix>"; the suffix is
// random, so no real value can be written here. It becomes a symbol
// (snapshot.Symbol) rather than a made-up name: the same string wherever
// the template refers to the resource (Ref, GetAtt, Sub), so paths inside
// the template connect and are judged exactly (a bucket policy's Resource
// built from !Sub "${LogBucket.Arn}/*" matches objects of that bucket),
// while a literal written elsewhere never equals it and a wildcard
// ("arn:aws:s3:::prod-logs-*") matches it only where it matches every name
// AWS could generate.
func (t *template) physicalName(r *resource, line int) (*value, error) {
	if r.name != nil {
		return r.name, nil
	}
	if r.nameBusy {
		return nil, t.errf(r.line, "circular dependency: the name of %s refers to itself", r.id)
	}
	if err := t.enter(r.line); err != nil {
		return nil, err
	}
	r.nameBusy = true
	defer func() { r.nameBusy = false; t.nest-- }()
	if prop, ok := nameProperty[r.typ]; ok && r.props != nil {
		if n := lookup(r.props, prop); n != nil {
			saved := t.addr
			t.addr = r.id
			v, err := t.eval(n, 1, false)
			t.addr = saved
			if err != nil {
				return nil, err
			}
			// An empty name is no name: CloudFormation generates one.
			if v.kind != kindNoValue && !(v.kind == kindString && v.s == "") {
				if !v.scalar() {
					return nil, t.errf(v.line, "%s.%s must be a string, got %s", r.id, prop, v.kind)
				}
				r.name = str(v.s, v.line)
				return r.name, nil
			}
		}
	}
	s := t.symbol(r, "Name")
	if r.typ == "AWS::SQS::Queue" || r.typ == "AWS::SNS::Topic" {
		// A generated FIFO queue or topic name ends in .fifo, as the
		// service requires.
		if fifo := t.propBool(r, fifoProperty(r.typ)); fifo {
			s += ".fifo"
		}
	}
	r.name = str(s, r.line)
	return r.name, nil
}

func fifoProperty(typ string) string {
	if typ == "AWS::SQS::Queue" {
		return "FifoQueue"
	}
	return "FifoTopic"
}

// propBool reads a boolean property for naming purposes; errors surface
// later when the resource itself is built.
func (t *template) propBool(r *resource, prop string) bool {
	if r.props == nil {
		return false
	}
	n := lookup(r.props, prop)
	if n == nil {
		return false
	}
	v, err := t.eval(n, 1, false)
	return err == nil && v.scalar() && strings.EqualFold(v.s, "true")
}

// idToken is an identifier AWS assigns at creation (a KMS key ID, a
// GuardDuty detector ID, a role ID): always unknown from a template, and
// the same token everywhere the template refers to it.
func (t *template) idToken(r *resource, what string) string {
	if attr, ok := symbolAttr[what]; ok {
		return t.symbol(r, attr)
	}
	return t.unknownAt(what+" of "+r.id, r.line, r.id)
}

// symbolAttr names, as the attribute CloudFormation returns, each ID AWS
// assigns that is a plain name (no colon, no slash) and so is written as a
// snapshot.Symbol. A subscription ARN or a bucket policy's Ref stays
// unknown: nothing judges them, and an ARN is no plain name.
var symbolAttr = map[string]string{
	"key ID":      "KeyId",
	"detector ID": "DetectorId",
	"policy ID":   "PolicyId",
	"role ID":     "RoleId",
}

// symbol is the snapshot.Symbol of r's attribute attr: a value AWS assigns
// when the stack is created, the same wherever the template refers to it.
func (t *template) symbol(r *resource, attr string) string {
	return snapshot.Symbol(t.scope, r.id, attr)
}

func (t *template) arn(service, region, account, resource string) string {
	return fmt.Sprintf("arn:%s:%s:%s:%s:%s", t.partition, service, region, account, resource)
}

// refValue is what Ref returns for each resource type, as the "Return
// values" section of the CloudFormation resource reference documents it.
// Types trailgate does not model resolve to an unknown, never to an error:
// a template may refer to anything.
func (t *template) refValue(r *resource, line int) (*value, error) {
	if v, ok, err := t.logSourceRef(r, line); ok {
		return v, err
	}
	switch r.typ {
	case "AWS::S3::Bucket", "AWS::IAM::Role", "AWS::CloudTrail::Trail", "AWS::KMS::Alias",
		"AWS::Lambda::Function", "AWS::Logs::LogGroup",
		"AWS::KinesisFirehose::DeliveryStream":
		n, err := t.physicalName(r, line)
		if err != nil {
			return nil, err
		}
		return str(n.s, line), nil
	case "AWS::S3::BucketPolicy":
		// Ref of a bucket policy is an ID CloudFormation assigns.
		return str(t.idToken(r, "Ref"), line), nil
	case "AWS::SNS::Topic", "AWS::IAM::ManagedPolicy", "AWS::SQS::Queue":
		return t.getAtt(r.id, map[string]string{
			"AWS::SNS::Topic":         "TopicArn",
			"AWS::IAM::ManagedPolicy": "PolicyArn",
			"AWS::SQS::Queue":         "QueueUrl",
		}[r.typ], line)
	case "AWS::KMS::Key":
		return str(t.idToken(r, "key ID"), line), nil
	case "AWS::GuardDuty::Detector":
		return str(t.idToken(r, "detector ID"), line), nil
	case "AWS::Organizations::Policy":
		return str(t.idToken(r, "policy ID"), line), nil
	case "AWS::SNS::Subscription":
		return str(t.idToken(r, "subscription ARN"), line), nil
	}
	return str(t.unknown(fmt.Sprintf("Ref of %s (%s)", r.id, r.typ), line), line), nil
}

// attributes lists the GetAtt attributes of each modeled type (CloudFormation
// resource reference, "Return values"); asking a modeled type for any other
// attribute is an error CloudFormation would raise too.
var attributes = map[string][]string{
	"AWS::S3::Bucket":                       {"Arn", "DomainName", "DualStackDomainName", "RegionalDomainName", "WebsiteURL", "MetadataTableConfiguration.S3TablesDestination.TableNamespace", "MetadataTableConfiguration.S3TablesDestination.TableArn", "MetadataConfiguration.Destination.TableBucketArn", "MetadataConfiguration.Destination.TableNamespace"},
	"AWS::KMS::Key":                         {"Arn", "KeyId"},
	"AWS::KMS::Alias":                       {},
	"AWS::SNS::Topic":                       {"TopicArn", "TopicName"},
	"AWS::SNS::TopicPolicy":                 {"Id"},
	"AWS::SNS::Subscription":                {"Arn"},
	"AWS::SQS::Queue":                       {"Arn", "QueueName", "QueueUrl"},
	"AWS::SQS::QueuePolicy":                 {"Id"},
	"AWS::IAM::Role":                        {"Arn", "RoleId"},
	"AWS::IAM::Policy":                      {"Id"},
	"AWS::IAM::ManagedPolicy":               {"PolicyArn", "PolicyId", "AttachmentCount", "CreateDate", "DefaultVersionId", "IsAttachable", "PermissionsBoundaryUsageCount", "UpdateDate"},
	"AWS::CloudTrail::Trail":                {"Arn", "SnsTopicArn"},
	"AWS::GuardDuty::Detector":              {"Id"},
	"AWS::GuardDuty::PublishingDestination": {"Id", "PublishingFailureStartTimestamp", "Status"},
	"AWS::Organizations::Policy":            {"Id", "Arn", "AwsManaged"},
}

// getAtt resolves Fn::GetAtt.
func (t *template) getAtt(id, attr string, line int) (*value, error) {
	r, ok := t.resources[id]
	if !ok {
		if t.macro != "" {
			return str(t.unknown(fmt.Sprintf("%s.%s, which Transform %s may generate", id, attr, t.macro), line), line), nil
		}
		return nil, t.errf(line, "Fn::GetAtt: no resource %q", id)
	}
	if err := t.enabled(r, line); err != nil {
		return nil, err
	}
	known, modeled := attributes[r.typ]
	if r.typ == "AWS::Lambda::Function" && attr == "Arn" {
		// S3 notifications name functions by ARN.
		n, err := t.physicalName(r, line)
		if err != nil {
			return nil, err
		}
		return str(t.arn("lambda", t.region, t.accountID, "function:"+n.s), line), nil
	}
	if !modeled {
		return str(t.unknown(fmt.Sprintf("%s.%s (%s)", id, attr, r.typ), line), line), nil
	}
	if !slices.Contains(known, attr) && strings.Contains(attr, ".") {
		// Nested attributes (S3 metadata table destinations …) are added
		// to the reference often; an unlisted one is not a typo to refuse.
		return str(t.unknown(fmt.Sprintf("%s.%s (%s)", id, attr, r.typ), line), line), nil
	}
	if !slices.Contains(known, attr) {
		return nil, t.errf(line, "Fn::GetAtt: %s (%s) has no attribute %q (it has %s)", id, r.typ, attr, strings.Join(known, ", "))
	}
	name := func() (string, error) {
		n, err := t.physicalName(r, line)
		if err != nil {
			return "", err
		}
		return n.s, nil
	}
	s, err := t.attr(r, attr, line, name)
	if err != nil {
		return nil, err
	}
	return str(s, line), nil
}

func (t *template) attr(r *resource, attr string, line int, name func() (string, error)) (string, error) {
	if s, ok, err := t.logSourceAttr(r, attr, name); ok {
		return s, err
	}
	switch r.typ + "." + attr {
	case "AWS::S3::Bucket.Arn":
		n, err := name()
		return "arn:" + t.partition + ":s3:::" + n, err
	case "AWS::S3::Bucket.DomainName":
		n, err := name()
		return n + ".s3." + t.urlSuffix, err
	case "AWS::S3::Bucket.RegionalDomainName":
		n, err := name()
		return n + ".s3." + t.region + "." + t.urlSuffix, err
	case "AWS::S3::Bucket.DualStackDomainName":
		n, err := name()
		return n + ".s3.dualstack." + t.region + "." + t.urlSuffix, err
	case "AWS::KMS::Key.Arn":
		return t.arn("kms", t.region, t.accountID, "key/"+t.idToken(r, "key ID")), nil
	case "AWS::KMS::Key.KeyId":
		return t.idToken(r, "key ID"), nil
	case "AWS::SNS::Topic.TopicArn":
		n, err := name()
		return t.arn("sns", t.region, t.accountID, n), err
	case "AWS::SNS::Topic.TopicName", "AWS::SQS::Queue.QueueName":
		return name()
	case "AWS::SQS::Queue.Arn":
		n, err := name()
		return t.arn("sqs", t.region, t.accountID, n), err
	case "AWS::SQS::Queue.QueueUrl":
		n, err := name()
		return fmt.Sprintf("https://sqs.%s.%s/%s/%s", t.region, t.urlSuffix, t.accountID, n), err
	case "AWS::IAM::Role.Arn":
		n, err := name()
		return t.arn("iam", "", t.accountID, "role"+t.iamPath(r)+n), err
	case "AWS::IAM::Role.RoleId":
		return t.idToken(r, "role ID"), nil
	case "AWS::IAM::ManagedPolicy.PolicyArn":
		n, err := name()
		return t.arn("iam", "", t.accountID, "policy"+t.iamPath(r)+n), err
	case "AWS::CloudTrail::Trail.Arn":
		n, err := name()
		return t.arn("cloudtrail", t.region, t.accountID, "trail/"+n), err
	case "AWS::CloudTrail::Trail.SnsTopicArn":
		if r.props != nil {
			if n := lookup(r.props, "SnsTopicName"); n != nil {
				v, err := t.eval(n, 1, false)
				if err != nil {
					return "", err
				}
				if v.scalar() {
					return t.topicARN(v.s), nil
				}
			}
		}
		return "", t.errf(line, "Fn::GetAtt %s.SnsTopicArn: the trail has no SnsTopicName", r.id)
	case "AWS::GuardDuty::Detector.Id":
		return t.idToken(r, "detector ID"), nil
	case "AWS::Organizations::Policy.Id":
		return t.idToken(r, "policy ID"), nil
	case "AWS::Organizations::Policy.AwsManaged":
		return "false", nil
	}
	return t.unknown(fmt.Sprintf("%s.%s", r.id, attr), line), nil
}

// iamPath is the role or policy path ("/" unless Path says otherwise).
func (t *template) iamPath(r *resource) string {
	if r.props != nil {
		if n := lookup(r.props, "Path"); n != nil {
			if v, err := t.eval(n, 1, false); err == nil && v.scalar() && v.s != "" {
				return v.s
			}
		}
	}
	return "/"
}

// topicARN turns a trail's SnsTopicName (a name or an ARN; CloudTrail
// accepts both) into the ARN DescribeTrails reports.
func (t *template) topicARN(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s
	}
	return t.arn("sns", t.region, t.accountID, s)
}

// checkCycles refuses circular dependencies between resources (through
// Ref, Fn::GetAtt, Fn::Sub and DependsOn), as CloudFormation does before
// creating anything ("Circular dependency between resources"). Checking
// them up front also guarantees that lazy resolution terminates.
func (t *template) checkCycles() error {
	deps := map[string][]string{}
	budget := 0
	for _, r := range t.order {
		set := map[string]bool{}
		var walk func(n *yaml.Node, depth int) error
		walk = func(n *yaml.Node, depth int) error {
			if depth > maxDepth {
				return t.errf(n.Line, "nesting deeper than %d levels while resolving (YAML aliases?)", maxDepth)
			}
			budget += 16 + len(n.Value)
			if budget > maxBytes {
				return t.errf(n.Line, "template expands to more than %d MiB while resolving (YAML alias bomb?)", maxBytes>>20)
			}
			if n.Kind == yaml.AliasNode && n.Alias != nil {
				return walk(n.Alias, depth+1)
			}
			fn, arg := "", (*yaml.Node)(nil)
			if f, ok := shortTags[n.Tag]; ok {
				fn, arg = f, n
			} else if n.Kind == yaml.MappingNode && len(n.Content) == 2 {
				fn, arg = n.Content[0].Value, n.Content[1]
			}
			switch fn {
			case "Ref":
				if a := deref(arg); a.Kind == yaml.ScalarNode {
					set[a.Value] = true
				}
			case "Fn::GetAtt":
				a := deref(arg)
				if a.Kind == yaml.ScalarNode {
					id, _, _ := strings.Cut(a.Value, ".")
					set[id] = true
				} else if a.Kind == yaml.SequenceNode && len(a.Content) > 0 {
					set[deref(a.Content[0]).Value] = true
				}
			case "Fn::Sub":
				a := deref(arg)
				var s string
				local := map[string]bool{}
				if a.Kind == yaml.ScalarNode {
					s = a.Value
				} else if a.Kind == yaml.SequenceNode && len(a.Content) == 2 {
					s = deref(a.Content[0]).Value
					if m := deref(a.Content[1]); m.Kind == yaml.MappingNode {
						for i := 0; i < len(m.Content); i += 2 {
							local[m.Content[i].Value] = true
						}
					}
				}
				for _, v := range subVars(s) {
					id, _, _ := strings.Cut(v, ".")
					if !local[v] {
						set[id] = true
					}
				}
			}
			for _, c := range n.Content {
				if err := walk(c, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		for i := 0; i+1 < len(r.node.Content); i += 2 {
			k, v := r.node.Content[i].Value, r.node.Content[i+1]
			switch k {
			case "Properties":
				if err := walk(v, 0); err != nil {
					return err
				}
			case "DependsOn":
				for _, d := range nameList(v) {
					if _, ok := t.resources[d.Value]; !ok {
						return t.errf(d.Line, "%s DependsOn %q, which is not a resource of this template", r.id, d.Value)
					}
					set[d.Value] = true
				}
			}
		}
		for id := range set {
			if _, ok := t.resources[id]; ok {
				deps[r.id] = append(deps[r.id], id)
			}
		}
		slices.Sort(deps[r.id])
	}
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var stack []string
	var visit func(id string) []string
	visit = func(id string) []string {
		color[id] = grey
		stack = append(stack, id)
		for _, d := range deps[id] {
			switch color[d] {
			case grey:
				i := slices.Index(stack, d)
				return slices.Clone(stack[i:])
			case white:
				if c := visit(d); c != nil {
					return c
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[id] = black
		return nil
	}
	for _, r := range t.order {
		if color[r.id] == white {
			if cycle := visit(r.id); cycle != nil {
				first := t.resources[cycle[0]]
				for _, id := range cycle {
					if t.resources[id].line < first.line {
						first = t.resources[id]
					}
				}
				return t.errf(first.line, "circular dependency between resources: %s", strings.Join(append(cycle, cycle[0]), " -> "))
			}
		}
	}
	return nil
}

// subVars lists the ${…} variables of a Fn::Sub string (not ${!…} literals).
func subVars(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		if strings.HasPrefix(s, "!") {
			continue
		}
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return out
		}
		out = append(out, strings.TrimSpace(s[:j]))
		s = s[j+1:]
	}
}

// functionRole is the execution role (Role) of the template's Lambda
// function with that ARN, or "" when the template does not declare it.
func (t *template) functionRole(arn string) (string, error) {
	for _, r := range t.order {
		if r.typ != "AWS::Lambda::Function" {
			continue
		}
		v, err := t.getAtt(r.id, "Arn", r.line)
		if err != nil {
			return "", err
		}
		if v.s != arn || r.props == nil {
			continue
		}
		n := lookup(r.props, "Role")
		if n == nil {
			return "", nil
		}
		rv, err := t.eval(n, 1, false)
		if err != nil {
			return "", err
		}
		if !rv.scalar() {
			return "", t.errf(rv.line, "%s.Role must be a role ARN, got %s", r.id, rv.kind)
		}
		return rv.s, nil
	}
	return "", nil
}
