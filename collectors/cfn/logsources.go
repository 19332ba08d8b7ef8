package cfn

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// This file reads the resources of the other log sources and reader
// identities: EKS control plane logging, CloudWatch Logs groups and
// subscription filters, Firehose delivery streams, EventBridge rules, IAM
// users, access keys and instance profiles, and the inline-policy
// resources (RolePolicy, UserPolicy, TopicInlinePolicy,
// QueueInlinePolicy). Property names are the CloudFormation resource
// reference's.

// logSourceProperties extends knownProperties.
var logSourceProperties = map[string][]string{
	"AWS::EKS::Cluster": {"AccessConfig", "BootstrapSelfManagedAddons", "ComputeConfig", "DeletionProtection",
		"EncryptionConfig", "Force", "KubernetesNetworkConfig", "Logging", "Name", "OutpostConfig",
		"RemoteNetworkConfig", "ResourcesVpcConfig", "RoleArn", "StorageConfig", "Tags", "UpgradePolicy",
		"Version", "ZonalShiftConfig"},
	"AWS::Logs::LogGroup": {"BearerTokenAuthenticationEnabled", "DataProtectionPolicy", "DeletionProtectionEnabled",
		"FieldIndexPolicies", "KmsKeyId", "LogGroupClass", "LogGroupName", "ResourcePolicyDocument",
		"RetentionInDays", "Tags"},
	"AWS::Logs::SubscriptionFilter": {"ApplyOnTransformedLogs", "DestinationArn", "Distribution", "EmitSystemFields",
		"FieldSelectionCriteria", "FilterName", "FilterPattern", "LogGroupName", "RoleArn"},
	"AWS::KinesisFirehose::DeliveryStream": {"AmazonOpenSearchServerlessDestinationConfiguration",
		"AmazonopensearchserviceDestinationConfiguration", "DatabaseSourceConfiguration",
		"DeliveryStreamEncryptionConfigurationInput", "DeliveryStreamName", "DeliveryStreamType",
		"DirectPutSourceConfiguration", "ElasticsearchDestinationConfiguration", "ExtendedS3DestinationConfiguration",
		"HttpEndpointDestinationConfiguration", "IcebergDestinationConfiguration", "KinesisStreamSourceConfiguration",
		"MSKSourceConfiguration", "RedshiftDestinationConfiguration", "S3DestinationConfiguration",
		"SnowflakeDestinationConfiguration", "SplunkDestinationConfiguration", "Tags"},
	"AWS::Events::Rule": {"Description", "EventBusName", "EventPattern", "Name", "RoleArn", "ScheduleExpression",
		"State", "Targets"},
	"AWS::IAM::User": {"Groups", "LoginProfile", "ManagedPolicyArns", "Path", "PermissionsBoundary", "Policies",
		"Tags", "UserName"},
	"AWS::IAM::AccessKey":         {"Serial", "Status", "UserName"},
	"AWS::IAM::InstanceProfile":   {"InstanceProfileName", "Path", "Roles"},
	"AWS::IAM::RolePolicy":        {"PolicyDocument", "PolicyName", "RoleName"},
	"AWS::IAM::UserPolicy":        {"PolicyDocument", "PolicyName", "UserName"},
	"AWS::SNS::TopicInlinePolicy": {"PolicyDocument", "TopicArn"},
	"AWS::SQS::QueueInlinePolicy": {"PolicyDocument", "Queue"},
}

// logSourcePass1 are the new types that other resources attach to.
var logSourcePass1 = map[string]bool{
	"AWS::EKS::Cluster": true, "AWS::Logs::LogGroup": true, "AWS::KinesisFirehose::DeliveryStream": true,
	"AWS::Events::Rule": true, "AWS::IAM::User": true, "AWS::IAM::InstanceProfile": true,
}

// logSourceAttributes are their GetAtt attributes (CloudFormation resource
// reference, "Return values").
var logSourceAttributes = map[string][]string{
	"AWS::EKS::Cluster": {"Arn", "CertificateAuthorityData", "ClusterSecurityGroupId", "EncryptionConfigKeyArn",
		"Endpoint", "Id", "OpenIdConnectIssuerUrl"},
	"AWS::Logs::LogGroup":                  {"Arn"},
	"AWS::Logs::SubscriptionFilter":        {},
	"AWS::KinesisFirehose::DeliveryStream": {"Arn"},
	"AWS::Events::Rule":                    {"Arn"},
	"AWS::IAM::User":                       {"Arn"},
	"AWS::IAM::AccessKey":                  {"SecretAccessKey"},
	"AWS::IAM::InstanceProfile":            {"Arn"},
	"AWS::IAM::RolePolicy":                 {},
	"AWS::IAM::UserPolicy":                 {},
	"AWS::SNS::TopicInlinePolicy":          {},
	"AWS::SQS::QueueInlinePolicy":          {},
}

// logSourceNames are the properties holding their physical names.
var logSourceNames = map[string]string{
	"AWS::EKS::Cluster":         "Name",
	"AWS::IAM::User":            "UserName",
	"AWS::IAM::InstanceProfile": "InstanceProfileName",
}

// notModeledTypes are resource types a rule would need that trailgate does
// not model: a template declaring them is judged without them, and the
// summary says so ("not judged: AWS::IAM::Group ×2").
var notModeledTypes = map[string]bool{
	"AWS::IAM::Group": true, "AWS::IAM::UserToGroupAddition": true, "AWS::IAM::GroupPolicy": true,
	"AWS::Kinesis::Stream": true, "AWS::Logs::Destination": true, "AWS::Events::EventBus": true,
	"AWS::Events::EventBusPolicy": true, "AWS::S3::AccessPoint": true, "AWS::S3::AccessPointPolicy": true,
	"AWS::Lambda::Permission": true,
	"AWS::KMS::ReplicaKey":    true, "AWS::CloudTrail::EventDataStore": true, "AWS::CloudTrail::Channel": true,
	"AWS::CloudTrail::ResourcePolicy": true, "AWS::Organizations::Account": true,
	"AWS::Organizations::OrganizationalUnit": true, "AWS::Organizations::Organization": true,
	"AWS::Organizations::ResourcePolicy": true, "AWS::Macie::Session": true,
	"AWS::Shield::Protection": true, "AWS::InspectorV2::Filter": true, "AWS::IAM::OIDCProvider": true,
	"AWS::Logs::ResourcePolicy": true, "AWS::SecretsManager::Secret": false,
}

func init() {
	addTypes(logSourceProperties)
	maps.Copy(pass1, logSourcePass1)
	maps.Copy(attributes, logSourceAttributes)
	maps.Copy(nameProperty, logSourceNames)
}

// addTypes registers resource types read beside build.go's: their
// properties, and their names in the sorted knownTypes.
func addTypes(props map[string][]string) {
	for k, v := range props {
		knownProperties[k] = v
		if i, found := slices.BinarySearch(knownTypes, k); !found {
			knownTypes = slices.Insert(knownTypes, i, k)
		}
	}
}

// logSourceRef is Ref of the new types: their name, or an ID AWS assigns.
func (t *template) logSourceRef(r *resource, line int) (*value, bool, error) {
	if v, ok, err := t.redshiftRef(r, line); ok {
		return v, ok, err
	}
	switch r.typ {
	case "AWS::EKS::Cluster", "AWS::Events::Rule", "AWS::IAM::User", "AWS::IAM::InstanceProfile":
		n, err := t.physicalName(r, line)
		if err != nil {
			return nil, true, err
		}
		return str(n.s, line), true, nil
	case "AWS::IAM::AccessKey":
		return str(t.idToken(r, "access key ID"), line), true, nil
	}
	return nil, false, nil
}

// logSourceAttr is GetAtt of the new types; ok is false for other types.
func (t *template) logSourceAttr(r *resource, attr string, name func() (string, error)) (string, bool, error) {
	if s, ok, err := t.redshiftAttr(r, attr, name); ok {
		return s, ok, err
	}
	var s string
	var err error
	switch r.typ + "." + attr {
	case "AWS::EKS::Cluster.Arn":
		n, e := name()
		s, err = t.arn("eks", t.region, t.accountID, "cluster/"+n), e
	case "AWS::Logs::LogGroup.Arn":
		// The ARN CloudFormation returns ends in :* (resource reference).
		n, e := name()
		s, err = t.arn("logs", t.region, t.accountID, "log-group:"+n+":*"), e
	case "AWS::KinesisFirehose::DeliveryStream.Arn":
		n, e := name()
		s, err = t.arn("firehose", t.region, t.accountID, "deliverystream/"+n), e
	case "AWS::Events::Rule.Arn":
		n, e := name()
		s, err = t.arn("events", t.region, t.accountID, "rule/"+t.eventBusPrefix(r)+n), e
	case "AWS::IAM::User.Arn":
		n, e := name()
		s, err = t.arn("iam", "", t.accountID, "user"+t.iamPath(r)+n), e
	case "AWS::IAM::InstanceProfile.Arn":
		n, e := name()
		s, err = t.arn("iam", "", t.accountID, "instance-profile"+t.iamPath(r)+n), e
	default:
		return "", false, nil
	}
	return s, true, err
}

// eventBusPrefix is "BUS/" for a rule on a custom bus: its ARN is
// rule/BUS/NAME, a default-bus rule's rule/NAME.
func (t *template) eventBusPrefix(r *resource) string {
	if r.props == nil {
		return ""
	}
	n := lookup(r.props, "EventBusName")
	if n == nil {
		return ""
	}
	v, err := t.eval(n, 1, false)
	if err != nil || !v.scalar() || v.s == "" || v.s == "default" {
		return ""
	}
	bus := v.s
	if i := strings.LastIndex(bus, "/"); strings.HasPrefix(bus, "arn:") && i >= 0 {
		bus = bus[i+1:]
	}
	return bus + "/"
}

// topicInlinePolicy sets the policy of the topic TopicArn names.
func (b *builder) topicInlinePolicy(r *resource, p props) error {
	arn, pol, err := p.inlinePolicyTarget(r, "TopicArn")
	if err == nil {
		b.topicFor(arn, p, r.line).Policy = pol
	}
	return err
}

// queueInlinePolicy sets the policy of the queue Queue names (by URL).
func (b *builder) queueInlinePolicy(r *resource, p props) error {
	url, pol, err := p.inlinePolicyTarget(r, "Queue")
	if err == nil {
		b.queueFor(url, p, r.line).Policy = pol
	}
	return err
}

// inlinePolicyTarget reads an AWS::SNS::TopicInlinePolicy or
// AWS::SQS::QueueInlinePolicy: the one topic or queue its key names and the
// policy it gives it, both of which CloudFormation requires.
func (p props) inlinePolicyTarget(r *resource, key string) (string, *snapshot.Policy, error) {
	target, err := p.str(key)
	if err != nil {
		return "", nil, err
	}
	pol, err := p.requiredPolicy(r, "PolicyDocument")
	if err != nil {
		return "", nil, err
	}
	if target == "" {
		return "", nil, p.fail(r.line, "%s: %s is required", r.id, key)
	}
	return target, pol, nil
}

func (b *builder) eksCluster(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	c := &snapshot.EKSCluster{Name: name, ARN: t.arn("eks", t.region, t.accountID, "cluster/"+name), Region: t.region, Location: p.loc(r.line)}
	if lg, ok, err := p.obj("Logging"); err != nil {
		return err
	} else if ok {
		if cl, ok, err := lg.obj("ClusterLogging"); err != nil {
			return err
		} else if ok {
			for lt, err := range cl.each("EnabledTypes") {
				if err != nil {
					return err
				}
				typ, err := lt.str("Type")
				if err != nil {
					return err
				}
				c.EnabledLogTypes = append(c.EnabledLogTypes, typ)
			}
		}
	}
	home.EKSClusters = append(home.EKSClusters, c)
	return nil
}

func (b *builder) logGroup(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	g := &snapshot.LogGroup{Name: name, ARN: t.arn("logs", t.region, t.accountID, "log-group:"+name+":*"), Region: t.region, Location: p.loc(r.line)}
	rd := p.read()
	g.KmsKeyID = rd.str("KmsKeyId")
	g.RetentionInDays = rd.integer("RetentionInDays", 0)
	if rd.err != nil {
		return rd.err
	}
	if prev, dup := home.groups[name]; dup && !prev.Partial {
		return t.errf(r.line, "log group %s is declared twice", name)
	} else if dup {
		// The declaration takes the place of the group the filters
		// declared before it attached to.
		g.SubscriptionFilters = prev.SubscriptionFilters
	}
	put(home.groups, &home.LogGroups, name, g)
	return nil
}

func (b *builder) subscriptionFilter(r *resource, p props) error {
	t := b.t
	group, err := p.str("LogGroupName")
	if err != nil {
		return err
	}
	f := snapshot.SubscriptionFilter{Location: p.loc(r.line)}
	if f.DestinationARN, err = p.str("DestinationArn"); err != nil {
		return err
	}
	if group == "" || f.DestinationARN == "" {
		return p.fail(r.line, "%s: LogGroupName and DestinationArn are required", r.id)
	}
	rd := p.read()
	f.FilterPattern = rd.str("FilterPattern")
	f.RoleARN = rd.str("RoleArn")
	f.Distribution = rd.str("Distribution")
	f.Name = rd.str("FilterName")
	if rd.err != nil {
		return rd.err
	}
	if f.Name == "" {
		f.Name = t.idToken(r, "filter name")
	}
	stack := b.accounts[t.accountID]
	g, ok := stack.groups[group]
	if !ok {
		g = &snapshot.LogGroup{Name: group, ARN: t.arn("logs", t.region, t.accountID, "log-group:"+group+":*"), Region: t.region,
			Partial: true, Location: p.loc(r.line)}
		put(stack.groups, &stack.LogGroups, group, g)
	}
	g.SubscriptionFilters = append(g.SubscriptionFilters, f)
	return nil
}

func (b *builder) deliveryStream(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	d := &snapshot.DeliveryStream{Name: name, ARN: t.arn("firehose", t.region, t.accountID, "deliverystream/"+name),
		Region: t.region, Status: "ACTIVE", Location: p.loc(r.line)}
	rd := p.read()
	d.Type = cmp.Or(rd.str("DeliveryStreamType"), "DirectPut")
	if rd.err != nil {
		return rd.err
	}
	for _, key := range []string{"ExtendedS3DestinationConfiguration", "S3DestinationConfiguration"} {
		c, ok, err := p.obj(key)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		rd := c.read()
		dst := &snapshot.FirehoseS3Destination{BucketARN: rd.str("BucketARN"), Prefix: rd.str("Prefix"),
			ErrorOutputPrefix: rd.str("ErrorOutputPrefix"), RoleARN: rd.str("RoleARN"), CompressionFormat: rd.str("CompressionFormat")}
		if rd.err != nil {
			return rd.err
		}
		if enc, ok, err := c.obj("EncryptionConfiguration"); err != nil {
			return err
		} else if ok {
			if kc, ok, err := enc.obj("KMSEncryptionConfig"); err != nil {
				return err
			} else if ok {
				if dst.KMSKeyARN, err = kc.str("AWSKMSKeyARN"); err != nil {
					return err
				}
			}
		}
		d.S3 = dst
		break
	}
	home.DeliveryStreams = append(home.DeliveryStreams, d)
	return nil
}

func (b *builder) eventRule(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	er := &snapshot.EventRule{Name: name, ARN: t.arn("events", t.region, t.accountID, "rule/"+t.eventBusPrefix(r)+name),
		Region: t.region, Location: p.loc(r.line)}
	rd := p.read()
	// PutRule's defaults.
	er.EventBusName = cmp.Or(rd.str("EventBusName"), "default")
	er.State = cmp.Or(rd.str("State"), "ENABLED")
	if rd.err != nil {
		return rd.err
	}
	if er.EventPattern, _, err = p.jsonish("EventPattern"); err != nil {
		return err
	}
	for tg, err := range p.each("Targets") {
		if err != nil {
			return err
		}
		rd := tg.read()
		et := snapshot.EventTarget{ID: rd.str("Id"), ARN: rd.str("Arn"), RoleARN: rd.str("RoleArn")}
		if rd.err != nil {
			return rd.err
		}
		if et.ARN == "" {
			return p.fail(tg.v.line, "%s.%s: Arn is required", r.id, tg.path)
		}
		er.Targets = append(er.Targets, et)
	}
	home.EventRules = append(home.EventRules, er)
	return nil
}

func (b *builder) user(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	path := t.iamPath(r)
	u := &snapshot.User{Name: name, Path: path, ARN: t.arn("iam", "", t.accountID, "user"+path+name), Location: p.loc(r.line)}
	if u.InlinePolicies, err = inlinePolicies(p, r); err != nil {
		return err
	}
	rd := p.read()
	u.AttachedPolicyARNs = rd.strList("ManagedPolicyArns")
	u.PermissionsBoundaryARN = rd.str("PermissionsBoundary")
	u.Groups = rd.strList("Groups")
	if rd.err != nil {
		return rd.err
	}
	if prev, dup := home.users[name]; dup && !prev.Partial {
		return t.errf(r.line, "user %s is declared twice", name)
	} else if dup {
		// Keys and policies declared before the user was reached.
		u.AccessKeys = append(u.AccessKeys, prev.AccessKeys...)
		u.InlinePolicies = append(u.InlinePolicies, prev.InlinePolicies...)
		u.AttachedPolicyARNs = append(u.AttachedPolicyARNs, prev.AttachedPolicyARNs...)
	}
	put(home.users, &home.Users, name, u)
	return nil
}

// inlinePolicies reads the Policies property of a role or user.
func inlinePolicies(p props, r *resource) ([]snapshot.NamedPolicy, error) {
	var out []snapshot.NamedPolicy
	for ip, err := range p.each("Policies") {
		if err != nil {
			return nil, err
		}
		pn, doc, err := ip.namedPolicy()
		if err != nil {
			return nil, err
		}
		if pn == "" || doc == nil {
			return nil, p.fail(ip.v.line, "%s.%s: PolicyName and PolicyDocument are required", r.id, ip.path)
		}
		out = append(out, snapshot.NamedPolicy{Name: pn, Policy: *doc})
	}
	return out, nil
}

// userFor returns the template's user of that name, or one the template
// only attaches to (default path, as roleFor assumes).
func (b *builder) userFor(name string, p props, line int) *snapshot.User {
	stack := b.accounts[b.t.accountID]
	if u, ok := stack.users[name]; ok {
		return u
	}
	u := &snapshot.User{Name: name, ARN: b.t.arn("iam", "", b.t.accountID, "user/"+name), Partial: true, Location: p.loc(line)}
	put(stack.users, &stack.Users, name, u)
	return u
}

func (b *builder) accessKey(r *resource, p props) error {
	user, err := p.requiredStr("UserName")
	if err != nil {
		return err
	}
	k := snapshot.AccessKey{ID: b.t.idToken(r, "access key ID"), Location: p.loc(r.line)}
	if k.Status, err = p.str("Status"); err != nil {
		return err
	}
	if k.Status == "" {
		k.Status = "Active"
	}
	u := b.userFor(user, p, r.line)
	u.AccessKeys = append(u.AccessKeys, k)
	return nil
}

func (b *builder) instanceProfile(home *account, r *resource, p props) error {
	t := b.t
	name, err := b.name(r)
	if err != nil {
		return err
	}
	ip := &snapshot.InstanceProfile{Name: name, ARN: t.arn("iam", "", t.accountID, "instance-profile"+t.iamPath(r)+name), Location: p.loc(r.line)}
	roles, err := p.strList("Roles")
	if err != nil {
		return err
	}
	for _, rn := range roles {
		ip.RoleARNs = append(ip.RoleARNs, b.roleFor(rn, p, r.line).ARN)
	}
	home.InstanceProfiles = append(home.InstanceProfiles, ip)
	return nil
}

// entityPolicy is AWS::IAM::RolePolicy or AWS::IAM::UserPolicy: one inline
// policy of one role or user.
func (b *builder) entityPolicy(r *resource, p props) error {
	name, pol, err := p.namedPolicy()
	if err != nil {
		return err
	}
	key := "RoleName"
	if r.typ == "AWS::IAM::UserPolicy" {
		key = "UserName"
	}
	owner, err := p.str(key)
	if err != nil {
		return err
	}
	if name == "" || owner == "" || pol == nil {
		return p.fail(r.line, "%s: PolicyName, PolicyDocument and %s are required", r.id, key)
	}
	np := snapshot.NamedPolicy{Name: name, Policy: *pol}
	if key == "RoleName" {
		ro := b.roleFor(owner, p, r.line)
		ro.InlinePolicies = append(ro.InlinePolicies, np)
		return nil
	}
	u := b.userFor(owner, p, r.line)
	u.InlinePolicies = append(u.InlinePolicies, np)
	return nil
}

// attachUsers gives the users of an AWS::IAM::Policy or ManagedPolicy
// (Users property) the inline policy or the managed policy's ARN.
func (b *builder) attachUsers(p props, line int, inline *snapshot.NamedPolicy, managedARN string) error {
	users, err := p.strList("Users")
	if err != nil {
		return err
	}
	for _, un := range users {
		u := b.userFor(un, p, line)
		if inline != nil {
			u.InlinePolicies = append(u.InlinePolicies, *inline)
		} else {
			u.AttachedPolicyARNs = append(u.AttachedPolicyARNs, managedARN)
		}
	}
	return nil
}

// countNotModeled counts a resource of a type no rule can judge yet.
func (b *builder) countNotModeled(typ string) {
	if !notModeledTypes[typ] {
		return
	}
	b.accounts[b.t.accountID].notModeled[typ]++
}

// detectorFeatures reads a detector's Features, or its older DataSources
// mapped to feature names (S3Logs is S3_DATA_EVENTS, Kubernetes.AuditLogs
// EKS_AUDIT_LOGS): https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-feature-object-api-changes-march2023.html
func detectorFeatures(p props) ([]snapshot.DetectorFeature, error) {
	var out []snapshot.DetectorFeature
	for f, err := range p.each("Features") {
		if err != nil {
			return nil, err
		}
		rd := f.read()
		df := snapshot.DetectorFeature{Name: rd.str("Name"), Status: rd.str("Status")}
		if rd.err != nil {
			return nil, rd.err
		}
		out = append(out, df)
	}
	ds, ok, err := p.obj("DataSources")
	if err != nil || !ok {
		return out, err
	}
	status := func(on bool) string {
		if on {
			return "ENABLED"
		}
		return "DISABLED"
	}
	has := func(name string) bool {
		for _, f := range out {
			if f.Name == name {
				return true
			}
		}
		return false
	}
	if s3, ok, err := ds.obj("S3Logs"); err != nil {
		return nil, err
	} else if ok && !has(snapshot.FeatureS3DataEvents) {
		on, err := s3.boolean("Enable", false)
		if err != nil {
			return nil, err
		}
		out = append(out, snapshot.DetectorFeature{Name: snapshot.FeatureS3DataEvents, Status: status(on)})
	}
	if k, ok, err := ds.obj("Kubernetes"); err != nil {
		return nil, err
	} else if ok && !has(snapshot.FeatureEKSAuditLogs) {
		if al, ok, err := k.obj("AuditLogs"); err != nil {
			return nil, err
		} else if ok {
			on, err := al.boolean("Enable", false)
			if err != nil {
				return nil, err
			}
			out = append(out, snapshot.DetectorFeature{Name: snapshot.FeatureEKSAuditLogs, Status: status(on)})
		}
	}
	return out, nil
}

// bucketPosture reads PublicAccessBlockConfiguration and
// VersioningConfiguration.
func bucketPosture(bk *snapshot.Bucket, p props) error {
	if pab, ok, err := p.obj("PublicAccessBlockConfiguration"); err != nil {
		return err
	} else if ok {
		// Each setting defaults to false when the block is given without it.
		c := &snapshot.PublicAccessBlock{}
		for _, f := range []struct {
			key string
			out *bool
		}{{"BlockPublicAcls", &c.BlockPublicAcls}, {"IgnorePublicAcls", &c.IgnorePublicAcls},
			{"BlockPublicPolicy", &c.BlockPublicPolicy}, {"RestrictPublicBuckets", &c.RestrictPublicBuckets}} {
			if *f.out, err = pab.boolean(f.key, false); err != nil {
				return err
			}
		}
		bk.PublicAccessBlock = c
	}
	if v, ok, err := p.obj("VersioningConfiguration"); err != nil {
		return err
	} else if ok {
		s, err := v.str("Status")
		if err != nil {
			return err
		}
		bk.Versioning = s
	}
	return nil
}
