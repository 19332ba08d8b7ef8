package snapshot

import "encoding/json"

// User is an IAM user: its policies and its access keys' metadata. The
// secret of a key is never read (ListAccessKeys does not return it).
type User struct {
	Name               string        `json:"name"`
	ARN                string        `json:"arn"`
	Path               string        `json:"path,omitempty"`
	InlinePolicies     []NamedPolicy `json:"inline_policies,omitempty"`
	AttachedPolicyARNs []string      `json:"attached_policy_arns,omitempty"`
	// Groups are the names of the groups the user belongs to.
	Groups                 []string    `json:"groups,omitempty"`
	PermissionsBoundaryARN string      `json:"permissions_boundary_arn,omitempty"`
	AccessKeys             []AccessKey `json:"access_keys,omitempty"`
	Location               *Location   `json:"location,omitempty"`
	// Partial marks a user the input only attaches to (a policy, an
	// access key), as Role.Partial.
	Partial bool `json:"partial,omitempty"`
}

// AccessKey is an access key's metadata (ListAccessKeys).
type AccessKey struct {
	// ID is the access key ID (AKIA…); it names the key, it is no secret.
	ID string `json:"id,omitempty"`
	// Status is Active or Inactive.
	Status   string    `json:"status"`
	Location *Location `json:"location,omitempty"`
}

// InstanceProfile is an EC2 instance profile and the roles it holds (at
// most one, as IAM allows).
type InstanceProfile struct {
	Name     string    `json:"name"`
	ARN      string    `json:"arn"`
	RoleARNs []string  `json:"role_arns,omitempty"`
	Location *Location `json:"location,omitempty"`
}

// EKS control plane log types (DescribeCluster logging.clusterLogging).
const EKSLogAudit = "audit"

// EKSCluster is an EKS cluster and which control plane logs it sends to
// CloudWatch Logs, in the group /aws/eks/<name>/cluster.
type EKSCluster struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`
	// EnabledLogTypes are the enabled control plane log types (api,
	// audit, authenticator, controllerManager, scheduler).
	EnabledLogTypes []string  `json:"enabled_log_types,omitempty"`
	Location        *Location `json:"location,omitempty"`
}

// LogGroup is a CloudWatch Logs log group with its subscription filters.
type LogGroup struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`
	// KmsKeyID is the key ARN the group is encrypted with, if any.
	KmsKeyID            string               `json:"kms_key_id,omitempty"`
	RetentionInDays     int                  `json:"retention_in_days,omitempty"`
	SubscriptionFilters []SubscriptionFilter `json:"subscription_filters,omitempty"`
	Location            *Location            `json:"location,omitempty"`
	// Partial marks a group the input only attaches to (a subscription
	// filter on a group declared elsewhere), as Role.Partial.
	Partial bool `json:"partial,omitempty"`
}

// SubscriptionFilter sends a log group's events to a destination (a
// Firehose delivery stream, a Kinesis stream, a Lambda function or a
// CloudWatch Logs destination). RoleARN is the role CloudWatch Logs
// assumes to put records into a Firehose or Kinesis destination.
type SubscriptionFilter struct {
	Name           string    `json:"name"`
	FilterPattern  string    `json:"filter_pattern"`
	DestinationARN string    `json:"destination_arn"`
	RoleARN        string    `json:"role_arn,omitempty"`
	Distribution   string    `json:"distribution,omitempty"`
	Location       *Location `json:"location,omitempty"`
}

// DeliveryStream is a Kinesis Data Firehose delivery stream with its S3
// destination (the extended S3 destination, or the S3 backup of another).
type DeliveryStream struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Region string `json:"region"`
	// Type is DirectPut or KinesisStreamAsSource.
	Type string `json:"type,omitempty"`
	// Status is CREATING, ACTIVE, DELETING, …
	Status string `json:"status,omitempty"`
	// S3 is nil when the stream writes elsewhere only.
	S3       *FirehoseS3Destination `json:"s3,omitempty"`
	Location *Location              `json:"location,omitempty"`
}

// FirehoseS3Destination is where a delivery stream writes objects, and as
// whom: RoleARN is the role Firehose assumes to call s3:PutObject (and
// kms:GenerateDataKey when KMSKeyARN is set).
type FirehoseS3Destination struct {
	BucketARN         string `json:"bucket_arn"`
	Prefix            string `json:"prefix,omitempty"`
	ErrorOutputPrefix string `json:"error_output_prefix,omitempty"`
	RoleARN           string `json:"role_arn"`
	// KMSKeyARN is the key objects are encrypted with (EncryptionConfiguration
	// KMSEncryptionConfig); empty when Firehose does not encrypt them.
	KMSKeyARN         string `json:"kms_key_arn,omitempty"`
	CompressionFormat string `json:"compression_format,omitempty"`
}

// EventRule is an EventBridge rule with its targets.
type EventRule struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// EventBusName is "default" for the default bus.
	EventBusName string `json:"event_bus_name,omitempty"`
	Region       string `json:"region"`
	// State is ENABLED or DISABLED.
	State string `json:"state"`
	// EventPattern is the rule's pattern JSON; nil for a scheduled rule.
	EventPattern json.RawMessage `json:"event_pattern,omitempty"`
	Targets      []EventTarget   `json:"targets,omitempty"`
	Location     *Location       `json:"location,omitempty"`
}

// EventTarget is one target of a rule. An SNS or SQS target is reached by
// EventBridge itself (events.amazonaws.com, allowed by the topic or queue
// policy); RoleARN is set for targets EventBridge reaches through a role.
type EventTarget struct {
	ID      string `json:"id"`
	ARN     string `json:"arn"`
	RoleARN string `json:"role_arn,omitempty"`
}

// MacieExport is Macie's classification export configuration in a region
// (GetClassificationExportConfiguration s3Destination).
type MacieExport struct {
	Region     string    `json:"region"`
	BucketName string    `json:"bucket_name"`
	KeyPrefix  string    `json:"key_prefix,omitempty"`
	KmsKeyARN  string    `json:"kms_key_arn,omitempty"`
	Location   *Location `json:"location,omitempty"`
}

// PublicAccessBlock is an S3 bucket's public access block configuration.
type PublicAccessBlock struct {
	BlockPublicAcls       bool `json:"block_public_acls"`
	IgnorePublicAcls      bool `json:"ignore_public_acls"`
	BlockPublicPolicy     bool `json:"block_public_policy"`
	RestrictPublicBuckets bool `json:"restrict_public_buckets"`
}

// DetectorFeature is one GuardDuty protection plan and its status.
type DetectorFeature struct {
	// Name is S3_DATA_EVENTS, EKS_AUDIT_LOGS, RUNTIME_MONITORING, …
	Name string `json:"name"`
	// Status is ENABLED or DISABLED.
	Status string `json:"status"`
}

// DetectorOrgConfiguration is what GuardDuty enables in the organization's
// member accounts on its own
// (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_UpdateOrganizationConfiguration.html).
type DetectorOrgConfiguration struct {
	// AutoEnableOrganizationMembers is ALL (every account of the
	// organization, existing and new), NEW (accounts that join later) or
	// NONE. The older AutoEnable = true reads as NEW: it "applies to only
	// new member accounts, not the existing member accounts".
	AutoEnableOrganizationMembers string `json:"auto_enable_organization_members"`
	// Features are the protection plans enabled in the members GuardDuty
	// enables (Features, or the older DataSources mapped to feature
	// names as Detector.Features); a plan the input does not set is absent.
	Features []OrgFeature `json:"features,omitempty"`
	Location *Location    `json:"location,omitempty"`
}

// OrgFeature is one protection plan of an organization configuration.
type OrgFeature struct {
	Name string `json:"name"`
	// AutoEnable is ALL, NEW or NONE.
	AutoEnable string `json:"auto_enable"`
}

// GuardDuty feature names (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_DetectorFeatureConfiguration.html).
const (
	FeatureS3DataEvents = "S3_DATA_EVENTS"
	FeatureEKSAuditLogs = "EKS_AUDIT_LOGS"
)

// NotModeled counts resources of a type the input declares that a rule
// would need but trailgate does not model: the summary names each type
// once ("not judged: AWS::X::Y ×3") instead of dropping them silently.
type NotModeled struct {
	Type  string `json:"type"`
	Count int    `json:"count"`
}

// UsersByAddress finds the users an IaC input declares under address (a
// CloudFormation logical ID or a Terraform resource address), as
// RolesByAddress does for roles.
func (s *Snapshot) UsersByAddress(address string) []User {
	return byAddress(s, address, func(a *Account) []User { return a.Users }, func(u User) *Location { return u.Location })
}

// byAddress lists the entries of every account that an IaC input declares
// under address.
func byAddress[T any](s *Snapshot, address string, list func(*Account) []T, loc func(T) *Location) []T {
	var out []T
	for i := range s.Accounts {
		for _, v := range list(&s.Accounts[i]) {
			if l := loc(v); l != nil && l.Address == address {
				out = append(out, v)
			}
		}
	}
	return out
}

// GuideOrgFormation marks an organization read from org-formation
// templates (Organization.Guide).
const GuideOrgFormation = "org-formation"
