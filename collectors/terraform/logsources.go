package terraform

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/trailgate/trailgate/collectors/gather"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// This file reads the resources of the other log sources and reader
// identities (AWS provider argument and attribute names): EKS control
// plane logging, CloudWatch Logs groups and subscription filters, Firehose
// delivery streams, EventBridge rules and targets, IAM users, access keys
// (metadata only: the secret is never read) and instance profiles, Macie's
// classification export, GuardDuty features, S3 public access block and
// versioning.

var logSourceHandlers = []struct {
	typ string
	h   func(*builder, *instance)
}{
	// Resources first, then what attaches to them.
	{"aws_eks_cluster", (*builder).eksCluster},
	{"aws_cloudwatch_log_group", (*builder).logGroup},
	{"aws_kinesis_firehose_delivery_stream", (*builder).deliveryStream},
	{"aws_cloudwatch_event_rule", (*builder).eventRule},
	{"aws_iam_user", (*builder).user},
	{"aws_cloudwatch_log_subscription_filter", (*builder).subscriptionFilter},
	{"aws_cloudwatch_event_target", (*builder).eventTarget},
	{"aws_iam_access_key", (*builder).accessKey},
	{"aws_iam_user_policy", (*builder).userPolicy},
	{"aws_iam_user_policy_attachment", (*builder).userPolicyAttachment},
	{"aws_iam_instance_profile", (*builder).instanceProfile},
	{"aws_s3_bucket_public_access_block", (*builder).bucketPublicAccessBlock},
	{"aws_s3_bucket_versioning", (*builder).bucketVersioning},
	{"aws_guardduty_detector_feature", (*builder).detectorFeature},
	{"aws_macie2_classification_export_configuration", (*builder).macieExport},
}

func init() {
	for _, h := range logSourceHandlers {
		handlers[h.typ] = h.h
		buildOrder = append(buildOrder, h.typ)
	}
}

// notModeledTypes are resource types a rule would need that trailgate
// does not model: the summary names them ("not judged: aws_iam_group ×2").
var notModeledTypes = map[string]bool{
	"aws_iam_group": true, "aws_iam_group_membership": true, "aws_iam_user_group_membership": true,
	"aws_iam_group_policy": true, "aws_iam_group_policy_attachment": true, "aws_iam_policy_attachment": true,
	"aws_kinesis_stream": true, "aws_cloudwatch_log_destination": true, "aws_cloudwatch_log_destination_policy": true,
	"aws_cloudwatch_event_bus": true, "aws_cloudwatch_event_bus_policy": true, "aws_s3_access_point": true,
	"aws_guardduty_member": true, "aws_guardduty_organization_admin_account": true,
	"aws_guardduty_organization_configuration": true, "aws_lambda_permission": true, "aws_kms_replica_key": true,
	"aws_kms_grant": true, "aws_cloudtrail_event_data_store": true, "aws_shield_protection": true, "aws_inspector2_enabler": true,
	"aws_macie2_account": true, "aws_cloudwatch_log_resource_policy": true, "aws_iam_openid_connect_provider": true,
	"aws_organizations_resource_policy": true, "aws_sns_topic_data_protection_policy": true,
}

// countNotModeled counts the planned resources of those types.
func (b *builder) countNotModeled(byType map[string][]*instance, s *snapshot.Snapshot) {
	for typ, ins := range byType {
		if notModeledTypes[typ] && len(ins) > 0 {
			s.NotModeled = append(s.NotModeled, snapshot.NotModeled{Type: typ, Count: len(ins)})
		}
	}
}

// sources is where the resources of acct are gathered.
func (b *builder) sources(acct string) *gather.Account {
	return &b.account(acct).Account
}

// regionalARNs are how the regional types among these form their ARN:
// arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE followed by the value of
// nameAttr.
var regionalARNs = map[string]struct{ nameAttr, service, resource string }{
	"aws_redshift_cluster": {"cluster_identifier", "redshift", "cluster:"},
	"aws_eks_cluster":      {"name", "eks", "cluster/"},
	// The provider strips the API's ":*" suffix from arn.
	"aws_cloudwatch_log_group":             {"name", "logs", "log-group:"},
	"aws_kinesis_firehose_delivery_stream": {"name", "firehose", "deliverystream/"},
}

// logSourceDerived computes the ARNs AWS gives these resources from their
// names, as derived does for the others.
func (b *builder) logSourceDerived(in *instance, key string, depth int) (string, bool) {
	if in.typ == "aws_redshift_cluster" && key == "id" {
		return b.redshiftID(in, depth)
	}
	if key != "arn" {
		return "", false
	}
	v := b.top(in)
	name := func(k string) (string, bool) {
		s := b.sDepth(v, k, depth+1)
		return s, s != "" && !snapshot.IsUnknown(s)
	}
	p, region, acct := b.partition(in), b.region(in), b.accountOf(in)
	if a, ok := regionalARNs[in.typ]; ok {
		if n, ok := name(a.nameAttr); ok {
			return fmt.Sprintf("arn:%s:%s:%s:%s:%s%s", p, a.service, region, acct, a.resource, n), true
		}
		return "", false
	}
	switch in.typ {
	case "aws_cloudwatch_event_rule":
		if n, ok := name("name"); ok {
			return fmt.Sprintf("arn:%s:events:%s:%s:rule/%s%s", p, region, acct, busPrefix(b.opt(v, "event_bus_name")), n), true
		}
	case "aws_iam_user", "aws_iam_instance_profile":
		if n, ok := name("name"); ok {
			return b.iamARN(in, v, strings.ReplaceAll(strings.TrimPrefix(in.typ, "aws_iam_"), "_", "-"), n), true
		}
	}
	return "", false
}

// busPrefix is "BUS/" for a custom event bus: a rule's ARN is
// rule/BUS/NAME there, rule/NAME on the default bus.
func busPrefix(bus string) string {
	if bus == "" || bus == "default" || snapshot.IsUnknown(bus) {
		return ""
	}
	if i := strings.LastIndex(bus, "/"); strings.HasPrefix(bus, "arn:") && i >= 0 {
		bus = bus[i+1:]
	}
	return bus + "/"
}

func (b *builder) eksCluster(in *instance) {
	v := b.top(in)
	c := &snapshot.EKSCluster{Name: b.s(v, "name"), ARN: b.s(v, "arn"), Region: b.region(in),
		EnabledLogTypes: b.strs(v, "enabled_cluster_log_types"), Location: b.loc(in)}
	acct := b.accountOf(in)
	b.sources(acct).EKSClusters = append(b.sources(acct).EKSClusters, c)
	b.account(acct).regions[c.Region] = true
}

// logGroupARN is the ARN DescribeLogGroups reports: the provider's arn
// with the ":*" suffix the API adds.
func logGroupARN(arn string) string {
	if arn == "" || snapshot.IsUnknown(arn) || strings.HasSuffix(arn, ":*") {
		return arn
	}
	return arn + ":*"
}

func (b *builder) logGroup(in *instance) {
	v := b.top(in)
	g := &snapshot.LogGroup{Name: b.s(v, "name"), ARN: logGroupARN(b.s(v, "arn")), Region: b.region(in),
		KmsKeyID: b.opt(v, "kms_key_id"), RetentionInDays: v.number("retention_in_days", 0), Location: b.loc(in)}
	acct := b.accountOf(in)
	b.sources(acct).LogGroups = append(b.sources(acct).LogGroups, g)
	b.account(acct).regions[g.Region] = true
}

func (b *builder) logGroupFor(v view) *snapshot.LogGroup {
	name := b.s(v, "log_group_name")
	acct, region := b.accountOf(v.in), b.region(v.in)
	src := b.sources(acct)
	for _, g := range src.LogGroups {
		if g.Name == name && g.Region == region {
			return g
		}
	}
	g := &snapshot.LogGroup{Name: name, ARN: b.standInARN(v.in, name, "logs", region, acct, "log-group:"+name+":*"),
		Region: region, Partial: true, Location: b.loc(v.in)}
	src.LogGroups = append(src.LogGroups, g)
	return g
}

func (b *builder) subscriptionFilter(in *instance) {
	v := b.top(in)
	g := b.logGroupFor(v)
	g.SubscriptionFilters = append(g.SubscriptionFilters, snapshot.SubscriptionFilter{Name: b.s(v, "name"),
		FilterPattern: b.opt(v, "filter_pattern"), DestinationARN: b.s(v, "destination_arn"), RoleARN: b.opt(v, "role_arn"),
		Distribution: b.opt(v, "distribution"), Location: b.loc(in)})
}

func (b *builder) deliveryStream(in *instance) {
	v := b.top(in)
	d := &snapshot.DeliveryStream{Name: b.s(v, "name"), ARN: b.s(v, "arn"), Region: b.region(in), Type: "DirectPut",
		Status: "ACTIVE", Location: b.loc(in)}
	if _, ok := v.block("kinesis_source_configuration"); ok {
		d.Type = "KinesisStreamAsSource"
	}
	if c, ok := v.block("extended_s3_configuration"); ok {
		d.S3 = &snapshot.FirehoseS3Destination{BucketARN: b.s(c, "bucket_arn"), Prefix: b.opt(c, "prefix"),
			ErrorOutputPrefix: b.opt(c, "error_output_prefix"), RoleARN: b.s(c, "role_arn"), KMSKeyARN: b.opt(c, "kms_key_arn"),
			CompressionFormat: b.opt(c, "compression_format")}
		if d.S3.CompressionFormat == "" {
			d.S3.CompressionFormat = "UNCOMPRESSED"
		}
	}
	acct := b.accountOf(in)
	b.sources(acct).DeliveryStreams = append(b.sources(acct).DeliveryStreams, d)
	b.account(acct).regions[d.Region] = true
}

func (b *builder) eventRule(in *instance) {
	v := b.top(in)
	r := &snapshot.EventRule{Name: b.s(v, "name"), ARN: b.s(v, "arn"), EventBusName: b.opt(v, "event_bus_name"),
		Region: b.region(in), State: b.opt(v, "state"), Location: b.loc(in)}
	if r.EventBusName == "" {
		r.EventBusName = "default"
	}
	if r.State == "" || snapshot.IsUnknown(r.State) {
		// Provider 4's is_enabled, else PutRule's default.
		r.State = "ENABLED"
		if !v.boolean("is_enabled", true) {
			r.State = "DISABLED"
		}
	}
	if p := b.jsonAttr(v, "event_pattern"); p != "" && !snapshot.IsUnknown(p) {
		if !json.Valid([]byte(p)) {
			b.fail(in, "event_pattern is not JSON")
			return
		}
		r.EventPattern = json.RawMessage(p)
	} else if p != "" {
		r.EventPattern, _ = json.Marshal(p)
	}
	acct := b.accountOf(in)
	b.sources(acct).EventRules = append(b.sources(acct).EventRules, r)
	b.account(acct).regions[r.Region] = true
}

func (b *builder) eventTarget(in *instance) {
	v := b.top(in)
	t, name := b.target(v, "rule", "aws_cloudwatch_event_rule")
	acct, region := b.accountOf(in), b.region(in)
	src := b.sources(acct)
	var rule *snapshot.EventRule
	for _, r := range src.EventRules {
		if (t != nil && r.Location != nil && r.Location.Address == t.addr) || (r.Name == name && r.Region == region) {
			rule = r
			break
		}
	}
	if rule == nil {
		bus := b.opt(v, "event_bus_name")
		rule = &snapshot.EventRule{Name: name, ARN: fmt.Sprintf("arn:%s:events:%s:%s:rule/%s%s", b.partition(in), region, acct, busPrefix(bus), name),
			Region: region, EventBusName: bus, State: b.notInPlan("state of rule "+name, in), Location: b.loc(in)}
		if rule.EventBusName == "" {
			rule.EventBusName = "default"
		}
		src.EventRules = append(src.EventRules, rule)
	}
	id := b.opt(v, "target_id")
	if id == "" {
		id = b.unknown(in.addr+".target_id", in)
	}
	rule.Targets = append(rule.Targets, snapshot.EventTarget{ID: id, ARN: b.s(v, "arn"), RoleARN: b.opt(v, "role_arn")})
}

func (b *builder) user(in *instance) {
	v := b.top(in)
	u := &snapshot.User{Name: b.s(v, "name"), ARN: b.s(v, "arn"), Path: b.s(v, "path"),
		PermissionsBoundaryARN: b.opt(v, "permissions_boundary"), Location: b.loc(in)}
	if u.Path == "" || snapshot.IsUnknown(u.Path) {
		u.Path = "/"
	}
	acct := b.accountOf(in)
	b.sources(acct).Users = append(b.sources(acct).Users, u)
}

// userFor finds the user an attachment names, or a stand-in (default path,
// as roleFor assumes) marked Partial.
func (b *builder) userFor(v view) *snapshot.User {
	t, name := b.target(v, "user", "aws_iam_user")
	acct := b.accountOf(v.in)
	src := b.sources(acct)
	for _, u := range src.Users {
		if (t != nil && u.Location != nil && u.Location.Address == t.addr) || u.Name == name {
			return u
		}
	}
	u := &snapshot.User{Name: name, ARN: b.standInARN(v.in, name, "iam", "", acct, "user/"+name), Partial: true, Location: b.loc(v.in)}
	src.Users = append(src.Users, u)
	return u
}

func (b *builder) accessKey(in *instance) {
	v := b.top(in)
	u := b.userFor(v)
	// id is the access key ID; the secret attributes are never read.
	k := snapshot.AccessKey{ID: b.s(v, "id"), Status: b.opt(v, "status"), Location: b.loc(in)}
	if k.Status == "" || snapshot.IsUnknown(k.Status) && in.created {
		k.Status = "Active"
	}
	u.AccessKeys = append(u.AccessKeys, k)
}

func (b *builder) userPolicy(in *instance) {
	v := b.top(in)
	u := b.userFor(v)
	if p := b.policy(v, "policy"); p != nil {
		name := b.s(v, "name")
		if name == "" {
			name = b.unknown(in.addr+".name", in)
		}
		u.InlinePolicies = append(u.InlinePolicies, snapshot.NamedPolicy{Name: name, Policy: *p})
	}
}

func (b *builder) userPolicyAttachment(in *instance) {
	v := b.top(in)
	u := b.userFor(v)
	u.AttachedPolicyARNs = append(u.AttachedPolicyARNs, b.s(v, "policy_arn"))
}

func (b *builder) instanceProfile(in *instance) {
	v := b.top(in)
	ip := &snapshot.InstanceProfile{Name: b.s(v, "name"), ARN: b.s(v, "arn"), Location: b.loc(in)}
	if v.set("role") || v.known("role") && b.opt(v, "role") != "" {
		ip.RoleARNs = []string{b.roleFor(v).ARN}
	}
	acct := b.accountOf(in)
	b.sources(acct).InstanceProfiles = append(b.sources(acct).InstanceProfiles, ip)
}

func (b *builder) bucketPublicAccessBlock(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	// Each argument defaults to false in the resource.
	x.PublicAccessBlock = &snapshot.PublicAccessBlock{BlockPublicAcls: v.boolean("block_public_acls", false),
		IgnorePublicAcls: v.boolean("ignore_public_acls", false), BlockPublicPolicy: v.boolean("block_public_policy", false),
		RestrictPublicBuckets: v.boolean("restrict_public_buckets", false)}
	b.mark(x, "public_access_block")
}

func (b *builder) bucketVersioning(in *instance) {
	v := b.top(in)
	x := b.bucketFor(v)
	if c, ok := v.block("versioning_configuration"); ok {
		x.Versioning = b.s(c, "status")
		if x.Versioning == "Disabled" {
			// "Disabled" is the provider's word for never enabled.
			x.Versioning = ""
		}
	}
	b.mark(x, "versioning")
}

// detectorDataSources reads the deprecated datasources block as features
// (s3_logs is S3_DATA_EVENTS, kubernetes.audit_logs EKS_AUDIT_LOGS).
func (b *builder) detectorDataSources(v view, d *snapshot.Detector) {
	ds, ok := v.block("datasources")
	if !ok {
		return
	}
	status := func(on bool) string {
		if on {
			return "ENABLED"
		}
		return "DISABLED"
	}
	if s3, ok := ds.block("s3_logs"); ok {
		d.Features = append(d.Features, snapshot.DetectorFeature{Name: snapshot.FeatureS3DataEvents, Status: status(s3.boolean("enable", false))})
	}
	if k, ok := ds.block("kubernetes"); ok {
		if al, ok := k.block("audit_logs"); ok {
			d.Features = append(d.Features, snapshot.DetectorFeature{Name: snapshot.FeatureEKSAuditLogs, Status: status(al.boolean("enable", false))})
		}
	}
}

func (b *builder) detectorFeature(in *instance) {
	v := b.top(in)
	d := b.detectorFor(v, in)
	f := snapshot.DetectorFeature{Name: b.s(v, "name"), Status: b.s(v, "status")}
	for i := range d.Features {
		if d.Features[i].Name == f.Name {
			d.Features[i] = f
			return
		}
	}
	d.Features = append(d.Features, f)
}

func (b *builder) macieExport(in *instance) {
	v := b.top(in)
	c, ok := v.block("s3_destination")
	if !ok {
		return
	}
	m := &snapshot.MacieExport{Region: b.region(in), BucketName: b.s(c, "bucket_name"), KeyPrefix: b.opt(c, "key_prefix"),
		KmsKeyARN: b.opt(c, "kms_key_arn"), Location: b.loc(in)}
	acct := b.accountOf(in)
	b.sources(acct).MacieExports = append(b.sources(acct).MacieExports, m)
}
