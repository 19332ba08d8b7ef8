package terraform

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

var handlers = map[string]func(*builder, *instance){
	"aws_organizations_organization":                     (*builder).organization,
	"aws_organizations_organizational_unit":              (*builder).organizationalUnit,
	"aws_organizations_account":                          (*builder).orgAccount,
	"aws_organizations_delegated_administrator":          (*builder).delegatedAdministrator,
	"aws_s3_bucket":                                      (*builder).bucket,
	"aws_kms_key":                                        (*builder).key,
	"aws_sns_topic":                                      (*builder).topic,
	"aws_sqs_queue":                                      (*builder).queue,
	"aws_iam_role":                                       (*builder).role,
	"aws_iam_policy":                                     (*builder).managedPolicy,
	"aws_guardduty_detector":                             (*builder).detector,
	"aws_organizations_policy":                           (*builder).orgPolicyResource,
	"aws_cloudtrail":                                     (*builder).trail,
	"aws_s3_bucket_policy":                               (*builder).bucketPolicy,
	"aws_s3_bucket_ownership_controls":                   (*builder).bucketOwnership,
	"aws_s3_bucket_server_side_encryption_configuration": (*builder).bucketEncryption,
	"aws_s3_bucket_notification":                         (*builder).bucketNotification,
	"aws_s3_bucket_request_payment_configuration":        (*builder).bucketRequestPayment,
	"aws_s3_bucket_lifecycle_configuration":              (*builder).bucketLifecycle,
	"aws_s3_bucket_acl":                                  (*builder).bucketACL,
	"aws_kms_key_policy":                                 (*builder).keyPolicy,
	"aws_kms_alias":                                      (*builder).keyAlias,
	"aws_sns_topic_policy":                               (*builder).topicPolicy,
	"aws_sns_topic_subscription":                         (*builder).subscription,
	"aws_sqs_queue_policy":                               (*builder).queuePolicy,
	"aws_iam_role_policy":                                (*builder).rolePolicy,
	"aws_iam_role_policy_attachment":                     (*builder).rolePolicyAttachment,
	"aws_guardduty_publishing_destination":               (*builder).publishingDestination,
	"aws_organizations_policy_attachment":                (*builder).orgPolicyAttachment,
	"aws_lambda_event_source_mapping":                    (*builder).eventSourceMapping,
}

// notInPlan stands for a property of a resource an attachment names but the
// plan does not declare (it lives in another state or was made by hand).
func (b *builder) notInPlan(what string, in *instance) string {
	return b.notInPlanAt(what, b.loc(in))
}

// notInPlanAt is notInPlan with the location to report given.
func (b *builder) notInPlanAt(what string, loc *snapshot.Location) string {
	reason := snapshot.ReasonNotInPlan + what
	tok := snapshot.Unknown(reason)
	if _, ok := b.unknowns[tok]; !ok {
		b.unknowns[tok] = snapshot.UnknownValue{Token: tok, Reason: reason, Location: loc}
	}
	return tok
}

func (b *builder) mark(x *snapshot.Bucket, setting string) {
	if b.explicit[x] == nil {
		b.explicit[x] = map[string]bool{}
	}
	b.explicit[x][setting] = true
}

// --- S3 ------------------------------------------------------------------

func (b *builder) bucket(in *instance) {
	v := b.top(in)
	x := &snapshot.Bucket{Name: b.s(v, "bucket"), ARN: b.s(v, "arn"), Region: b.region(in), Location: b.loc(in)}
	if x.Name == "" {
		x.Name = b.unknown(in.addr+".bucket", in)
	}
	if x.ARN == "" {
		x.ARN = b.unknown(in.addr+".arn", in)
	}
	// Arguments of AWS provider 3 (computed, read back from S3, in 4 and
	// later): used when the plan knows them; the split resources win.
	if v.known("policy") || v.set("policy") {
		if p := b.policy(v, "policy"); p != nil {
			x.Policy = p
			b.mark(x, "policy")
		}
	}
	if sse, ok := v.block("server_side_encryption_configuration"); ok {
		if enc := b.encryptionRule(sse); enc != nil {
			x.Encryption = enc
			b.mark(x, "encryption")
		}
	}
	for _, r := range v.blocks("lifecycle_rule") {
		rule := snapshot.LifecycleRule{ID: b.s(r, "id"), Status: "Disabled", Prefix: b.s(r, "prefix"), Location: b.blockLoc(in, r)}
		if r.boolean("enabled", false) {
			rule.Status = "Enabled"
		}
		if e, ok := r.block("expiration"); ok {
			rule.ExpirationDays = e.number("days", 0)
		}
		x.Lifecycle = append(x.Lifecycle, rule)
		b.mark(x, "lifecycle")
	}
	if p := v.n.get("request_payer"); !p.unknown() && scalar(p.v) != "" {
		x.RequestPayer = scalar(p.v)
		b.mark(x, "request_payer")
	}
	x.ObjectLockEnabled = v.boolean("object_lock_enabled", false)
	if ol, ok := v.block("object_lock_configuration"); ok && b.s(ol, "object_lock_enabled") == "Enabled" {
		x.ObjectLockEnabled = true
	}
	if acl := v.n.get("acl"); !acl.unknown() && scalar(acl.v) != "" {
		x.ACL = cannedACL(scalar(acl.v))
		b.mark(x, "acl")
	}
	b.addBucket(in, x)
}

func (b *builder) addBucket(in *instance, x *snapshot.Bucket) {
	a := b.account(b.accountOf(in))
	a.Buckets = append(a.Buckets, x)
	a.regions[x.Region] = true
	b.buckets[in.addr] = x
	b.buckets[x.Name] = x
	if in.created {
		b.mark(x, "created")
	}
}

// bucketFor finds the bucket an S3 sub-resource configures, or a stand-in
// whose undeclared properties are unknown when the bucket is not planned.
func (b *builder) bucketFor(v view) *snapshot.Bucket {
	t, name := b.target(v, "bucket", "aws_s3_bucket")
	if t != nil && b.buckets[t.addr] != nil {
		return b.buckets[t.addr]
	}
	if x := b.buckets[name]; x != nil {
		return x
	}
	in := v.in
	x := &snapshot.Bucket{Name: name, ARN: b.standInARN(in, name, "s3", "", "", name),
		Region:          b.notInPlan("region of bucket "+name, in),
		ObjectOwnership: b.notInPlan("object ownership of bucket "+name, in),
		Partial:         true, Location: b.loc(in)}
	a := b.account(b.accountOf(in))
	a.Buckets = append(a.Buckets, x)
	b.buckets[name] = x
	b.mark(x, "stub")
	return x
}

func (b *builder) bucketPolicy(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	x.Policy = b.policy(v, "policy")
	b.mark(x, "policy")
}

func (b *builder) bucketOwnership(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	if r, ok := v.block("rule"); ok {
		x.ObjectOwnership = b.s(r, "object_ownership")
	}
	b.mark(x, "ownership")
}

func (b *builder) encryptionRule(v view) *snapshot.BucketEncryption {
	r, ok := v.block("rule")
	if !ok {
		return nil
	}
	d, ok := r.block("apply_server_side_encryption_by_default")
	if !ok {
		return nil
	}
	return &snapshot.BucketEncryption{SSEAlgorithm: b.s(d, "sse_algorithm"),
		KMSMasterKeyID: b.s(d, "kms_master_key_id"), BucketKeyEnabled: r.boolean("bucket_key_enabled", false)}
}

func (b *builder) bucketEncryption(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	x.Encryption = b.encryptionRule(v)
	b.mark(x, "encryption")
}

// bucketNotification replaces the bucket's whole notification
// configuration, as PutBucketNotificationConfiguration does.
func (b *builder) bucketNotification(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	n := &snapshot.NotificationConfiguration{EventBridgeEnabled: v.boolean("eventbridge", false), Location: b.loc(in)}
	targets := func(block, arnKey string) []snapshot.NotificationTarget {
		var out []snapshot.NotificationTarget
		for _, t := range v.blocks(block) {
			loc := b.blockLoc(in, t)
			out = append(out, snapshot.NotificationTarget{ID: b.s(t, "id"), ARN: b.s(t, arnKey), Events: b.strs(t, "events"),
				FilterPrefix: b.s(t, "filter_prefix"), FilterSuffix: b.s(t, "filter_suffix"), Location: loc})
		}
		return out
	}
	n.TopicConfigurations = targets("topic", "topic_arn")
	n.QueueConfigurations = targets("queue", "queue_arn")
	n.LambdaConfigurations = targets("lambda_function", "lambda_function_arn")
	x.Notification = n
	b.mark(x, "notification")
}

func (b *builder) bucketRequestPayment(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	x.RequestPayer = b.s(v, "payer")
	b.mark(x, "request_payer")
}

func (b *builder) bucketLifecycle(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	x.Lifecycle = nil
	for _, r := range v.blocks("rule") {
		rule := snapshot.LifecycleRule{ID: b.s(r, "id"), Status: b.s(r, "status"), Prefix: b.s(r, "prefix"), Location: b.blockLoc(in, r)}
		if f, ok := r.block("filter"); ok {
			if p := b.s(f, "prefix"); p != "" {
				rule.Prefix = p
			}
			if and, ok := f.block("and"); ok {
				if p := b.s(and, "prefix"); p != "" {
					rule.Prefix = p
				}
			}
		}
		if e, ok := r.block("expiration"); ok {
			rule.ExpirationDays = e.number("days", 0)
		}
		x.Lifecycle = append(x.Lifecycle, rule)
	}
	b.mark(x, "lifecycle")
}

// blockLoc is where a nested block of a resource is written: with the .tf
// text at hand, its own block (topic { … }, rule { … }), the one a fix
// edits and a review comments on, where a resource has several; else the
// resource's.
func (b *builder) blockLoc(in *instance, v view) *snapshot.Location {
	loc := b.loc(in)
	if v.body != nil {
		loc.Line = v.body.SrcRange.Start.Line
	}
	return loc
}

func (b *builder) bucketACL(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	if acl := b.s(v, "acl"); acl != "" {
		x.ACL = cannedACL(acl)
	}
	if p, ok := v.block("access_control_policy"); ok {
		acl := &snapshot.ACL{}
		if o, ok := p.block("owner"); ok {
			acl.OwnerID = b.s(o, "id")
		}
		for _, g := range p.blocks("grant") {
			gr := snapshot.Grant{Permission: b.s(g, "permission")}
			if e, ok := g.block("grantee"); ok {
				gr.GranteeType, gr.GranteeID, gr.GranteeURI = b.s(e, "type"), b.s(e, "id"), b.s(e, "uri")
				if gr.GranteeID == "" {
					gr.GranteeID = b.s(e, "email_address")
				}
			}
			acl.Grants = append(acl.Grants, gr)
		}
		x.ACL = acl
	}
	b.mark(x, "acl")
}

// cannedACL expands a canned ACL into the grants S3 stores for it
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl).
// The owner's canonical user ID is not in a plan and stays empty.
func cannedACL(name string) *snapshot.ACL {
	const (
		allUsers    = "http://acs.amazonaws.com/groups/global/AllUsers"
		authUsers   = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
		logDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery"
	)
	acl := &snapshot.ACL{Grants: []snapshot.Grant{{GranteeType: "CanonicalUser", Permission: "FULL_CONTROL"}}}
	group := func(uri string, perms ...string) {
		for _, p := range perms {
			acl.Grants = append(acl.Grants, snapshot.Grant{GranteeType: "Group", GranteeURI: uri, Permission: p})
		}
	}
	switch name {
	case "public-read":
		group(allUsers, "READ")
	case "public-read-write":
		group(allUsers, "READ", "WRITE")
	case "authenticated-read":
		group(authUsers, "READ")
	case "log-delivery-write":
		group(logDelivery, "WRITE", "READ_ACP")
	}
	return acl
}

// creationDefaults fills in what S3 gives a new bucket when nothing in the
// plan declares it (snapshot.DefaultBucketEncryption, DefaultObjectOwnership,
// DefaultRequestPayer). For a bucket the plan does not create, an
// undeclared ownership setting is unknown, not assumed.
func (b *builder) creationDefaults() {
	for _, x := range b.buckets {
		ex := b.explicit[x]
		if ex["stub"] || ex["defaults"] {
			continue
		}
		b.mark(x, "defaults")
		if ex["created"] {
			if !ex["encryption"] && x.Encryption == nil {
				x.Encryption = snapshot.DefaultBucketEncryption()
			}
			if !ex["ownership"] {
				x.ObjectOwnership = snapshot.DefaultObjectOwnership
			}
			if !ex["request_payer"] {
				x.RequestPayer = snapshot.DefaultRequestPayer
			}
			continue
		}
		if !ex["ownership"] && x.ObjectOwnership == "" {
			x.ObjectOwnership = b.notInPlanAt("object ownership of bucket "+x.Name, x.Location)
		}
	}
}

// --- KMS -----------------------------------------------------------------

func (b *builder) key(in *instance) {
	v := b.top(in)
	acct := b.accountOf(in)
	k := &snapshot.Key{KeyID: b.s(v, "key_id"), ARN: b.s(v, "arn"), Region: b.region(in),
		KeyState: snapshot.KeyStateEnabled, KeyManager: snapshot.KeyManagerCustomer, Location: b.loc(in)}
	if !v.boolean("is_enabled", true) {
		k.KeyState = "Disabled"
	}
	if in.loc.Change == snapshot.ChangeDelete {
		k.KeyState = "PendingDeletion" // see survivesDelete
	}
	if !v.known("policy") && !v.set("policy") && in.created {
		k.Policy, _ = parsePolicy(string(snapshot.DefaultKeyPolicy(b.partition(in), acct)), b.loc(in))
	} else {
		k.Policy = b.policy(v, "policy")
	}
	a := b.account(acct)
	a.Keys = append(a.Keys, k)
	a.regions[k.Region] = true
	b.keys[in.addr], b.keys[k.KeyID], b.keys[k.ARN] = k, k, k
}

func (b *builder) keyFor(v view, key string) *snapshot.Key {
	t, id := b.target(v, key, "aws_kms_key")
	if t != nil && b.keys[t.addr] != nil {
		return b.keys[t.addr]
	}
	if k := b.keys[id]; k != nil {
		return k
	}
	arn := b.keyARN(v.in, id)
	if k := b.keys[arn]; k != nil {
		return k
	}
	region := b.region(v.in)
	if a, err := awsarn.Parse(arn); err == nil && snapshot.IsRegion(a.Region) {
		region = a.Region
	}
	k := &snapshot.Key{KeyID: strings.TrimPrefix(arn[strings.LastIndexByte(arn, ':')+1:], "key/"), ARN: arn, Region: region,
		KeyState: b.notInPlan("state of key "+id, v.in), KeyManager: snapshot.KeyManagerCustomer, Partial: true, Location: b.loc(v.in)}
	a := b.account(b.accountOf(v.in))
	a.Keys = append(a.Keys, k)
	b.keys[id], b.keys[arn] = k, k
	return k
}

func (b *builder) keyPolicy(in *instance) {
	v := b.top(in)
	k := b.keyFor(v, "key_id")
	k.Policy = b.policy(v, "policy")
}

func (b *builder) keyAlias(in *instance) {
	v := b.top(in)
	k := b.keyFor(v, "target_key_id")
	if name := b.s(v, "name"); name != "" {
		k.Aliases = append(k.Aliases, name)
	}
}

// --- SNS -----------------------------------------------------------------

// defaultTopicPolicy is the access policy SNS gives a topic created without
// one: the owner account may manage and publish
// (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
func defaultTopicPolicy(topicARN, account string) string {
	return fmt.Sprintf(`{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":%q,"Condition":{"StringEquals":{"AWS:SourceOwner":%q}}}]}`, topicARN, account)
}

func (b *builder) topic(in *instance) {
	v := b.top(in)
	acct := b.accountOf(in)
	t := &snapshot.Topic{Name: b.s(v, "name"), ARN: b.s(v, "arn"), Region: b.region(in),
		KmsMasterKeyID: b.opt(v, "kms_master_key_id"), FifoTopic: v.boolean("fifo_topic", false), Location: b.loc(in)}
	if !v.known("policy") && !v.set("policy") && in.created {
		t.Policy, _ = parsePolicy(defaultTopicPolicy(t.ARN, acct), b.loc(in))
	} else {
		t.Policy = b.policy(v, "policy")
	}
	a := b.account(acct)
	a.Topics = append(a.Topics, t)
	a.regions[t.Region] = true
	b.topics[in.addr], b.topics[t.ARN] = t, t
}

func (b *builder) topicFor(v view, key string) *snapshot.Topic {
	tgt, arn := b.target(v, key, "aws_sns_topic")
	if tgt != nil && b.topics[tgt.addr] != nil {
		return b.topics[tgt.addr]
	}
	if t := b.topics[arn]; t != nil {
		return t
	}
	t := &snapshot.Topic{ARN: arn, Region: b.notInPlan("region of topic "+arn, v.in), Partial: true, Location: b.loc(v.in)}
	acct := b.accountOf(v.in)
	if a, err := awsarn.Parse(arn); err == nil {
		t.Name, t.Region, acct = a.Resource, a.Region, a.AccountID
	}
	a := b.account(acct)
	a.Topics = append(a.Topics, t)
	b.topics[arn] = t
	return t
}

func (b *builder) topicPolicy(in *instance) {
	v := b.top(in)
	t := b.topicFor(v, "arn")
	t.Policy = b.policy(v, "policy")
}

// subscription adds a subscription to its topic. Whether SNS holds it
// pending confirmation follows
// https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html:
// a queue owner's own subscription is confirmed at once; a subscription
// made by another account (the topic owner) waits for the queue owner.
func (b *builder) subscription(in *instance) {
	v := b.top(in)
	t := b.topicFor(v, "topic_arn")
	acct := b.accountOf(in)
	if id := v.n.get("owner_id"); !id.unknown() && snapshot.IsAccountID(scalar(id.v)) {
		acct = scalar(id.v)
	} else if id := b.accountOfProvider(in); id != "" {
		// The subscription's ARN names the topic's account; the
		// subscriber is the account Terraform runs as.
		acct = id
	}
	s := snapshot.Subscription{ARN: b.s(v, "arn"), Protocol: b.s(v, "protocol"), Endpoint: b.s(v, "endpoint"), Owner: acct,
		RawMessageDelivery: v.boolean("raw_message_delivery", false), FilterPolicyScope: b.opt(v, "filter_policy_scope"), Location: b.loc(in)}
	if c := v.n.get("pending_confirmation"); !c.unknown() && c.v != nil {
		s.PendingConfirmation = v.boolean("pending_confirmation", false)
	} else {
		switch s.Protocol {
		case "sqs", "lambda", "firehose":
			if owner, ok := arnAccountID(s.Endpoint); ok {
				s.PendingConfirmation = owner != acct
			}
		case "email", "email-json":
			s.PendingConfirmation = true
		case "http", "https":
			s.PendingConfirmation = !v.boolean("endpoint_auto_confirms", false)
		}
	}
	if fp := b.jsonAttr(v, "filter_policy"); fp != "" {
		if json.Valid([]byte(fp)) {
			s.FilterPolicy = json.RawMessage(fp)
		} else if snapshot.IsUnknown(fp) {
			s.FilterPolicy, _ = marshal(fp)
		} else {
			b.fail(in, "filter_policy is not JSON")
			return
		}
	}
	t.Subscriptions = append(t.Subscriptions, s)
}

// --- SQS -----------------------------------------------------------------

func (b *builder) queue(in *instance) {
	v := b.top(in)
	q := &snapshot.Queue{Name: b.s(v, "name"), ARN: b.s(v, "arn"), URL: b.s(v, "url"), Region: b.region(in),
		KmsMasterKeyID: b.opt(v, "kms_master_key_id"), FifoQueue: v.boolean("fifo_queue", false),
		VisibilityTimeout:      v.number("visibility_timeout_seconds", snapshot.DefaultVisibilityTimeout),
		MessageRetentionPeriod: v.number("message_retention_seconds", snapshot.DefaultMessageRetentionPeriod),
		DelaySeconds:           v.number("delay_seconds", 0),
		MaximumMessageSize:     v.number("max_message_size", 0),
		ReceiveWaitTimeSeconds: v.number("receive_wait_time_seconds", 0),
		Location:               b.loc(in)}
	if q.URL == "" {
		q.URL = b.s(v, "id")
	}
	q.Policy = b.policy(v, "policy")
	switch {
	case v.n.get("sqs_managed_sse_enabled").v != nil && v.known("sqs_managed_sse_enabled"):
		q.SqsManagedSseEnabled = v.boolean("sqs_managed_sse_enabled", false)
	case in.created:
		q.SqsManagedSseEnabled = snapshot.DefaultSqsManagedSse(q.KmsMasterKeyID)
	}
	if rp := b.jsonAttr(v, "redrive_policy"); rp != "" {
		q.RedrivePolicy = b.redrive(in, rp)
	}
	a := b.account(b.accountOf(in))
	a.Queues = append(a.Queues, q)
	a.regions[q.Region] = true
	b.queues[in.addr], b.queues[q.ARN], b.queues[q.URL] = q, q, q
}

// redrive parses a RedrivePolicy attribute; SQS accepts maxReceiveCount as
// a number or a string.
func (b *builder) redrive(in *instance, s string) *snapshot.RedrivePolicy {
	if snapshot.IsUnknown(s) && !strings.HasPrefix(s, "{") {
		return &snapshot.RedrivePolicy{DeadLetterTargetARN: s}
	}
	var raw struct {
		Target string          `json:"deadLetterTargetArn"`
		Max    json.RawMessage `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		b.fail(in, "redrive_policy is not a JSON redrive policy: %v", err)
		return nil
	}
	n, _ := strconv.Atoi(strings.Trim(string(raw.Max), `"`))
	return &snapshot.RedrivePolicy{DeadLetterTargetARN: raw.Target, MaxReceiveCount: n}
}

func (b *builder) queueFor(v view, key string) *snapshot.Queue {
	t, id := b.target(v, key, "aws_sqs_queue")
	if t != nil && b.queues[t.addr] != nil {
		return b.queues[t.addr]
	}
	if q := b.queues[id]; q != nil {
		return q
	}
	q := &snapshot.Queue{URL: id, ARN: id, Region: b.notInPlan("region of queue "+id, v.in), Partial: true, Location: b.loc(v.in)}
	acct := b.accountOf(v.in)
	// https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
	if u, err := url.Parse(id); err == nil && u.Host != "" {
		host := strings.Split(u.Host, ".")
		path := strings.Split(strings.Trim(u.Path, "/"), "/")
		if len(host) > 2 && len(path) == 2 && snapshot.IsRegion(host[1]) {
			q.Region, acct, q.Name = host[1], path[0], path[1]
			q.ARN = fmt.Sprintf("arn:%s:sqs:%s:%s:%s", b.partitionOf(q.Region), q.Region, acct, q.Name)
		}
	}
	a := b.account(acct)
	a.Queues = append(a.Queues, q)
	b.queues[id] = q
	return q
}

func (b *builder) queuePolicy(in *instance) {
	v := b.top(in)
	q := b.queueFor(v, "queue_url")
	q.Policy = b.policy(v, "policy")
}

// --- IAM -----------------------------------------------------------------

func (b *builder) role(in *instance) {
	v := b.top(in)
	r := &snapshot.Role{Name: b.s(v, "name"), ARN: b.s(v, "arn"), Path: b.s(v, "path"), Location: b.loc(in)}
	if r.Path == "" {
		r.Path = "/"
	}
	if id := v.n.get("unique_id"); !id.unknown() {
		r.RoleID = scalar(id.v)
	}
	r.TrustPolicy = b.policy(v, "assume_role_policy")
	for _, p := range v.blocks("inline_policy") {
		name := b.s(p, "name")
		if name == "" {
			continue
		}
		if pol := b.policy(p, "policy"); pol != nil {
			r.InlinePolicies = append(r.InlinePolicies, snapshot.NamedPolicy{Name: name, Policy: *pol})
		}
	}
	if v.known("managed_policy_arns") {
		r.AttachedPolicyARNs = b.strs(v, "managed_policy_arns")
	}
	r.PermissionsBoundaryARN = b.opt(v, "permissions_boundary")
	if tags, ok := v.n.get("tags").v.(map[string]any); ok && len(tags) > 0 {
		r.Tags = map[string]string{}
		for k, t := range tags {
			r.Tags[k] = scalar(t)
		}
	}
	acct := b.accountOf(in)
	a := b.account(acct)
	a.Roles = append(a.Roles, r)
	// A role name is unique in its account only: the same role is often
	// replicated to every account (Expel E1, StackSets), so a lookup by
	// name is one per account.
	b.roles[in.addr], b.roles[acct+"/"+r.Name], b.roles[r.ARN] = r, r, r
}

func (b *builder) roleFor(v view) *snapshot.Role {
	t, name := b.target(v, "role", "aws_iam_role")
	if t != nil && b.roles[t.addr] != nil {
		return b.roles[t.addr]
	}
	acct := b.accountOf(v.in)
	if r := b.roles[acct+"/"+name]; r != nil {
		return r
	}
	// The role's path is not in the plan; IAM ARNs include it, so the
	// stand-in's ARN assumes the default path "/".
	r := &snapshot.Role{Name: name, ARN: b.standInARN(v.in, name, "iam", "", acct, "role/"+name), Partial: true, Location: b.loc(v.in)}
	a := b.account(acct)
	a.Roles = append(a.Roles, r)
	b.roles[acct+"/"+name] = r
	return r
}

func (b *builder) rolePolicy(in *instance) {
	v := b.top(in)
	r := b.roleFor(v)
	if p := b.policy(v, "policy"); p != nil {
		name := b.s(v, "name")
		if name == "" {
			name = b.unknown(in.addr+".name", in)
		}
		np := snapshot.NamedPolicy{Name: name, Policy: *p}
		// The role's inline_policy argument reads back the same policies
		// the aws_iam_role_policy resources put.
		for i := range r.InlinePolicies {
			if r.InlinePolicies[i].Name == name {
				r.InlinePolicies[i] = np
				return
			}
		}
		r.InlinePolicies = append(r.InlinePolicies, np)
	}
}

func (b *builder) rolePolicyAttachment(in *instance) {
	v := b.top(in)
	r := b.roleFor(v)
	arn := b.s(v, "policy_arn")
	for _, a := range r.AttachedPolicyARNs {
		if a == arn {
			return
		}
	}
	r.AttachedPolicyARNs = append(r.AttachedPolicyARNs, arn)
}

func (b *builder) managedPolicy(in *instance) {
	v := b.top(in)
	p := b.policy(v, "policy")
	if p == nil {
		b.fail(in, "policy is empty")
		return
	}
	mp := &snapshot.ManagedPolicy{ARN: b.s(v, "arn"), Name: b.s(v, "name"), Policy: *p}
	a := b.account(b.accountOf(in))
	a.ManagedPolicies = append(a.ManagedPolicies, mp)
}

// --- GuardDuty -------------------------------------------------------------

func (b *builder) detector(in *instance) {
	v := b.top(in)
	d := &snapshot.Detector{ID: b.s(v, "id"), Region: b.region(in), Status: "ENABLED", Location: b.loc(in)}
	if !v.boolean("enable", true) {
		d.Status = "DISABLED"
	}
	d.FindingPublishingFrequency = b.s(v, "finding_publishing_frequency")
	if snapshot.IsUnknown(d.FindingPublishingFrequency) && !v.set("finding_publishing_frequency") && in.created {
		// GuardDuty exports updated findings every six hours unless told
		// otherwise (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_exportfindings.html).
		d.FindingPublishingFrequency = "SIX_HOURS"
	}
	b.detectorDataSources(v, d)
	a := b.account(b.accountOf(in))
	a.Detectors = append(a.Detectors, d)
	a.regions[d.Region] = true
	b.detectors[in.addr], b.detectors[d.ID] = d, d
}

// detectorFor finds the detector an attachment's detector_id names, or a
// stand-in marked Partial whose settings are not in the plan.
func (b *builder) detectorFor(v view, in *instance) *snapshot.Detector {
	t, id := b.target(v, "detector_id", "aws_guardduty_detector")
	d := b.detectors[id]
	if t != nil && b.detectors[t.addr] != nil {
		d = b.detectors[t.addr]
	}
	if d == nil {
		d = &snapshot.Detector{ID: id, Region: b.region(in), Status: b.notInPlan("status of detector "+id, in),
			FindingPublishingFrequency: b.notInPlan("finding publishing frequency of detector "+id, in), Partial: true, Location: b.loc(in)}
		a := b.account(b.accountOf(in))
		a.Detectors = append(a.Detectors, d)
		b.detectors[id] = d
	}
	return d
}

func (b *builder) publishingDestination(in *instance) {
	v := b.top(in)
	d := b.detectorFor(v, in)
	dt := b.s(v, "destination_type")
	if dt == "" {
		dt = "S3"
	}
	pd := snapshot.PublishingDestination{DestinationType: dt, DestinationARN: b.s(v, "destination_arn"),
		KmsKeyARN: b.s(v, "kms_key_arn"), Location: b.loc(in)}
	if id := v.n.get("id"); !id.unknown() {
		pd.ID = scalar(id.v)
	}
	d.PublishingDestinations = append(d.PublishingDestinations, pd)
}

// --- Organizations ---------------------------------------------------------

// organization builds the organization from an aws_organizations_organization
// resource.
func (b *builder) organization(in *instance) {
	v := b.top(in)
	o := &snapshot.Organization{ID: b.s(v, "id"), ARN: b.s(v, "arn"), ManagementAccountID: b.s(v, "master_account_id"),
		FeatureSet: b.s(v, "feature_set"), Location: b.loc(in)}
	if o.FeatureSet == "" || snapshot.IsUnknown(o.FeatureSet) && !v.set("feature_set") {
		o.FeatureSet = "ALL"
	}
	if roots := v.blocks("roots"); len(roots) > 0 {
		o.RootID = b.s(roots[0], "id")
	} else {
		o.RootID = b.unknown(in.addr+".roots[0].id", in)
	}
	o.EnabledServicePrincipals = b.strs(v, "aws_service_access_principals")
	o.EnabledPolicyTypes = b.strs(v, "enabled_policy_types")
	b.org = o
}

// ensureOrg returns the organization policies attach to: the planned one,
// else the one an aws_organizations_organization data source read, else
// one whose identity is unknown.
func (b *builder) ensureOrg(in *instance) *snapshot.Organization {
	if b.org != nil {
		return b.org
	}
	for _, d := range b.dataSources("aws_organizations_organization", in) {
		if o := b.orgFromData(d); o != nil {
			b.org = o
			return o
		}
	}
	b.org = &snapshot.Organization{ID: b.notInPlan("organization ID", in),
		ManagementAccountID: b.notInPlan("organization management account", in),
		RootID:              b.notInPlan("organization root ID", in)}
	return b.org
}

// The organization's tree: which SCPs and RCPs reach an account depends on
// its parents (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_inheritance_auth.html).
func (b *builder) organizationalUnit(in *instance) {
	v := b.top(in)
	o := b.ensureOrg(in)
	o.OrganizationalUnits = append(o.OrganizationalUnits, snapshot.OrganizationalUnit{ID: b.s(v, "id"), Name: b.s(v, "name"), ParentID: b.s(v, "parent_id")})
}

func (b *builder) orgAccount(in *instance) {
	v := b.top(in)
	o := b.ensureOrg(in)
	m := snapshot.OrgAccount{ID: b.s(v, "id"), Name: b.s(v, "name"), Status: b.opt(v, "status"), ParentID: b.opt(v, "parent_id")}
	if m.ParentID == "" {
		// Without parent_id a new account is created under the root.
		m.ParentID = o.RootID
	}
	o.Members = append(o.Members, m)
}

func (b *builder) delegatedAdministrator(in *instance) {
	v := b.top(in)
	o := b.ensureOrg(in)
	o.DelegatedAdministrators = append(o.DelegatedAdministrators,
		snapshot.DelegatedAdministrator{AccountID: b.s(v, "account_id"), ServicePrincipal: b.s(v, "service_principal")})
}

// orgFromData reads an aws_organizations_organization data source; nil
// when it does not name the organization.
func (b *builder) orgFromData(d *instance) *snapshot.Organization {
	v := b.top(d)
	o := &snapshot.Organization{ID: b.s(v, "id"), ARN: b.s(v, "arn"), ManagementAccountID: b.s(v, "master_account_id"),
		FeatureSet: b.s(v, "feature_set"), Location: b.loc(d)}
	if roots := v.blocks("roots"); len(roots) > 0 {
		o.RootID = b.s(roots[0], "id")
	}
	o.EnabledServicePrincipals = b.strs(v, "aws_service_access_principals")
	o.EnabledPolicyTypes = b.strs(v, "enabled_policy_types")
	if !snapshot.IsAccountID(o.ManagementAccountID) || o.ID == "" {
		return nil
	}
	return o
}

func (b *builder) orgPolicyResource(in *instance) {
	v := b.top(in)
	typ := b.s(v, "type")
	if typ == "" {
		typ = snapshot.PolicyTypeSCP
	}
	if typ != snapshot.PolicyTypeSCP && typ != snapshot.PolicyTypeRCP {
		return // tag, backup and AI opt-out policies do not authorize
	}
	doc := b.policy(v, "content")
	if doc == nil {
		b.fail(in, "content is empty")
		return
	}
	b.ensureOrg(in)
	p := &snapshot.OrgPolicy{ID: b.s(v, "id"), Name: b.s(v, "name"), ARN: b.s(v, "arn"), Type: typ, Document: *doc}
	b.orgPolicyList = append(b.orgPolicyList, p)
	b.orgPolicy[in.addr], b.orgPolicy[p.ID] = p, p
}

// awsManagedOrgPolicies are the organization policies AWS owns, whose
// documents no plan carries: FullAWSAccess, the SCP attached everywhere
// when SCPs are enabled
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_strategies.html),
// and RCPFullAWSAccess, its RCP counterpart
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html).
var awsManagedOrgPolicies = map[string]struct{ name, typ, doc string }{
	"p-FullAWSAccess": {"FullAWSAccess", snapshot.PolicyTypeSCP,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
	"p-RCPFullAWSAccess": {"RCPFullAWSAccess", snapshot.PolicyTypeRCP,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`},
}

func (b *builder) orgPolicyAttachment(in *instance) {
	v := b.top(in)
	t, id := b.target(v, "policy_id", "aws_organizations_policy")
	p := b.orgPolicy[id]
	if t != nil && b.orgPolicy[t.addr] != nil {
		p = b.orgPolicy[t.addr]
	}
	if p == nil {
		// An AWS managed policy (p-FullAWSAccess) or one managed
		// elsewhere: its document is not in the plan.
		if t != nil {
			return // a planned policy of another type (tag, backup …)
		}
		b.ensureOrg(in)
		p = &snapshot.OrgPolicy{ID: id, Type: snapshot.PolicyTypeSCP}
		var doc []byte
		if m, ok := awsManagedOrgPolicies[id]; ok {
			p.Name, p.Type, p.AWSManaged = m.name, m.typ, true
			p.ARN = "arn:" + b.partition(in) + ":organizations::aws:policy/" + strings.ToLower(m.typ) + "/" + id
			doc = []byte(m.doc)
		} else {
			doc, _ = marshal(map[string]any{"Version": "2012-10-17", "Statement": b.notInPlan("content of organization policy "+id, in)})
		}
		p.Document = snapshot.Policy{Document: doc}
		b.orgPolicyList = append(b.orgPolicyList, p)
		b.orgPolicy[id] = p
	}
	p.Targets = append(p.Targets, b.s(v, "target_id"))
}

// --- CloudTrail ------------------------------------------------------------

func (b *builder) trail(in *instance) {
	v := b.top(in)
	acct := b.accountOf(in)
	region := b.region(in)
	t := &snapshot.Trail{Name: b.s(v, "name"), ARN: b.s(v, "arn"), HomeRegion: b.s(v, "home_region"),
		S3BucketName: b.s(v, "s3_bucket_name"), S3KeyPrefix: b.opt(v, "s3_key_prefix"), KmsKeyID: b.opt(v, "kms_key_id"),
		IsMultiRegionTrail:         v.boolean("is_multi_region_trail", false),
		IncludeGlobalServiceEvents: v.boolean("include_global_service_events", snapshot.DefaultIncludeGlobalServiceEvents),
		IsOrganizationTrail:        v.boolean("is_organization_trail", false),
		LogFileValidationEnabled:   v.boolean("enable_log_file_validation", false),
		CloudWatchLogsLogGroupARN:  b.opt(v, "cloud_watch_logs_group_arn"),
		CloudWatchLogsRoleARN:      b.opt(v, "cloud_watch_logs_role_arn"),
		Status:                     &snapshot.TrailStatus{IsLogging: v.boolean("enable_logging", true)},
		Location:                   b.loc(in)}
	if !snapshot.IsRegion(t.HomeRegion) {
		t.HomeRegion = region
	}
	// sns_topic_name takes a name or an ARN; DescribeTrails reports the ARN.
	if sns := b.opt(v, "sns_topic_name"); sns != "" {
		if strings.HasPrefix(sns, "arn:") || snapshot.IsUnknown(sns) {
			t.SnsTopicARN = sns
		} else {
			t.SnsTopicARN = fmt.Sprintf("arn:%s:sns:%s:%s:%s", b.partition(in), region, acct, sns)
		}
	}
	for _, es := range v.blocks("event_selector") {
		sel := snapshot.EventSelector{ReadWriteType: b.s(es, "read_write_type"),
			IncludeManagementEvents:       es.boolean("include_management_events", true),
			ExcludeManagementEventSources: b.strs(es, "exclude_management_event_sources")}
		if sel.ReadWriteType == "" {
			sel.ReadWriteType = "All"
		}
		for _, dr := range es.blocks("data_resource") {
			sel.DataResources = append(sel.DataResources, snapshot.DataResource{Type: b.s(dr, "type"), Values: b.strs(dr, "values")})
		}
		t.EventSelectors = append(t.EventSelectors, sel)
	}
	for _, as := range v.blocks("advanced_event_selector") {
		sel := snapshot.AdvancedEventSelector{Name: b.s(as, "name")}
		for _, fs := range as.blocks("field_selector") {
			sel.FieldSelectors = append(sel.FieldSelectors, snapshot.FieldSelector{Field: b.s(fs, "field"),
				Equals: b.strs(fs, "equals"), NotEquals: b.strs(fs, "not_equals"),
				StartsWith: b.strs(fs, "starts_with"), NotStartsWith: b.strs(fs, "not_starts_with"),
				EndsWith: b.strs(fs, "ends_with"), NotEndsWith: b.strs(fs, "not_ends_with")})
		}
		t.AdvancedEventSelectors = append(t.AdvancedEventSelectors, sel)
	}
	// CloudTrail logs all management events when no selector is set
	// (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html).
	if len(t.EventSelectors) == 0 && len(t.AdvancedEventSelectors) == 0 {
		t.EventSelectors = []snapshot.EventSelector{{ReadWriteType: "All", IncludeManagementEvents: true}}
	}
	a := b.account(acct)
	a.Trails = append(a.Trails, t)
	a.regions[region] = true
}
