package terraform

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/trailgate/trailgate/collectors/gather"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// builder assembles one plan's snapshot.
type builder struct {
	file string
	opts Options
	ix   *index
	err  error

	accounts map[string]*account
	unknowns map[string]snapshot.UnknownValue

	// Model objects by the address that declared them and by the names
	// and ARNs attachments use to name them.
	buckets       map[string]*snapshot.Bucket // address, name
	keys          map[string]*snapshot.Key    // address, key ID, ARN
	topics        map[string]*snapshot.Topic  // address, ARN
	queues        map[string]*snapshot.Queue  // address, ARN, URL
	roles         map[string]*snapshot.Role   // address, name
	detectors     map[string]*snapshot.Detector
	orgPolicy     map[string]*snapshot.OrgPolicy // address, ID
	org           *snapshot.Organization
	orgPolicyList []*snapshot.OrgPolicy

	// explicit records which bucket settings a split resource declared,
	// so the creation defaults apply only to what nothing declares.
	explicit map[*snapshot.Bucket]map[string]bool

	// evalDepth bounds the nesting of .tf expression evaluation, and
	// exprMemo holds each evaluation once (expr.go).
	evalDepth int
	exprMemo  map[string]*memoEntry
}

// account collects the resources of one account before they are copied
// into the snapshot in a stable order.
type account struct {
	id      string
	regions map[string]bool
	gather.Account
}

func newBuilder(name string, p *tfjson.Plan, opts Options) *builder {
	return &builder{
		file: name, opts: opts, ix: newIndex(name, p),
		accounts: map[string]*account{}, unknowns: map[string]snapshot.UnknownValue{},
		buckets: map[string]*snapshot.Bucket{}, keys: map[string]*snapshot.Key{},
		topics: map[string]*snapshot.Topic{}, queues: map[string]*snapshot.Queue{},
		roles: map[string]*snapshot.Role{}, detectors: map[string]*snapshot.Detector{},
		orgPolicy: map[string]*snapshot.OrgPolicy{}, explicit: map[*snapshot.Bucket]map[string]bool{},
	}
}

// Resource types in the order they are built: resources first, then the
// resources that attach settings to them.
var buildOrder = []string{
	"aws_organizations_organization", "aws_organizations_organizational_unit",
	"aws_organizations_account", "aws_organizations_delegated_administrator",
	"aws_s3_bucket", "aws_kms_key", "aws_sns_topic", "aws_sqs_queue", "aws_iam_role",
	"aws_iam_policy", "aws_guardduty_detector", "aws_organizations_policy", "aws_cloudtrail",
	"aws_s3_bucket_policy", "aws_s3_bucket_ownership_controls",
	"aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_notification",
	"aws_s3_bucket_request_payment_configuration", "aws_s3_bucket_lifecycle_configuration",
	"aws_s3_bucket_acl", "aws_kms_key_policy", "aws_kms_alias", "aws_sns_topic_policy",
	"aws_sns_topic_subscription", "aws_sqs_queue_policy", "aws_iam_role_policy",
	"aws_iam_role_policy_attachment", "aws_guardduty_publishing_destination",
	"aws_organizations_policy_attachment", "aws_lambda_event_source_mapping",
}

func (b *builder) build() (*snapshot.Snapshot, error) {
	byType := map[string][]*instance{}
	for _, in := range b.ix.list {
		if in.mode == tfjson.ManagedResourceMode {
			byType[in.typ] = append(byType[in.typ], in)
		}
	}
	for _, typ := range buildOrder {
		for _, in := range byType[typ] {
			handlers[typ](b, in)
			if b.err != nil {
				return nil, b.err
			}
		}
	}
	b.creationDefaults()
	if b.org == nil {
		// An organization read by a data source is a fact about the
		// organization (trusted services, root) even with no policy planned.
		for _, d := range b.ix.list {
			if d.mode == tfjson.DataResourceMode && d.typ == "aws_organizations_organization" {
				if o := b.orgFromData(d); o != nil {
					b.org = o
					break
				}
			}
		}
	}
	if b.err != nil {
		return nil, b.err
	}
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceTerraform, Accounts: []snapshot.Account{}}
	// The snapshot's partition is the one all its regions belong to.
	parts := map[string]bool{}
	for _, a := range b.accounts {
		for r := range a.regions {
			if !snapshot.IsUnknown(r) {
				parts[b.partitionOf(r)] = true
			}
		}
	}
	if len(parts) == 0 {
		parts[b.partitionOf(b.opts.Region)] = true
	}
	if len(parts) == 1 && !parts["aws"] {
		for p := range parts {
			s.Partition = p
		}
	}
	if b.org != nil {
		b.org.Policies = gather.AppendValues(b.org.Policies, b.orgPolicyList)
		s.Organization = b.org
	}
	for _, a := range b.accounts {
		acc := snapshot.Account{ID: a.id}
		for r := range a.regions {
			acc.Regions = append(acc.Regions, r)
		}
		a.Account.Fill(&acc)
		s.Accounts = append(s.Accounts, acc)
	}
	b.countNotModeled(byType, s)
	s.Unknowns = b.usedUnknowns(s)
	s.Sort()
	if err := s.Validate(); err != nil {
		return nil, &Error{File: b.file, Msg: "plan yields an invalid snapshot: " + err.Error()}
	}
	return s, nil
}

func (b *builder) fail(in *instance, format string, args ...any) {
	if b.err == nil {
		b.err = &Error{File: b.file, Address: in.addr, Msg: fmt.Sprintf(format, args...)}
	}
}

// unknown returns the token for a value known only after apply.
func (b *builder) unknown(name string, in *instance) string {
	var loc *snapshot.Location
	if in != nil {
		loc = in.loc
	}
	return b.unknownNamed(name, loc)
}

func (b *builder) unknownNamed(name string, loc *snapshot.Location) string {
	reason := snapshot.ReasonAfterApply + name
	tok := snapshot.Unknown(reason)
	if _, ok := b.unknowns[tok]; !ok {
		u := snapshot.UnknownValue{Token: tok, Reason: reason}
		if loc != nil {
			l := *loc
			u.Location = &l
		}
		b.unknowns[tok] = u
	}
	return tok
}

// usedUnknowns lists the unknowns that appear in the snapshot; resolution
// may mint tokens for values it then found another way.
func (b *builder) usedUnknowns(s *snapshot.Snapshot) []snapshot.UnknownValue {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return nil
	}
	var tree any
	if err := json.Unmarshal(buf.Bytes(), &tree); err != nil {
		return nil
	}
	seen := map[string]bool{}
	for _, t := range snapshot.UnknownTokens(tree) {
		seen[t] = true
	}
	var out []snapshot.UnknownValue
	for tok, u := range b.unknowns {
		if seen[tok] {
			out = append(out, u)
		}
	}
	slices.SortFunc(out, func(x, y snapshot.UnknownValue) int { return cmp.Compare(x.Token, y.Token) })
	return out
}

func (b *builder) loc(in *instance) *snapshot.Location {
	l := *in.loc
	return &l
}

func (b *builder) account(id string) *account {
	if id == "" || snapshot.IsUnknown(id) {
		id = b.opts.AccountID
	}
	a := b.accounts[id]
	if a == nil {
		a = &account{id: id, regions: map[string]bool{}}
		b.accounts[id] = a
	}
	return a
}

// --- where a resource lives ---------------------------------------------

// providerConfig finds the provider configuration a resource uses.
func (b *builder) providerConfig(in *instance) *tfjson.ProviderConfig {
	if b.ix.config == nil || b.ix.config.ProviderConfigs == nil {
		return nil
	}
	pcs := b.ix.config.ProviderConfigs
	key := "aws"
	if in.cfg != nil && in.cfg.ProviderConfigKey != "" {
		key = in.cfg.ProviderConfigKey
	}
	if pc := pcs[key]; pc != nil {
		return pc
	}
	// Modules inheriting the default provider name it module:aws.
	if i := strings.LastIndexByte(key, ':'); i >= 0 {
		if pc := pcs[key[i+1:]]; pc != nil {
			return pc
		}
	}
	return nil
}

func (b *builder) providerKey(in *instance) string {
	if in.cfg != nil && in.cfg.ProviderConfigKey != "" {
		key := in.cfg.ProviderConfigKey
		if i := strings.LastIndexByte(key, ':'); i >= 0 {
			key = key[i+1:]
		}
		return key
	}
	return "aws"
}

// region is the region a resource is created in: its own region argument
// (AWS provider 6), else its provider's region, else an aws_region data
// source of the same provider, else the default.
func (b *builder) region(in *instance) string {
	if c := in.root.get("region"); !c.unknown() {
		if s := scalar(c.v); snapshot.IsRegion(s) {
			return s
		}
	}
	if pc := b.providerConfig(in); pc != nil {
		if e := pc.Expressions["region"]; e != nil && e.ExpressionData != nil {
			if s, ok := e.ConstantValue.(string); ok && snapshot.IsRegion(s) {
				return s
			}
			if ref, ok := singleTraversal(e); ok {
				if s := b.resolveIn("", "", ref, 1); snapshot.IsRegion(s) {
					return s
				}
			}
		}
	}
	for _, d := range b.dataSources("aws_region", in) {
		for _, k := range []string{"region", "name"} {
			if s := scalar(d.root.get(k).v); snapshot.IsRegion(s) {
				return s
			}
		}
	}
	return b.opts.Region
}

// arnAccountID is the account field of ARN s when it is an account ID
// (not empty, as in an S3 ARN, nor a token).
func arnAccountID(s string) (string, bool) {
	a, err := arn.Parse(s)
	if err != nil || !snapshot.IsAccountID(a.AccountID) {
		return "", false
	}
	return a.AccountID, true
}

// accountOf is the account that owns a resource: the one in its planned
// ARN, else the aws_caller_identity of its provider, else the default.
func (b *builder) accountOf(in *instance) string {
	if c := in.root.get("arn"); !c.unknown() {
		if id, ok := arnAccountID(scalar(c.v)); ok {
			return id
		}
	}
	for _, d := range b.dataSources("aws_caller_identity", in) {
		if s := scalar(d.root.get("account_id").v); snapshot.IsAccountID(s) {
			return s
		}
	}
	return b.opts.AccountID
}

// accountOfProvider is the account of in's provider as an
// aws_caller_identity data source reports it; "" when none does.
func (b *builder) accountOfProvider(in *instance) string {
	for _, d := range b.dataSources("aws_caller_identity", in) {
		if s := scalar(d.root.get("account_id").v); snapshot.IsAccountID(s) {
			return s
		}
	}
	return ""
}

// dataSources are the data sources of a type read with the same provider
// configuration as in.
func (b *builder) dataSources(typ string, in *instance) []*instance {
	key := b.providerKey(in)
	var out []*instance
	for _, d := range b.ix.list {
		if d.mode == tfjson.DataResourceMode && d.typ == typ && b.providerKey(d) == key {
			out = append(out, d)
		}
	}
	return out
}

// derived computes an attribute AWS assigns at creation from attributes
// the plan knows, exactly as AWS forms it.
// iamARN is the ARN of the IAM entity of kind (role, policy, user,
// instance-profile) named n, under the path v gives ("/" when it gives
// none or one known only after apply).
func (b *builder) iamARN(in *instance, v view, kind, n string) string {
	path := "/"
	if c := v.n.get("path"); !c.unknown() && scalar(c.v) != "" {
		path = scalar(c.v)
	}
	return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", b.partition(in), b.accountOf(in), kind, path, n)
}

func (b *builder) derived(in *instance, key string, depth int) (string, bool) {
	if depth > maxResolveDepth {
		// A derivation that leads back to itself is a bug, but one that
		// must end as an unknown value, never as a stack overflow (which
		// no recover() catches).
		return "", false
	}
	if s, ok := b.logSourceDerived(in, key, depth); ok {
		return s, true
	}
	v := b.top(in)
	known := func(s string) (string, bool) { return s, s != "" && !snapshot.IsUnknown(s) }
	name := func(k string) (string, bool) { return known(b.sDepth(v, k, depth+1)) }
	p := b.partition(in)
	switch in.typ {
	case "aws_s3_bucket":
		switch key {
		case "arn":
			// S3 bucket ARNs carry neither region nor account.
			if n, ok := name("bucket"); ok {
				return "arn:" + p + ":s3:::" + n, true
			}
		case "id", "bucket":
			if key == "id" {
				return name("bucket")
			}
		case "region", "bucket_region":
			return b.region(in), true
		}
	case "aws_sns_topic":
		if key == "arn" || key == "id" {
			if n, ok := name("name"); ok {
				return fmt.Sprintf("arn:%s:sns:%s:%s:%s", p, b.region(in), b.accountOf(in), n), true
			}
		}
	case "aws_sqs_queue":
		// Only the ARN and URL derive from the name: asking the name for
		// the name (unknown with name_prefix) would recurse without end.
		if key != "arn" && key != "id" && key != "url" {
			break
		}
		if n, ok := name("name"); ok {
			if key == "arn" {
				return fmt.Sprintf("arn:%s:sqs:%s:%s:%s", p, b.region(in), b.accountOf(in), n), true
			}
			return queueURL(p, b.region(in), b.accountOf(in), n), true
		}
	case "aws_iam_role", "aws_iam_policy":
		kind := strings.TrimPrefix(in.typ, "aws_iam_")
		switch key {
		case "arn":
			n, ok := name("name")
			if !ok {
				return "", false
			}
			return b.iamARN(in, v, kind, n), true
		case "id":
			if kind == "role" {
				return name("name")
			}
			return b.derived(in, "arn", depth)
		}
	case "aws_cloudtrail":
		switch key {
		case "arn":
			if n, ok := name("name"); ok {
				return fmt.Sprintf("arn:%s:cloudtrail:%s:%s:trail/%s", p, b.region(in), b.accountOf(in), n), true
			}
		case "home_region":
			return b.region(in), true
		}
	case "aws_kms_key":
		// A key's Terraform id is its key ID, so that a reference to
		// either names the same value, and unknown tokens stay joinable.
		switch key {
		case "id":
			return b.sDepth(v, "key_id", depth+1), true
		case "arn":
			if id, ok := name("key_id"); ok {
				return b.keyARN(in, id), true
			}
		}
	case "aws_kms_alias":
		switch key {
		case "arn":
			if n, ok := name("name"); ok {
				return fmt.Sprintf("arn:%s:kms:%s:%s:%s", p, b.region(in), b.accountOf(in), n), true
			}
		case "target_key_arn":
			if id, ok := name("target_key_id"); ok {
				return b.keyARN(in, id), true
			}
		}
	case "aws_lambda_function":
		return b.lambdaDerived(in, key, depth)
	case "aws_iam_policy_document":
		if key == "json" || key == "minified_json" {
			return b.policyDocumentJSON(in)
		}
	case "aws_caller_identity":
		// Read during apply (a module with depends_on defers its data
		// sources), the account the provider acts in is still the one
		// its resources are placed in: their ARNs and this value name
		// the same account, a symbol when nothing says which.
		if key == "account_id" || key == "id" {
			return b.accountOf(in), true
		}
	case "aws_organizations_organization":
		if key == "master_account_id" {
			// The account that creates an organization is its management
			// account.
			return b.accountOf(in), true
		}
	}
	return "", false
}

// partition is the partition of in's ARNs: the one set in Options, else
// the one its region belongs to.
func (b *builder) partition(in *instance) string {
	if b.opts.Partition != "" {
		return b.opts.Partition
	}
	return b.partitionOf(b.region(in))
}

// standInARN is the ARN of a stand-in: a resource the plan names (an
// attachment's role, a filter's log group) but does not describe. It is
// built from the name as AWS builds it; a name known only after apply is a
// symbol, and then so is the ARN: the name's own symbol stands for it.
func (b *builder) standInARN(in *instance, name, service, region, account, resource string) string {
	if snapshot.IsUnknown(name) {
		return name
	}
	return "arn:" + b.partition(in) + ":" + service + ":" + region + ":" + account + ":" + resource
}

func (b *builder) partitionOf(region string) string {
	if b.opts.Partition != "" {
		return b.opts.Partition
	}
	return snapshot.PartitionOf(region)
}

// queueURL is the URL SQS gives a queue (GetQueueUrl), per partition.
func queueURL(partition, region, account, name string) string {
	suffix := "amazonaws.com"
	if partition == "aws-cn" {
		suffix = "amazonaws.com.cn"
	}
	return fmt.Sprintf("https://sqs.%s.%s/%s/%s", region, suffix, account, name)
}

// keyARN turns a key ID (or ARN) into the key's ARN in in's region and
// account.
func (b *builder) keyARN(in *instance, id string) string {
	if strings.HasPrefix(id, "arn:") || snapshot.IsUnknown(id) {
		return id
	}
	return fmt.Sprintf("arn:%s:kms:%s:%s:key/%s", b.partition(in), b.region(in), b.accountOf(in), id)
}

// --- policies ------------------------------------------------------------

// policy reads a policy attribute given as a JSON string (jsonencode or
// aws_iam_policy_document output). Nil when unset; a document holding an
// unknown token when the policy is known only after apply.
func (b *builder) policy(v view, key string) *snapshot.Policy {
	s := b.jsonAttr(v, key)
	if s == "" {
		return nil
	}
	if snapshot.IsUnknown(s) && !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return b.unknownPolicy(v.in, s)
	}
	p, err := parsePolicy(s, b.loc(v.in))
	if err != nil {
		b.fail(v.in, "%s: %v", key, err)
		return nil
	}
	b.placeStatements(v, key, p)
	return p
}

// jsonAttr reads an attribute holding a JSON document. A reference that
// resolved to something other than a JSON object was a jsonencode() or
// template around the reference (the configuration keeps only the
// references), so the attribute is unknown, not the referenced value.
func (b *builder) jsonAttr(v view, key string) string {
	s := b.opt(v, key)
	if v.known(key) || s == "" || snapshot.IsUnknown(s) || strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	return b.unknown(v.path+"."+key, v.in)
}

// unknownPolicy stands for a document that is known only after apply: its
// Statement is the unknown token, so IsUnknown finds it in the document
// and no statement can be matched by accident.
func (b *builder) unknownPolicy(in *instance, tok string) *snapshot.Policy {
	doc, _ := marshal(map[string]any{"Version": "2012-10-17", "Statement": tok})
	return &snapshot.Policy{Document: doc, Location: b.loc(in)}
}

// parsePolicy checks that s is one JSON object and gives every statement
// the resource's location: a plan does not say where each statement is.
func parsePolicy(s string, loc *snapshot.Location) (*snapshot.Policy, error) {
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a JSON policy document: %v", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("not a JSON policy document: trailing data")
	}
	if doc == nil {
		return nil, fmt.Errorf("not a JSON policy document: null")
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(strings.TrimSpace(s))); err != nil {
		return nil, fmt.Errorf("not a JSON policy document: %v", err)
	}
	p := &snapshot.Policy{Document: json.RawMessage(buf.Bytes()), Location: loc}
	n := 0
	if st := bytes.TrimSpace(doc["Statement"]); len(st) > 0 {
		if st[0] == '[' {
			var l []json.RawMessage
			if json.Unmarshal(st, &l) == nil {
				n = len(l)
			}
		} else {
			n = 1
		}
	}
	for range n {
		p.StatementLocations = append(p.StatementLocations, *loc)
	}
	return p, nil
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

// --- targets of attachment resources -------------------------------------

// target finds the planned resource of type typ that key refers to, by
// reference when the configuration has one, and returns the resolved value
// too (a name, ARN, URL or ID).
func (b *builder) target(v view, key, typ string) (*instance, string) {
	val := b.s(v, key)
	if ref, ok := singleTraversal(v.cfg[key]); ok {
		steps := splitTraversal(ref)
		if len(steps) >= 2 && steps[0].name == typ {
			addr := joinModule(v.in.module, steps[0].name+"."+steps[1].name)
			if len(steps) > 2 && steps[2].index != "" {
				addr += steps[2].index
			}
			if t := b.ix.byAddr[addr]; t != nil {
				return t, val
			}
			if t := b.ix.byAddr[addr+v.in.index]; t != nil {
				return t, val
			}
		}
	}
	return nil, val
}
