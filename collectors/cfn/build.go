package cfn

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/gather"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// knownProperties are the properties of each modeled type in the
// CloudFormation resource reference; checkKnown uses them to catch near
// misses.
var knownProperties = map[string][]string{
	"AWS::S3::Bucket": {"AbacStatus", "AccelerateConfiguration", "AccessControl", "AnalyticsConfigurations",
		"BucketEncryption", "BucketName", "CorsConfiguration", "IntelligentTieringConfigurations",
		"InventoryConfigurations", "LifecycleConfiguration", "LoggingConfiguration", "MetadataConfiguration",
		"MetadataTableConfiguration", "MetricsConfigurations", "NotificationConfiguration",
		"ObjectLockConfiguration", "ObjectLockEnabled", "OwnershipControls", "PublicAccessBlockConfiguration",
		"ReplicationConfiguration", "Tags", "VersioningConfiguration", "WebsiteConfiguration"},
	"AWS::S3::BucketPolicy": {"Bucket", "PolicyDocument"},
	"AWS::KMS::Key": {"BypassPolicyLockoutSafetyCheck", "Description", "Enabled", "EnableKeyRotation",
		"KeyPolicy", "KeySpec", "KeyUsage", "MultiRegion", "Origin", "PendingWindowInDays",
		"RotationPeriodInDays", "Tags"},
	"AWS::KMS::Alias": {"AliasName", "TargetKeyId"},
	"AWS::SNS::Topic": {"ArchivePolicy", "ContentBasedDeduplication", "DataProtectionPolicy",
		"DeliveryStatusLogging", "DisplayName", "FifoThroughputScope", "FifoTopic", "KmsMasterKeyId",
		"SignatureVersion", "Subscription", "Tags", "TopicName", "TracingConfig"},
	"AWS::SNS::TopicPolicy": {"PolicyDocument", "Topics"},
	"AWS::SNS::Subscription": {"DeliveryPolicy", "Endpoint", "FilterPolicy", "FilterPolicyScope", "Protocol",
		"RawMessageDelivery", "RedrivePolicy", "Region", "ReplayPolicy", "SubscriptionRoleArn", "TopicArn"},
	"AWS::SQS::Queue": {"ContentBasedDeduplication", "DeduplicationScope", "DelaySeconds", "FifoQueue",
		"FifoThroughputLimit", "KmsDataKeyReusePeriodSeconds", "KmsMasterKeyId", "MaximumMessageSize",
		"MessageRetentionPeriod", "QueueName", "ReceiveMessageWaitTimeSeconds", "RedriveAllowPolicy",
		"RedrivePolicy", "SqsManagedSseEnabled", "Tags", "VisibilityTimeout"},
	"AWS::SQS::QueuePolicy": {"PolicyDocument", "Queues"},
	"AWS::IAM::Role": {"AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration",
		"Path", "PermissionsBoundary", "Policies", "RoleName", "Tags"},
	"AWS::IAM::Policy":        {"Groups", "PolicyDocument", "PolicyName", "Roles", "Users"},
	"AWS::IAM::ManagedPolicy": {"Description", "Groups", "ManagedPolicyName", "Path", "PolicyDocument", "Roles", "Users"},
	"AWS::CloudTrail::Trail": {"AdvancedEventSelectors", "AggregationConfigurations", "CloudWatchLogsLogGroupArn",
		"CloudWatchLogsRoleArn", "EnableLogFileValidation", "EventSelectors", "IncludeGlobalServiceEvents",
		"InsightSelectors", "IsLogging", "IsMultiRegionTrail", "IsOrganizationTrail", "KMSKeyId",
		"S3BucketName", "S3KeyPrefix", "SnsTopicName", "Tags", "TrailName"},
	"AWS::GuardDuty::Detector":              {"DataSources", "Enable", "Features", "FindingPublishingFrequency", "Tags"},
	"AWS::GuardDuty::PublishingDestination": {"DestinationProperties", "DestinationType", "DetectorId", "Tags"},
	"AWS::GuardDuty::Filter":                {"Action", "Description", "DetectorId", "FindingCriteria", "Name", "Rank", "Tags"},
	"AWS::Organizations::Policy":            {"Content", "Description", "Name", "Tags", "TargetIds", "Type"},
	"AWS::Lambda::EventSourceMapping": {"AmazonManagedKafkaEventSourceConfig", "BatchSize", "BisectBatchOnFunctionError",
		"DestinationConfig", "DocumentDBEventSourceConfig", "Enabled", "EventSourceArn", "FilterCriteria", "FunctionName",
		"FunctionResponseTypes", "KmsKeyArn", "LoggingConfig", "MaximumBatchingWindowInSeconds", "MaximumRecordAgeInSeconds",
		"MaximumRetryAttempts", "MetricsConfig", "ParallelizationFactor", "ProvisionedPollerConfig", "Queues",
		"ScalingConfig", "SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig", "SourceAccessConfigurations",
		"StartingPosition", "StartingPositionTimestamp", "Tags", "Topics", "TumblingWindowInSeconds"},
}

// account gathers one account's resources while the template is read,
// with the ones other resources find indexed (put).
type account struct {
	id string
	gather.Account
	buckets        map[string]*snapshot.Bucket                 // Buckets by name
	topics         map[string]*snapshot.Topic                  // Topics by ARN
	queues         map[string]*snapshot.Queue                  // Queues by URL
	roles          map[string]*snapshot.Role                   // Roles by name
	detectors      map[string]*snapshot.Detector               // Detectors by ID
	groups         map[string]*snapshot.LogGroup               // LogGroups by name
	users          map[string]*snapshot.User                   // Users by name
	redshiftGroups map[string]*snapshot.RedshiftParameterGroup // RedshiftParameterGroups by name
	// notModeled counts the resources of types no rule can judge yet.
	notModeled map[string]int
}

// put adds v under key to index and to list, the resources in the order
// read. When key is taken (by a partial resource, standing for one that
// was attached to before it was declared), v takes its place.
func put[T any](index map[string]*T, list *[]*T, key string, v *T) {
	if prev, ok := index[key]; ok {
		*prev = *v
		return
	}
	index[key] = v
	*list = append(*list, v)
}

// builder is the snapshot under construction.
type builder struct {
	t        *template
	accounts map[string]*account
	orgPols  []snapshot.OrgPolicy
	// aliases maps alias names (alias/x) declared in the template to the
	// key ID or ARN they target.
	aliases map[string]string
}

func (b *builder) account(id string) *account {
	if a, ok := b.accounts[id]; ok {
		return a
	}
	a := &account{id: id, buckets: map[string]*snapshot.Bucket{}, topics: map[string]*snapshot.Topic{},
		queues: map[string]*snapshot.Queue{}, roles: map[string]*snapshot.Role{},
		detectors: map[string]*snapshot.Detector{}, groups: map[string]*snapshot.LogGroup{},
		users: map[string]*snapshot.User{}, redshiftGroups: map[string]*snapshot.RedshiftParameterGroup{},
		notModeled: map[string]int{}}
	b.accounts[id] = a
	return a
}

// pass1 types are resources in their own right; pass 2 attaches policies,
// subscriptions, aliases and destinations to them (declared in the
// template or not).
var pass1 = map[string]bool{
	"AWS::S3::Bucket": true, "AWS::KMS::Key": true, "AWS::SNS::Topic": true, "AWS::SQS::Queue": true,
	"AWS::IAM::Role": true, "AWS::GuardDuty::Detector": true, "AWS::Organizations::Policy": true,
}

func (t *template) build() (*snapshot.Snapshot, error) {
	b := &builder{t: t, accounts: map[string]*account{}, aliases: map[string]string{}}
	home := b.account(t.accountID)
	type job struct {
		r *resource
		p props
	}
	var jobs [2][]job
	for _, r := range t.order {
		known, modeled := knownProperties[r.typ]
		if r.typ == "AWS::CloudFormation::Stack" {
			// A nested stack's template lives at its TemplateURL; its
			// resources are not in this file.
			t.unknownAt("resources of nested stack "+r.id, r.line, r.id)
		}
		if !modeled && t.macro != "" {
			// A macro may give these resources syntax of its own.
			continue
		}
		if r.cond != "" {
			c, err := t.condition(r.cond, r.condLine)
			if err != nil {
				return nil, err
			}
			if c.unknown == "" && !c.val {
				continue
			}
			if c.unknown != "" {
				// It may or may not be created: judge it as created (what
				// it would be) and say that its existence is unknown.
				t.unknownAt(fmt.Sprintf("whether %s is created: its condition %s is %s", r.id, r.cond, c.unknown), r.condLine, r.id)
			}
		}
		t.addr = r.id
		v := &value{kind: kindMap, line: r.line}
		if r.props != nil {
			// Every resource is resolved, modeled or not, so that an
			// unknown function or a reference to nothing is an error
			// wherever it is, as CloudFormation makes it.
			var err error
			if v, err = t.eval(r.props, 1, false); err != nil {
				return nil, err
			}
		}
		if !modeled {
			b.countNotModeled(r.typ)
			continue
		}
		p := props{t: t, r: r, v: v}
		if err := p.checkKnown(known); err != nil {
			return nil, err
		}
		i := 1
		if pass1[r.typ] {
			i = 0
		}
		jobs[i] = append(jobs[i], job{r, p})
	}
	for _, pass := range jobs {
		for _, j := range pass {
			t.addr = j.r.id
			if err := b.add(home, j.r, j.p); err != nil {
				return nil, err
			}
		}
	}
	t.addr = ""
	b.finishTrails()
	return b.snapshot(), nil
}

// buildFunc builds one resource of a modeled type into the snapshot: home
// is the stack's account, where a resource the stack creates lives.
type buildFunc func(b *builder, home *account, r *resource, p props) error

// attached is the buildFunc of a type that attaches to another resource
// (a policy, an alias, a subscription), found by the ARN or name it
// gives, whatever account that is in.
func attached(build func(b *builder, r *resource, p props) error) buildFunc {
	return func(b *builder, _ *account, r *resource, p props) error { return build(b, r, p) }
}

// builders build each modeled type.
var builders = map[string]buildFunc{
	"AWS::S3::Bucket":                       (*builder).bucket,
	"AWS::S3::BucketPolicy":                 attached((*builder).bucketPolicy),
	"AWS::KMS::Key":                         (*builder).key,
	"AWS::KMS::Alias":                       attached((*builder).alias),
	"AWS::SNS::Topic":                       (*builder).topic,
	"AWS::SNS::TopicPolicy":                 attached((*builder).topicPolicy),
	"AWS::SNS::Subscription":                attached((*builder).subscription),
	"AWS::SQS::Queue":                       (*builder).queue,
	"AWS::SQS::QueuePolicy":                 attached((*builder).queuePolicy),
	"AWS::IAM::Role":                        (*builder).role,
	"AWS::IAM::Policy":                      attached((*builder).iamPolicy),
	"AWS::IAM::ManagedPolicy":               (*builder).managedPolicy,
	"AWS::CloudTrail::Trail":                (*builder).trail,
	"AWS::GuardDuty::Detector":              (*builder).detector,
	"AWS::GuardDuty::PublishingDestination": attached((*builder).publishingDestination),
	"AWS::GuardDuty::Filter":                attached((*builder).filter),
	"AWS::Organizations::Policy":            attached((*builder).orgPolicy),
	"AWS::Lambda::EventSourceMapping":       (*builder).eventSourceMapping,
	// The other log sources (logsources.go, redshift.go).
	"AWS::EKS::Cluster":                    (*builder).eksCluster,
	"AWS::GuardDuty::Member":               attached((*builder).guardDutyMember),
	"AWS::GuardDuty::Master":               attached((*builder).guardDutyMaster),
	"AWS::Logs::LogGroup":                  (*builder).logGroup,
	"AWS::Logs::SubscriptionFilter":        attached((*builder).subscriptionFilter),
	"AWS::KinesisFirehose::DeliveryStream": (*builder).deliveryStream,
	"AWS::Events::Rule":                    (*builder).eventRule,
	"AWS::IAM::User":                       (*builder).user,
	"AWS::IAM::AccessKey":                  attached((*builder).accessKey),
	"AWS::IAM::InstanceProfile":            (*builder).instanceProfile,
	"AWS::IAM::RolePolicy":                 attached((*builder).entityPolicy),
	"AWS::IAM::UserPolicy":                 attached((*builder).entityPolicy),
	"AWS::SNS::TopicInlinePolicy":          attached((*builder).topicInlinePolicy),
	"AWS::SQS::QueueInlinePolicy":          attached((*builder).queueInlinePolicy),
	"AWS::Redshift::Cluster":               (*builder).redshiftCluster,
	"AWS::Redshift::ClusterParameterGroup": (*builder).redshiftParameterGroup,
}

// add builds r by its type's buildFunc; a modeled type without one only
// has its properties checked.
func (b *builder) add(home *account, r *resource, p props) error {
	if build := builders[r.typ]; build != nil {
		return build(b, home, r, p)
	}
	return nil
}

// eventSourceMapping records which function (and so which execution role)
// polls which queue or stream.
func (b *builder) eventSourceMapping(home *account, r *resource, p props) error {
	t := b.t
	fn, err := p.requiredStr("FunctionName")
	if err != nil {
		return err
	}
	src, err := p.str("EventSourceArn")
	if err != nil || src == "" {
		// Self-managed Kafka and the like have no EventSourceArn.
		return err
	}
	m := snapshot.EventSourceMapping{EventSourceARN: src, FunctionARN: fn, Location: p.loc(r.line)}
	if m.Enabled, err = p.boolean("Enabled", true); err != nil {
		return err
	}
	if !strings.HasPrefix(fn, "arn:") {
		// FunctionName takes a name, an ARN or a partial ARN
		// (ACCOUNT:function:NAME); a name is in the stack's account and region.
		name := fn
		if i := strings.LastIndex(fn, ":"); i >= 0 {
			name = fn[i+1:]
		}
		m.FunctionARN = t.arn("lambda", t.region, t.accountID, "function:"+name)
	}
	if m.RoleARN, err = t.functionRole(m.FunctionARN); err != nil {
		return err
	}
	home.EventSourceMappings = append(home.EventSourceMappings, &m)
	return nil
}

func (b *builder) name(r *resource) (string, error) {
	v, err := b.t.physicalName(r, r.line)
	if err != nil {
		return "", err
	}
	return v.s, nil
}

func (b *builder) bucket(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	bk := &snapshot.Bucket{Name: name, ARN: "arn:" + t.partition + ":s3:::" + name, Region: t.region, Location: p.loc(r.line)}
	// Judge the template's bucket as the live one will be: encrypted and
	// with ACLs disabled unless the template says otherwise.
	bk.Encryption = snapshot.DefaultBucketEncryption()
	if enc, ok, err := p.obj("BucketEncryption"); err != nil {
		return err
	} else if ok {
		rules, err := enc.list("ServerSideEncryptionConfiguration")
		if err != nil {
			return err
		}
		if len(rules) > 0 {
			rule, err := enc.item("ServerSideEncryptionConfiguration", 0, rules[0])
			if err != nil {
				return err
			}
			if bk.Encryption.BucketKeyEnabled, err = rule.boolean("BucketKeyEnabled", false); err != nil {
				return err
			}
			if def, ok, err := rule.obj("ServerSideEncryptionByDefault"); err != nil {
				return err
			} else if ok {
				rd := def.read()
				bk.Encryption.SSEAlgorithm = rd.str("SSEAlgorithm")
				bk.Encryption.KMSMasterKeyID = rd.str("KMSMasterKeyID")
				if rd.err != nil {
					return rd.err
				}
			}
		}
	}
	bk.ObjectOwnership = snapshot.DefaultObjectOwnership
	if oc, ok, err := p.obj("OwnershipControls"); err != nil {
		return err
	} else if ok {
		for rule, err := range oc.each("Rules") {
			if err != nil {
				return err
			}
			if bk.ObjectOwnership, err = rule.str("ObjectOwnership"); err != nil {
				return err
			}
		}
	}
	if nc, ok, err := p.obj("NotificationConfiguration"); err != nil {
		return err
	} else if ok {
		n := &snapshot.NotificationConfiguration{Location: p.loc(p.v.keyLine("NotificationConfiguration"))}
		for _, kind := range []struct {
			list, target string
			out          *[]snapshot.NotificationTarget
		}{
			{"TopicConfigurations", "Topic", &n.TopicConfigurations},
			{"QueueConfigurations", "Queue", &n.QueueConfigurations},
			{"LambdaConfigurations", "Function", &n.LambdaConfigurations},
		} {
			for c, err := range nc.each(kind.list) {
				if err != nil {
					return err
				}
				nt := snapshot.NotificationTarget{Location: p.loc(c.v.line)}
				if nt.ARN, err = c.str(kind.target); err != nil {
					return err
				}
				ev, err := c.str("Event")
				if err != nil {
					return err
				}
				nt.Events = []string{ev}
				if nt.FilterPrefix, nt.FilterSuffix, err = keyFilter(c); err != nil {
					return err
				}
				*kind.out = append(*kind.out, nt)
			}
		}
		if eb, ok, err := nc.obj("EventBridgeConfiguration"); err != nil {
			return err
		} else if ok {
			if n.EventBridgeEnabled, err = eb.boolean("EventBridgeEnabled", true); err != nil {
				return err
			}
		}
		bk.Notification = n
	}
	if lc, ok, err := p.obj("LifecycleConfiguration"); err != nil {
		return err
	} else if ok {
		for rule, err := range lc.each("Rules") {
			if err != nil {
				return err
			}
			rd := rule.read()
			lr := snapshot.LifecycleRule{ID: rd.str("Id"), Status: rd.str("Status"), Prefix: rd.str("Prefix"), ExpirationDays: rd.integer("ExpirationInDays", 0), Location: p.loc(rule.v.line)}
			if rd.err != nil {
				return rd.err
			}
			bk.Lifecycle = append(bk.Lifecycle, lr)
		}
	}
	if bk.ObjectLockEnabled, err = p.boolean("ObjectLockEnabled", false); err != nil {
		return err
	}
	if err := bucketPosture(bk, p); err != nil {
		return err
	}
	if prev, dup := home.buckets[name]; dup && !prev.Partial {
		return t.errf(r.line, "bucket %s is declared twice (also at line %d)", name, prev.Location.Line)
	}
	put(home.buckets, &home.Buckets, name, bk)
	return nil
}

// keyFilter reads Filter.S3Key.Rules (Name prefix|suffix, Value).
func keyFilter(c props) (prefix, suffix string, err error) {
	f, ok, err := c.obj("Filter")
	if err != nil || !ok {
		return "", "", err
	}
	k, ok, err := f.obj("S3Key")
	if err != nil || !ok {
		return "", "", err
	}
	for rule, err := range k.each("Rules") {
		if err != nil {
			return "", "", err
		}
		rd := rule.read()
		name := rd.str("Name")
		val := rd.str("Value")
		if rd.err != nil {
			return "", "", rd.err
		}
		switch strings.ToLower(name) {
		case "prefix":
			prefix = val
		case "suffix":
			suffix = val
		default:
			return "", "", c.fail(rule.v.line, "%s: filter rule name must be prefix or suffix, got %q", c.at("Filter"), name)
		}
	}
	return prefix, suffix, nil
}

// bucketFor returns the template's bucket of that name, or a partial bucket
// standing for one the template only attaches a policy to.
func (b *builder) bucketFor(name string, p props, line int) *snapshot.Bucket {
	a := b.accounts[b.t.accountID]
	if bk, ok := a.buckets[name]; ok {
		return bk
	}
	bk := &snapshot.Bucket{Name: name, ARN: "arn:" + b.t.partition + ":s3:::" + name,
		Region: b.t.unknown("region of bucket "+name+", which this template does not declare", line),
		// Declared elsewhere: what is known is what the template attaches.
		ObjectOwnership: "", Partial: true, Location: p.loc(line)}
	put(a.buckets, &a.Buckets, name, bk)
	return bk
}

func (b *builder) bucketPolicy(r *resource, p props) error {
	name, err := p.requiredStr("Bucket")
	if err != nil {
		return err
	}
	pol, err := p.requiredPolicy(r, "PolicyDocument")
	if err != nil {
		return err
	}
	bk := b.bucketFor(name, p, r.line)
	if bk.Policy != nil {
		return p.fail(r.line, "%s: bucket %s already has a bucket policy (line %d); a bucket has one", r.id, name, bk.Policy.Location.Line)
	}
	bk.Policy = pol
	return nil
}

// defaultKeyPolicy places snapshot.DefaultKeyPolicy, the policy KMS gives a
// key created without one, at the key's line.
func (b *builder) defaultKeyPolicy(line int, p props) *snapshot.Policy {
	return &snapshot.Policy{Document: snapshot.DefaultKeyPolicy(b.t.partition, b.t.accountID), Location: p.loc(line),
		StatementLocations: []snapshot.Location{*p.loc(line)}}
}

func (b *builder) key(home *account, r *resource, p props) error {
	t := b.t
	id := t.idToken(r, "key ID")
	k := &snapshot.Key{KeyID: id, ARN: t.arn("kms", t.region, t.accountID, "key/"+id), Region: t.region,
		KeyManager: snapshot.KeyManagerCustomer, KeyState: snapshot.KeyStateEnabled, Location: p.loc(r.line)}
	pol, err := p.policy("KeyPolicy")
	if err != nil {
		return err
	}
	if pol == nil {
		pol = b.defaultKeyPolicy(r.line, p)
	}
	k.Policy = pol
	enabled, err := p.boolean("Enabled", true)
	if err != nil {
		return err
	}
	if !enabled {
		k.KeyState = "Disabled"
	}
	home.Keys = append(home.Keys, k)
	return nil
}

func (b *builder) alias(r *resource, p props) error {
	name, err := b.name(r)
	if err != nil {
		return err
	}
	target, err := p.str("TargetKeyId")
	if err != nil {
		return err
	}
	if !strings.HasPrefix(name, "alias/") && !snapshot.IsUnknown(name) {
		return p.fail(p.v.keyLine("AliasName"), "%s: AliasName must begin with alias/, got %q", r.id, name)
	}
	b.aliases[name] = target
	if k := b.findKey(target); k != nil {
		k.Aliases = append(k.Aliases, name)
		return nil
	}
	// An alias for a key managed elsewhere, named by its ARN: a partial
	// key carrying the alias, for an overlay to add to the live key (rules
	// resolve alias/… references through it). Its state is not in the
	// template.
	if m := arnRe.FindStringSubmatch(target); m != nil && m[2] == "kms" && strings.HasPrefix(m[5], "key/") &&
		!snapshot.IsUnknown(target) && snapshot.IsAccountID(m[4]) {
		line := p.v.keyLine("TargetKeyId")
		k := &snapshot.Key{KeyID: strings.TrimPrefix(m[5], "key/"), ARN: target, Region: m[3], Aliases: []string{name},
			KeyState:   b.t.unknown("state of key "+target+", which this template does not declare", line),
			KeyManager: snapshot.KeyManagerCustomer, Partial: true, Location: p.loc(line)}
		acct := b.account(m[4])
		acct.Keys = append(acct.Keys, k)
	}
	return nil
}

// findKey finds a template key by key ID or key ARN.
func (b *builder) findKey(idOrARN string) *snapshot.Key {
	for _, a := range b.accounts {
		for _, k := range a.Keys {
			if k.KeyID == idOrARN || k.ARN == idOrARN {
				return k
			}
		}
	}
	return nil
}

func (b *builder) topic(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	tp := &snapshot.Topic{Name: name, ARN: t.arn("sns", t.region, t.accountID, name), Region: t.region, Location: p.loc(r.line)}
	rd := p.read()
	tp.KmsMasterKeyID = rd.str("KmsMasterKeyId")
	tp.FifoTopic = rd.boolean("FifoTopic", false)
	if rd.err != nil {
		return rd.err
	}
	for s, err := range p.each("Subscription") {
		if err != nil {
			return err
		}
		sub := snapshot.Subscription{Owner: t.accountID, Location: p.loc(s.v.line)}
		rd := s.read()
		sub.Protocol = rd.str("Protocol")
		sub.Endpoint = rd.str("Endpoint")
		if rd.err != nil {
			return rd.err
		}
		sub.PendingConfirmation = b.pending(sub.Protocol, sub.Endpoint)
		tp.Subscriptions = append(tp.Subscriptions, sub)
	}
	if prev, dup := home.topics[tp.ARN]; dup && !prev.Partial {
		return t.errf(r.line, "topic %s is declared twice", name)
	}
	put(home.topics, &home.Topics, tp.ARN, tp)
	return nil
}

var arnRe = regexp.MustCompile(`^arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)$`)

// topicFor returns the topic with that ARN, or a partial one.
func (b *builder) topicFor(arn string, p props, line int) *snapshot.Topic {
	for _, a := range b.accounts {
		if tp, ok := a.topics[arn]; ok {
			return tp
		}
	}
	acct, region, name := b.t.accountID, "", arn
	if m := arnRe.FindStringSubmatch(arn); m != nil && m[2] == "sns" && !snapshot.IsUnknown(m[3]) {
		region, name = m[3], m[5]
		if snapshot.IsAccountID(m[4]) {
			acct = m[4]
		}
	} else {
		region = b.t.unknown("region of topic "+arn, line)
	}
	tp := &snapshot.Topic{Name: name, ARN: arn, Region: region, Partial: true, Location: p.loc(line)}
	a := b.account(acct)
	put(a.topics, &a.Topics, arn, tp)
	return tp
}

// policyTargets reads an AWS::SNS::TopicPolicy or AWS::SQS::QueuePolicy:
// the topics or queues its key lists and the one policy it gives them all,
// both of which CloudFormation requires.
func (p props) policyTargets(r *resource, key string) ([]string, *snapshot.Policy, error) {
	targets, err := p.strList(key)
	if err != nil {
		return nil, nil, err
	}
	if len(targets) == 0 {
		return nil, nil, p.fail(r.line, "%s: %s is required", r.id, key)
	}
	pol, err := p.requiredPolicy(r, "PolicyDocument")
	if err != nil {
		return nil, nil, err
	}
	return targets, pol, nil
}

func (b *builder) topicPolicy(r *resource, p props) error {
	arns, pol, err := p.policyTargets(r, "Topics")
	if err != nil {
		return err
	}
	for _, arn := range arns {
		tp := b.topicFor(arn, p, r.line)
		// A later TopicPolicy replaces an earlier one: SNS keeps one
		// policy attribute per topic.
		tp.Policy = pol
	}
	return nil
}

// pending reports whether a subscription this stack creates waits for
// confirmation: an SQS subscription made by someone other than the queue's
// owner must be confirmed by the queue owner.
// https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html
func (b *builder) pending(protocol, endpoint string) bool {
	if protocol != "sqs" {
		return false
	}
	m := arnRe.FindStringSubmatch(endpoint)
	return m != nil && snapshot.IsAccountID(m[4]) && m[4] != b.t.accountID
}

func (b *builder) subscription(r *resource, p props) error {
	arn, err := p.str("TopicArn")
	if err != nil {
		return err
	}
	sub := snapshot.Subscription{Owner: b.t.accountID, Location: p.loc(r.line)}
	rd := p.read()
	sub.Protocol = rd.str("Protocol")
	sub.Endpoint = rd.str("Endpoint")
	if rd.err != nil {
		return rd.err
	}
	if arn == "" || sub.Protocol == "" {
		return p.fail(r.line, "%s: TopicArn and Protocol are required", r.id)
	}
	if sub.RawMessageDelivery, err = p.boolean("RawMessageDelivery", false); err != nil {
		return err
	}
	if sub.FilterPolicy, _, err = p.jsonish("FilterPolicy"); err != nil {
		return err
	}
	if sub.FilterPolicyScope, err = p.str("FilterPolicyScope"); err != nil {
		return err
	}
	if sub.FilterPolicy != nil && sub.FilterPolicyScope == "" {
		// SNS applies a filter policy to message attributes unless told
		// to look at the body.
		sub.FilterPolicyScope = "MessageAttributes"
	}
	sub.PendingConfirmation = b.pending(sub.Protocol, sub.Endpoint)
	tp := b.topicFor(arn, p, r.line)
	tp.Subscriptions = append(tp.Subscriptions, sub)
	return nil
}

func (b *builder) queue(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	q := &snapshot.Queue{Name: name, ARN: t.arn("sqs", t.region, t.accountID, name),
		URL: fmt.Sprintf("https://sqs.%s.%s/%s/%s", t.region, t.urlSuffix, t.accountID, name), Region: t.region, Location: p.loc(r.line)}
	rd := p.read()
	q.KmsMasterKeyID = rd.str("KmsMasterKeyId")
	q.SqsManagedSseEnabled = rd.boolean("SqsManagedSseEnabled", snapshot.DefaultSqsManagedSse(q.KmsMasterKeyID))
	q.FifoQueue = rd.boolean("FifoQueue", false)
	q.VisibilityTimeout = rd.integer("VisibilityTimeout", snapshot.DefaultVisibilityTimeout)
	q.MessageRetentionPeriod = rd.integer("MessageRetentionPeriod", snapshot.DefaultMessageRetentionPeriod)
	q.DelaySeconds = rd.integer("DelaySeconds", 0)
	q.MaximumMessageSize = rd.integer("MaximumMessageSize", 0)
	q.ReceiveWaitTimeSeconds = rd.integer("ReceiveMessageWaitTimeSeconds", 0)
	if rd.err != nil {
		return rd.err
	}
	raw, v, err := p.jsonish("RedrivePolicy")
	if err != nil {
		return err
	}
	if raw != nil {
		var rp struct {
			DeadLetterTargetARN string          `json:"deadLetterTargetArn"`
			MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
		}
		if err := json.Unmarshal(raw, &rp); err != nil {
			return p.fail(v.line, "%s.RedrivePolicy: %v", r.id, err)
		}
		n := strings.Trim(string(rp.MaxReceiveCount), `"`)
		q.RedrivePolicy = &snapshot.RedrivePolicy{DeadLetterTargetARN: rp.DeadLetterTargetARN}
		if q.RedrivePolicy.MaxReceiveCount, err = strconv.Atoi(n); err != nil {
			return p.fail(v.line, "%s.RedrivePolicy.maxReceiveCount must be an integer, got %s", r.id, n)
		}
	}
	if prev, dup := home.queues[q.URL]; dup && !prev.Partial {
		return t.errf(r.line, "queue %s is declared twice", name)
	}
	put(home.queues, &home.Queues, q.URL, q)
	return nil
}

// queueURLRe matches https://sqs.REGION.amazonaws.com/ACCOUNT/NAME and the
// legacy https://REGION.queue.amazonaws.com/ACCOUNT/NAME forms.
var queueURLRe = regexp.MustCompile(`^https://(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue|(queue))\.amazonaws\.com(?:\.cn)?/([0-9]{12})/([^/]+)$`)

func (b *builder) queueFor(url string, p props, line int) *snapshot.Queue {
	for _, a := range b.accounts {
		if q, ok := a.queues[url]; ok {
			return q
		}
	}
	t := b.t
	q := &snapshot.Queue{URL: url, Name: url, Partial: true, Location: p.loc(line)}
	acct := t.accountID
	if m := queueURLRe.FindStringSubmatch(url); m != nil {
		region := m[1] + m[2]
		if m[3] != "" {
			region = "us-east-1"
		}
		acct, q.Name, q.Region = m[4], m[5], region
		q.ARN = t.arn("sqs", region, acct, q.Name)
	} else {
		q.Region = t.unknown("region of queue "+url, line)
		q.ARN = t.unknown("ARN of queue "+url, line)
	}
	a := b.account(acct)
	put(a.queues, &a.Queues, url, q)
	return q
}

func (b *builder) queuePolicy(r *resource, p props) error {
	urls, pol, err := p.policyTargets(r, "Queues")
	if err != nil {
		return err
	}
	for _, u := range urls {
		b.queueFor(u, p, r.line).Policy = pol
	}
	return nil
}

func (b *builder) role(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	path := t.iamPath(r)
	role := &snapshot.Role{Name: name, Path: path, ARN: t.arn("iam", "", t.accountID, "role"+path+name), Location: p.loc(r.line)}
	if role.TrustPolicy, err = p.requiredPolicy(r, "AssumeRolePolicyDocument"); err != nil {
		return err
	}
	if role.InlinePolicies, err = inlinePolicies(p, r); err != nil {
		return err
	}
	// AWS managed policies stay ARNs: the analyzer knows their documents.
	rd := p.read()
	role.AttachedPolicyARNs = rd.strList("ManagedPolicyArns")
	role.PermissionsBoundaryARN = rd.str("PermissionsBoundary")
	if rd.err != nil {
		return rd.err
	}
	for tg, err := range p.each("Tags") {
		if err != nil {
			return err
		}
		rd := tg.read()
		k := rd.str("Key")
		v := rd.str("Value")
		if rd.err != nil {
			return rd.err
		}
		if role.Tags == nil {
			role.Tags = map[string]string{}
		}
		role.Tags[k] = v
	}
	if prev, dup := home.roles[name]; dup && !prev.Partial {
		return t.errf(r.line, "role %s is declared twice", name)
	}
	put(home.roles, &home.Roles, name, role)
	return nil
}

// roleFor returns the template's role of that name, or a partial one. IAM
// attaches policies to roles by name; a role the template does not declare
// is assumed to have the default path "/", since its ARN cannot otherwise
// be known.
func (b *builder) roleFor(name string, p props, line int) *snapshot.Role {
	a := b.accounts[b.t.accountID]
	if ro, ok := a.roles[name]; ok {
		return ro
	}
	ro := &snapshot.Role{Name: name, ARN: b.t.arn("iam", "", b.t.accountID, "role/"+name), Partial: true, Location: p.loc(line)}
	put(a.roles, &a.Roles, name, ro)
	return ro
}

func (b *builder) iamPolicy(r *resource, p props) error {
	name, pol, err := p.namedPolicy()
	if err != nil {
		return err
	}
	if name == "" || pol == nil {
		return p.fail(r.line, "%s: PolicyName and PolicyDocument are required", r.id)
	}
	roles, err := p.strList("Roles")
	if err != nil {
		return err
	}
	for _, rn := range roles {
		ro := b.roleFor(rn, p, r.line)
		ro.InlinePolicies = append(ro.InlinePolicies, snapshot.NamedPolicy{Name: name, Policy: *pol})
	}
	return b.attachUsers(p, r.line, &snapshot.NamedPolicy{Name: name, Policy: *pol}, "")
}

func (b *builder) managedPolicy(home *account, r *resource, p props) error {
	t := b.t
	arn, err := t.getAtt(r.id, "PolicyArn", r.line)
	if err != nil {
		return err
	}
	name, err := b.name(r)
	if err != nil {
		return err
	}
	pol, err := p.requiredPolicy(r, "PolicyDocument")
	if err != nil {
		return err
	}
	home.ManagedPolicies = append(home.ManagedPolicies, &snapshot.ManagedPolicy{ARN: arn.s, Name: name, Policy: *pol})
	roles, err := p.strList("Roles")
	if err != nil {
		return err
	}
	for _, rn := range roles {
		ro := b.roleFor(rn, p, r.line)
		ro.AttachedPolicyARNs = append(ro.AttachedPolicyARNs, arn.s)
	}
	return b.attachUsers(p, r.line, nil, arn.s)
}

func (b *builder) trail(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	tr := &snapshot.Trail{Name: name, ARN: t.arn("cloudtrail", t.region, t.accountID, "trail/"+name), HomeRegion: t.region, Location: p.loc(r.line)}
	if tr.S3BucketName, err = p.str("S3BucketName"); err != nil {
		return err
	}
	if tr.S3BucketName == "" {
		return p.fail(r.line, "%s: S3BucketName is required", r.id)
	}
	rd := p.read()
	tr.S3KeyPrefix = rd.str("S3KeyPrefix")
	topic := rd.str("SnsTopicName")
	tr.KmsKeyID = rd.str("KMSKeyId")
	// CreateTrail's defaults: single-region, global service events included.
	tr.IsMultiRegionTrail = rd.boolean("IsMultiRegionTrail", false)
	tr.IncludeGlobalServiceEvents = rd.boolean("IncludeGlobalServiceEvents", snapshot.DefaultIncludeGlobalServiceEvents)
	tr.IsOrganizationTrail = rd.boolean("IsOrganizationTrail", false)
	tr.LogFileValidationEnabled = rd.boolean("EnableLogFileValidation", false)
	tr.CloudWatchLogsLogGroupARN = rd.str("CloudWatchLogsLogGroupArn")
	tr.CloudWatchLogsRoleARN = rd.str("CloudWatchLogsRoleArn")
	if rd.err != nil {
		return rd.err
	}
	if topic != "" {
		tr.SnsTopicARN = t.topicARN(topic)
	}
	if p.v.get("IsLogging") == nil {
		return p.fail(r.line, "%s: IsLogging is required", r.id)
	}
	logging, err := p.boolean("IsLogging", false)
	if err != nil {
		return err
	}
	tr.Status = &snapshot.TrailStatus{IsLogging: logging}
	for s, err := range p.each("EventSelectors") {
		if err != nil {
			return err
		}
		es := snapshot.EventSelector{}
		if es.ReadWriteType, err = s.str("ReadWriteType"); err != nil {
			return err
		}
		if es.ReadWriteType == "" {
			es.ReadWriteType = "All"
		}
		rd := s.read()
		es.IncludeManagementEvents = rd.boolean("IncludeManagementEvents", true)
		es.ExcludeManagementEventSources = rd.strList("ExcludeManagementEventSources")
		if rd.err != nil {
			return rd.err
		}
		for d, err := range s.each("DataResources") {
			if err != nil {
				return err
			}
			rd := d.read()
			dr := snapshot.DataResource{Type: rd.str("Type"), Values: rd.strList("Values")}
			if rd.err != nil {
				return rd.err
			}
			es.DataResources = append(es.DataResources, dr)
		}
		tr.EventSelectors = append(tr.EventSelectors, es)
	}
	for s, err := range p.each("AdvancedEventSelectors") {
		if err != nil {
			return err
		}
		var as snapshot.AdvancedEventSelector
		if as.Name, err = s.str("Name"); err != nil {
			return err
		}
		for f, err := range s.each("FieldSelectors") {
			if err != nil {
				return err
			}
			var fs snapshot.FieldSelector
			for _, x := range []struct {
				key string
				out *[]string
			}{{"Equals", &fs.Equals}, {"NotEquals", &fs.NotEquals}, {"StartsWith", &fs.StartsWith},
				{"NotStartsWith", &fs.NotStartsWith}, {"EndsWith", &fs.EndsWith}, {"NotEndsWith", &fs.NotEndsWith}} {
				if *x.out, err = f.strList(x.key); err != nil {
					return err
				}
			}
			if fs.Field, err = f.str("Field"); err != nil {
				return err
			}
			as.FieldSelectors = append(as.FieldSelectors, fs)
		}
		tr.AdvancedEventSelectors = append(tr.AdvancedEventSelectors, as)
	}
	if len(tr.EventSelectors) == 0 && len(tr.AdvancedEventSelectors) == 0 {
		// A trail created without selectors logs all management events,
		// which GetEventSelectors reports as one basic selector.
		tr.EventSelectors = []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}
	}
	home.Trails = append(home.Trails, tr)
	return nil
}

// finishTrails turns each trail's KMSKeyId into the key ARN DescribeTrails
// reports: CloudTrail accepts a key ID, key ARN, alias name or alias ARN.
func (b *builder) finishTrails() {
	t := b.t
	for _, a := range b.accounts {
		for _, tr := range a.Trails {
			id := tr.KmsKeyID
			switch {
			case id == "" || strings.HasPrefix(id, "arn:"):
			case strings.HasPrefix(id, "alias/"):
				if target, ok := b.aliases[id]; ok {
					if k := b.findKey(target); k != nil {
						tr.KmsKeyID = k.ARN
						continue
					}
				}
				tr.KmsKeyID = t.arn("kms", t.region, t.accountID, id)
			default:
				tr.KmsKeyID = t.arn("kms", t.region, t.accountID, "key/"+id)
			}
		}
	}
}

func (b *builder) detector(home *account, r *resource, p props) error {
	t := b.t
	d := &snapshot.Detector{ID: t.idToken(r, "detector ID"), Region: t.region, Location: p.loc(r.line)}
	if p.v.get("Enable") == nil {
		return p.fail(r.line, "%s: Enable is required", r.id)
	}
	on, err := p.boolean("Enable", false)
	if err != nil {
		return err
	}
	d.Status = "DISABLED"
	if on {
		d.Status = "ENABLED"
	}
	if d.FindingPublishingFrequency, err = p.str("FindingPublishingFrequency"); err != nil {
		return err
	}
	if d.FindingPublishingFrequency == "" {
		// GuardDuty's default (CreateDetector).
		d.FindingPublishingFrequency = "SIX_HOURS"
	}
	if d.Features, err = detectorFeatures(p); err != nil {
		return err
	}
	put(home.detectors, &home.Detectors, d.ID, d)
	return nil
}

func (b *builder) detectorFor(id string, p props, line int) *snapshot.Detector {
	for _, a := range b.accounts {
		if d, ok := a.detectors[id]; ok {
			return d
		}
	}
	d := &snapshot.Detector{ID: id, Region: b.t.region, Partial: true, Location: p.loc(line)}
	a := b.accounts[b.t.accountID]
	put(a.detectors, &a.Detectors, id, d)
	return d
}

func (b *builder) publishingDestination(r *resource, p props) error {
	det, err := p.requiredStr("DetectorId")
	if err != nil {
		return err
	}
	pd := snapshot.PublishingDestination{Location: p.loc(r.line)}
	if pd.DestinationType, err = p.str("DestinationType"); err != nil {
		return err
	}
	dp, ok, err := p.obj("DestinationProperties")
	if err != nil {
		return err
	}
	if !ok {
		return p.fail(r.line, "%s: DestinationProperties is required", r.id)
	}
	rd := dp.read()
	pd.DestinationARN = rd.str("DestinationArn")
	pd.KmsKeyARN = rd.str("KmsKeyArn")
	if rd.err != nil {
		return rd.err
	}
	d := b.detectorFor(det, p, r.line)
	d.PublishingDestinations = append(d.PublishingDestinations, pd)
	return nil
}

func (b *builder) filter(r *resource, p props) error {
	action, err := p.str("Action")
	if err != nil {
		return err
	}
	// Only archiving filters suppress findings: archived findings are
	// never exported.
	if action != "ARCHIVE" {
		return nil
	}
	det, err := p.str("DetectorId")
	if err != nil {
		return err
	}
	name, err := b.name(r)
	if err != nil {
		return err
	}
	d := b.detectorFor(det, p, r.line)
	d.SuppressionRules = append(d.SuppressionRules, name)
	return nil
}

func (b *builder) orgPolicy(r *resource, p props) error {
	typ, err := p.str("Type")
	if err != nil {
		return err
	}
	if typ != snapshot.PolicyTypeSCP && typ != snapshot.PolicyTypeRCP {
		// Tag, backup and AI opt-out policies do not authorize anything.
		return nil
	}
	name, err := b.name(r)
	if err != nil {
		return err
	}
	pol, err := p.requiredPolicy(r, "Content")
	if err != nil {
		return err
	}
	op := snapshot.OrgPolicy{ID: b.t.idToken(r, "policy ID"), Name: name, Type: typ, Document: *pol}
	if op.Targets, err = p.strList("TargetIds"); err != nil {
		return err
	}
	b.orgPols = append(b.orgPols, op)
	return nil
}

// snapshot assembles the result in a deterministic order.
func (b *builder) snapshot() *snapshot.Snapshot {
	t := b.t
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceCloudFormation, Partition: t.partition}
	if len(b.orgPols) > 0 {
		// A template declares policies, not the organization: its ID, root
		// and management account are the live organization's.
		s.Organization = &snapshot.Organization{
			ID:                  t.unknown("organization ID", 0),
			ManagementAccountID: t.unknown("management account ID", 0),
			RootID:              t.unknown("organization root ID", 0),
			Policies:            b.orgPols,
		}
	}
	for _, id := range slices.Sorted(maps.Keys(b.accounts)) {
		a := b.accounts[id]
		acct := snapshot.Account{ID: id}
		if id == t.accountID {
			acct.Regions = []string{t.region}
		}
		a.Account.Fill(&acct)
		for _, typ := range slices.Sorted(maps.Keys(a.notModeled)) {
			s.NotModeled = append(s.NotModeled, snapshot.NotModeled{Type: typ, Count: a.notModeled[typ]})
		}
		s.Accounts = append(s.Accounts, acct)
	}
	s.Unknowns = t.unknownList()
	s.Sort()
	return s
}
