package snapshot

import "encoding/json"

// SchemaVersion is the version of the snapshot document this build reads and
// writes. A change that old readers would misread bumps it.
const SchemaVersion = "1"

// Sources a snapshot (or a single resource) can come from.
const (
	SourceLive           = "live"
	SourceCloudFormation = "cloudformation"
	SourceTerraform      = "terraform"
	SourceFixture        = "fixture"
)

// Snapshot is one normalized picture of an AWS organization (or of a single
// account) as far as security-log delivery is concerned.
type Snapshot struct {
	// SchemaVersion must equal SchemaVersion; anything else is refused at load.
	SchemaVersion string `json:"schema_version"`
	// Source says where the snapshot came from: live, cloudformation,
	// terraform or fixture. Overlays keep the base snapshot's source.
	Source string `json:"source"`
	// Partition is the AWS partition (aws, aws-us-gov, aws-cn); empty means aws.
	Partition string `json:"partition,omitempty"`
	// Organization is nil in single-account mode or when Organizations could
	// not be read.
	Organization *Organization `json:"organization,omitempty"`
	// Accounts holds every account whose resources were collected, sorted by ID.
	Accounts []Account `json:"accounts"`
	// CollectionErrors lists what could not be read and why; a snapshot with
	// any is partial, and rules depending on the missing data cannot be proven.
	CollectionErrors []CollectionError `json:"collection_errors,omitempty"`
	// Unknowns lists values an IaC collector could not resolve (an
	// ImportValue, a value known only after apply). Each such value appears in
	// the model as a string produced by Unknown.
	Unknowns []UnknownValue `json:"unknowns,omitempty"`
	// NotModeled counts the input's resources of types a rule would need
	// that trailgate does not model (IaC only), per type.
	NotModeled []NotModeled `json:"not_modeled,omitempty"`
	// Sensitive lists values the input marks secret (Terraform's
	// after_sensitive): judged like any other, never printed. Never
	// written either: a snapshot file is an output too.
	Sensitive []string `json:"-"`
}

// Organization is an AWS Organizations organization: its tree, its
// authorization policies and which services it trusts.
type Organization struct {
	ID string `json:"id"`
	// Guide names the setup guide the organization was declared with:
	// "org-formation" for an org-formation landing zone, whose guide's
	// steps the rules then demand (rego/lib/landing_zone.rego).
	Guide               string `json:"guide,omitempty"`
	ARN                 string `json:"arn,omitempty"`
	ManagementAccountID string `json:"management_account_id"`
	// RootID is the ID of the organization's root (r-xxxx).
	RootID string `json:"root_id"`
	// FeatureSet is ALL or CONSOLIDATED_BILLING; SCPs and RCPs need ALL.
	FeatureSet string `json:"feature_set,omitempty"`
	// OrganizationalUnits is the OU tree, flattened; ParentID links it.
	OrganizationalUnits []OrganizationalUnit `json:"organizational_units,omitempty"`
	// Members lists every account of the organization with its parent, even
	// accounts whose resources were not collected.
	Members []OrgAccount `json:"members,omitempty"`
	// Policies holds the SCPs and RCPs with the targets they are attached to.
	Policies []OrgPolicy `json:"policies,omitempty"`
	// EnabledServicePrincipals lists the services granted trusted access
	// (ListAWSServiceAccessForOrganization), e.g. cloudtrail.amazonaws.com.
	EnabledServicePrincipals []string `json:"enabled_service_principals,omitempty"`
	// EnabledPolicyTypes lists the policy types enabled on the root
	// (SERVICE_CONTROL_POLICY, RESOURCE_CONTROL_POLICY).
	EnabledPolicyTypes []string `json:"enabled_policy_types,omitempty"`
	// DelegatedAdministrators lists delegated administrator accounts per service.
	DelegatedAdministrators []DelegatedAdministrator `json:"delegated_administrators,omitempty"`
	Location                *Location                `json:"location,omitempty"`
}

// OrganizationalUnit is one OU; ParentID is the root or another OU.
type OrganizationalUnit struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	ParentID string `json:"parent_id"`
}

// OrgAccount is an account's membership in the organization.
type OrgAccount struct {
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Status   string `json:"status,omitempty"` // ACTIVE, SUSPENDED, PENDING_CLOSURE
	ParentID string `json:"parent_id"`
}

// Organization policy types as the Organizations API names them.
const (
	PolicyTypeSCP = "SERVICE_CONTROL_POLICY"
	PolicyTypeRCP = "RESOURCE_CONTROL_POLICY"
)

// OrgPolicy is a service control policy or resource control policy.
type OrgPolicy struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	ARN  string `json:"arn,omitempty"`
	// Type is SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY.
	Type       string `json:"type"`
	AWSManaged bool   `json:"aws_managed,omitempty"`
	Document   Policy `json:"document"`
	// Targets are the root, OU and account IDs the policy is attached to.
	Targets []string `json:"targets,omitempty"`
}

// DelegatedAdministrator is an account registered as delegated administrator
// for a service principal.
type DelegatedAdministrator struct {
	AccountID        string `json:"account_id"`
	ServicePrincipal string `json:"service_principal"`
}

// Account holds the resources collected in one AWS account.
type Account struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// FromIaC marks, in a live snapshot with templates or plans overlaid
	// (Overlay), an account only the IaC input holds: its principals are
	// the ones the templates declare, not a listing of the account. Not
	// part of the snapshot file: it describes this run's overlay.
	FromIaC bool `json:"-"`
	// Regions lists the regions whose regional resources were collected.
	Regions []string `json:"regions,omitempty"`
	// Roles are the account's IAM roles.
	Roles []Role `json:"roles,omitempty"`
	// ManagedPolicies are the managed policies (customer or AWS managed) the
	// collector saw attached in this account, with their default version.
	ManagedPolicies []ManagedPolicy `json:"managed_policies,omitempty"`
	Buckets         []Bucket        `json:"buckets,omitempty"`
	Trails          []Trail         `json:"trails,omitempty"`
	Keys            []Key           `json:"keys,omitempty"`
	Topics          []Topic         `json:"topics,omitempty"`
	Queues          []Queue         `json:"queues,omitempty"`
	Detectors       []Detector      `json:"detectors,omitempty"`
	// EventSourceMappings are Lambda event source mappings: Lambda polls a
	// queue or stream with the function's execution role.
	EventSourceMappings []EventSourceMapping `json:"event_source_mappings,omitempty"`
	// Users are the account's IAM users with their access keys' metadata
	// (a connector authenticating with an access key, SkyFormation K2).
	Users []User `json:"users,omitempty"`
	// InstanceProfiles link an EC2 host to the role it acts as.
	InstanceProfiles []InstanceProfile `json:"instance_profiles,omitempty"`
	// EKSClusters, LogGroups and DeliveryStreams carry the EKS audit path
	// (cluster → CloudWatch Logs → subscription filter → Firehose → S3).
	EKSClusters     []EKSCluster     `json:"eks_clusters,omitempty"`
	LogGroups       []LogGroup       `json:"log_groups,omitempty"`
	DeliveryStreams []DeliveryStream `json:"delivery_streams,omitempty"`
	// EventRules are EventBridge rules with their targets (GuardDuty
	// findings routed to SNS).
	EventRules []EventRule `json:"event_rules,omitempty"`
	// MacieExports are Macie classification export configurations, one per
	// region where one is set.
	MacieExports []MacieExport `json:"macie_exports,omitempty"`
	// RedshiftClusters and RedshiftParameterGroups carry the Redshift
	// audit-log path (cluster → bucket under AWSLogs/<account>/redshift/
	// → reader; SkyFormation K5).
	RedshiftClusters        []RedshiftCluster        `json:"redshift_clusters,omitempty"`
	RedshiftParameterGroups []RedshiftParameterGroup `json:"redshift_parameter_groups,omitempty"`
}

// EventSourceMapping is a Lambda event source mapping
// (lambda:CreateEventSourceMapping): the Lambda service polls
// EventSourceARN (an SQS queue, a Kinesis or DynamoDB stream) on behalf of
// the function, calling sqs:ReceiveMessage, sqs:DeleteMessage and
// sqs:GetQueueAttributes as the function's execution role RoleARN, so that
// role is a reader of the queue
// (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
type EventSourceMapping struct {
	FunctionARN    string `json:"function_arn"`
	EventSourceARN string `json:"event_source_arn"`
	// RoleARN is the function's execution role; empty when the function
	// is not declared with the mapping.
	RoleARN string `json:"role_arn,omitempty"`
	// Enabled: a disabled mapping does not poll.
	Enabled  bool      `json:"enabled"`
	Location *Location `json:"location,omitempty"`
}

// Policy is an IAM policy document kept as the JSON AWS stores, parsed (not a
// string), so that both the analyzer's IAM evaluator and Rego rules see
// exactly the statements AWS would. IaC collectors add the location of the
// document and of each statement.
type Policy struct {
	// Document is the policy JSON object ({"Version":…,"Statement":…}).
	Document json.RawMessage `json:"document"`
	// Location is where the document is written, for IaC-born policies.
	Location *Location `json:"location,omitempty"`
	// StatementLocations[i] is where statement i is written (IaC only).
	StatementLocations []Location `json:"statement_locations,omitempty"`
}

// NamedPolicy is an inline policy: a name and a document.
type NamedPolicy struct {
	Name string `json:"name"`
	Policy
}

// ManagedPolicy is a managed IAM policy and its default version's document.
type ManagedPolicy struct {
	ARN        string `json:"arn"`
	Name       string `json:"name,omitempty"`
	AWSManaged bool   `json:"aws_managed,omitempty"`
	Policy
}

// Role is an IAM role with every policy that shapes what it may do.
type Role struct {
	Name   string `json:"name"`
	ARN    string `json:"arn"`
	Path   string `json:"path,omitempty"`
	RoleID string `json:"role_id,omitempty"`
	// TrustPolicy is the role's AssumeRolePolicyDocument.
	TrustPolicy *Policy `json:"trust_policy,omitempty"`
	// InlinePolicies are the role's embedded policies.
	InlinePolicies []NamedPolicy `json:"inline_policies,omitempty"`
	// AttachedPolicyARNs are managed policies attached to the role; their
	// documents are in the account's ManagedPolicies or known to the analyzer
	// (AWS managed policies).
	AttachedPolicyARNs []string `json:"attached_policy_arns,omitempty"`
	// PermissionsBoundaryARN is the managed policy used as the boundary.
	PermissionsBoundaryARN string            `json:"permissions_boundary_arn,omitempty"`
	Tags                   map[string]string `json:"tags,omitempty"`
	Location               *Location         `json:"location,omitempty"`
	// Partial is set by IaC collectors when the input does not declare this
	// resource itself, only something attached to it (a bucket policy, a
	// subscription, an inline policy, a publishing destination): only its
	// non-zero fields are known, so an overlay must merge them into the live
	// resource instead of replacing it.
	Partial bool `json:"partial,omitempty"`
}

// Trail is a CloudTrail trail as DescribeTrails, GetTrailStatus and
// GetEventSelectors describe it, in the account that owns it.
type Trail struct {
	Name       string `json:"name"`
	ARN        string `json:"arn"`
	HomeRegion string `json:"home_region"`
	// S3BucketName and S3KeyPrefix say where log files go.
	S3BucketName string `json:"s3_bucket_name"`
	S3KeyPrefix  string `json:"s3_key_prefix,omitempty"`
	// SnsTopicARN is the topic notified of each log file delivery.
	SnsTopicARN string `json:"sns_topic_arn,omitempty"`
	// KmsKeyID is the key (full ARN as AWS returns it) used for SSE-KMS.
	KmsKeyID                   string `json:"kms_key_id,omitempty"`
	IsMultiRegionTrail         bool   `json:"is_multi_region_trail"`
	IncludeGlobalServiceEvents bool   `json:"include_global_service_events"`
	IsOrganizationTrail        bool   `json:"is_organization_trail"`
	LogFileValidationEnabled   bool   `json:"log_file_validation_enabled,omitempty"`
	// CloudWatchLogsLogGroupARN and CloudWatchLogsRoleARN are the trail's
	// CloudWatch Logs delivery: the group (arn:…:log-group:NAME:*) and the
	// role CloudTrail assumes to call logs:CreateLogStream/PutLogEvents.
	CloudWatchLogsLogGroupARN string `json:"cloudwatch_logs_log_group_arn,omitempty"`
	CloudWatchLogsRoleARN     string `json:"cloudwatch_logs_role_arn,omitempty"`
	// Status is GetTrailStatus; nil when it was not read.
	Status *TrailStatus `json:"status,omitempty"`
	// EventSelectors and AdvancedEventSelectors are GetEventSelectors; a
	// trail uses one kind or the other.
	EventSelectors         []EventSelector         `json:"event_selectors,omitempty"`
	AdvancedEventSelectors []AdvancedEventSelector `json:"advanced_event_selectors,omitempty"`
	Location               *Location               `json:"location,omitempty"`
}

// TrailStatus is what GetTrailStatus reports about delivery.
type TrailStatus struct {
	IsLogging               bool   `json:"is_logging"`
	LatestDeliveryError     string `json:"latest_delivery_error,omitempty"`
	LatestNotificationError string `json:"latest_notification_error,omitempty"`
}

// EventSelector is a basic CloudTrail event selector.
type EventSelector struct {
	ReadWriteType                 string         `json:"read_write_type"` // All, ReadOnly, WriteOnly
	IncludeManagementEvents       bool           `json:"include_management_events"`
	ExcludeManagementEventSources []string       `json:"exclude_management_event_sources,omitempty"`
	DataResources                 []DataResource `json:"data_resources,omitempty"`
}

// DataResource selects data events of one resource type.
type DataResource struct {
	Type   string   `json:"type"`
	Values []string `json:"values,omitempty"`
}

// AdvancedEventSelector is a CloudTrail advanced event selector.
type AdvancedEventSelector struct {
	Name           string          `json:"name,omitempty"`
	FieldSelectors []FieldSelector `json:"field_selectors"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"field"`
	Equals        []string `json:"equals,omitempty"`
	NotEquals     []string `json:"not_equals,omitempty"`
	StartsWith    []string `json:"starts_with,omitempty"`
	NotStartsWith []string `json:"not_starts_with,omitempty"`
	EndsWith      []string `json:"ends_with,omitempty"`
	NotEndsWith   []string `json:"not_ends_with,omitempty"`
}

// Object ownership settings (GetBucketOwnershipControls).
const (
	OwnershipBucketOwnerEnforced  = "BucketOwnerEnforced"
	OwnershipBucketOwnerPreferred = "BucketOwnerPreferred"
	OwnershipObjectWriter         = "ObjectWriter"
)

// Bucket is an S3 bucket and every sub-resource that decides whether logs
// can be written to it and read from it.
type Bucket struct {
	Name string `json:"name"`
	ARN  string `json:"arn"`
	// Region is GetBucketLocation, normalized (an empty LocationConstraint is
	// us-east-1, "EU" is eu-west-1).
	Region string `json:"region"`
	// Policy is nil when the bucket has none (NoSuchBucketPolicy).
	Policy *Policy `json:"policy,omitempty"`
	// ObjectOwnership is empty when the bucket has no ownership controls
	// (OwnershipControlsNotFoundError), which behaves as ObjectWriter.
	ObjectOwnership string `json:"object_ownership,omitempty"`
	ACL             *ACL   `json:"acl,omitempty"`
	// Encryption is nil when no default encryption is configured.
	Encryption *BucketEncryption `json:"encryption,omitempty"`
	// Notification is nil when the bucket sends no event notifications.
	Notification *NotificationConfiguration `json:"notification,omitempty"`
	// RequestPayer is BucketOwner or Requester.
	RequestPayer string          `json:"request_payer,omitempty"`
	Lifecycle    []LifecycleRule `json:"lifecycle,omitempty"`
	// ObjectLockEnabled is true when Object Lock is configured.
	ObjectLockEnabled bool `json:"object_lock_enabled,omitempty"`
	// PublicAccessBlock is the bucket's GetPublicAccessBlock; nil when none
	// is configured (NoSuchPublicAccessBlockConfiguration), not read, or
	// not declared in IaC (a new bucket then has all four settings on:
	// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
	PublicAccessBlock *PublicAccessBlock `json:"public_access_block,omitempty"`
	// Versioning is GetBucketVersioning's Status: Enabled, Suspended, or
	// empty when versioning was never enabled.
	Versioning string `json:"versioning,omitempty"`
	// ProbedKeys records object keys the collector looked for (GuardDuty
	// prefix folder markers) and whether they exist.
	ProbedKeys []ProbedKey `json:"probed_keys,omitempty"`
	Location   *Location   `json:"location,omitempty"`
	// Partial marks a resource the IaC only attaches to, as Role.Partial.
	Partial bool `json:"partial,omitempty"`
}

// ACL is a bucket access control list.
type ACL struct {
	OwnerID string  `json:"owner_id,omitempty"`
	Grants  []Grant `json:"grants,omitempty"`
}

// Grant is one ACL grant.
type Grant struct {
	GranteeType string `json:"grantee_type"` // CanonicalUser, Group, AmazonCustomerByEmail
	GranteeID   string `json:"grantee_id,omitempty"`
	GranteeURI  string `json:"grantee_uri,omitempty"`
	Permission  string `json:"permission"`
}

// BucketEncryption is the bucket's default encryption rule.
type BucketEncryption struct {
	// SSEAlgorithm is AES256, aws:kms or aws:kms:dsse.
	SSEAlgorithm string `json:"sse_algorithm"`
	// KMSMasterKeyID is as configured: a key ID, key ARN, alias name or alias
	// ARN; empty with aws:kms means the AWS managed key aws/s3.
	KMSMasterKeyID   string `json:"kms_master_key_id,omitempty"`
	BucketKeyEnabled bool   `json:"bucket_key_enabled,omitempty"`
}

// NotificationConfiguration is GetBucketNotificationConfiguration.
type NotificationConfiguration struct {
	TopicConfigurations  []NotificationTarget `json:"topic_configurations,omitempty"`
	QueueConfigurations  []NotificationTarget `json:"queue_configurations,omitempty"`
	LambdaConfigurations []NotificationTarget `json:"lambda_configurations,omitempty"`
	EventBridgeEnabled   bool                 `json:"eventbridge_enabled,omitempty"`
	// Location is where the configuration is declared in IaC; Terraform's
	// aws_s3_bucket_notification replaces the whole configuration, so the
	// resource that declares it matters.
	Location *Location `json:"location,omitempty"`
}

// NotificationTarget is one topic, queue or Lambda configuration.
type NotificationTarget struct {
	ID           string    `json:"id,omitempty"`
	ARN          string    `json:"arn"`
	Events       []string  `json:"events"`
	FilterPrefix string    `json:"filter_prefix,omitempty"`
	FilterSuffix string    `json:"filter_suffix,omitempty"`
	Location     *Location `json:"location,omitempty"`
}

// LifecycleRule is the part of a lifecycle rule that can expire log objects.
type LifecycleRule struct {
	ID     string `json:"id,omitempty"`
	Status string `json:"status"` // Enabled, Disabled
	Prefix string `json:"prefix,omitempty"`
	// ExpirationDays is 0 when the rule does not expire current objects.
	ExpirationDays int `json:"expiration_days,omitempty"`
	// Location is where an IaC input writes the rule (the rule's own
	// entry where the input shows it), for a fix that edits the rule.
	Location *Location `json:"location,omitempty"`
}

// ProbedKey is an object key the collector checked for.
type ProbedKey struct {
	Key    string `json:"key"`
	Exists bool   `json:"exists"`
}

// Key is a KMS key with its key policy.
type Key struct {
	KeyID   string   `json:"key_id"`
	ARN     string   `json:"arn"`
	Region  string   `json:"region"`
	Aliases []string `json:"aliases,omitempty"`
	Policy  *Policy  `json:"policy,omitempty"`
	// KeyState is Enabled, Disabled, PendingDeletion, PendingImport, Unavailable.
	KeyState string `json:"key_state"`
	// KeyManager is CUSTOMER or AWS; AWS managed keys' policies cannot be edited.
	KeyManager string     `json:"key_manager"`
	Grants     []KeyGrant `json:"grants,omitempty"`
	Location   *Location  `json:"location,omitempty"`
	// Partial is set by IaC collectors when the input does not declare the
	// key itself, only its policy or an alias (aws_kms_key_policy,
	// aws_kms_alias for a key managed elsewhere): only its non-zero fields
	// are known, so an overlay must merge them into the live key.
	Partial bool `json:"partial,omitempty"`
}

// KeyGrant is a KMS grant.
type KeyGrant struct {
	GrantID          string   `json:"grant_id,omitempty"`
	GranteePrincipal string   `json:"grantee_principal"`
	Operations       []string `json:"operations"`
}

// Topic is an SNS topic with its subscriptions.
type Topic struct {
	Name   string  `json:"name"`
	ARN    string  `json:"arn"`
	Region string  `json:"region"`
	Policy *Policy `json:"policy,omitempty"`
	// KmsMasterKeyID is as configured (key ID, ARN or alias); empty means
	// the topic is not encrypted.
	KmsMasterKeyID string         `json:"kms_master_key_id,omitempty"`
	FifoTopic      bool           `json:"fifo_topic,omitempty"`
	Subscriptions  []Subscription `json:"subscriptions,omitempty"`
	Location       *Location      `json:"location,omitempty"`
	// Partial marks a resource the IaC only attaches to, as Role.Partial.
	Partial bool `json:"partial,omitempty"`
}

// Subscription is an SNS subscription as GetSubscriptionAttributes reports it.
type Subscription struct {
	// ARN is the subscription ARN, or PendingConfirmation / Deleted as SNS
	// reports subscriptions in those states.
	ARN                 string `json:"arn,omitempty"`
	Protocol            string `json:"protocol"`
	Endpoint            string `json:"endpoint"`
	Owner               string `json:"owner,omitempty"`
	PendingConfirmation bool   `json:"pending_confirmation,omitempty"`
	RawMessageDelivery  bool   `json:"raw_message_delivery,omitempty"`
	// FilterPolicy is the subscription's filter policy JSON, if any.
	FilterPolicy      json.RawMessage `json:"filter_policy,omitempty"`
	FilterPolicyScope string          `json:"filter_policy_scope,omitempty"`
	Location          *Location       `json:"location,omitempty"`
}

// Queue is an SQS queue as GetQueueAttributes reports it.
type Queue struct {
	Name   string  `json:"name"`
	ARN    string  `json:"arn"`
	URL    string  `json:"url,omitempty"`
	Region string  `json:"region"`
	Policy *Policy `json:"policy,omitempty"`
	// KmsMasterKeyID is as configured (key ID, ARN or alias); empty means
	// no SSE-KMS.
	KmsMasterKeyID         string `json:"kms_master_key_id,omitempty"`
	SqsManagedSseEnabled   bool   `json:"sqs_managed_sse_enabled,omitempty"`
	FifoQueue              bool   `json:"fifo_queue,omitempty"`
	VisibilityTimeout      int    `json:"visibility_timeout"`
	MessageRetentionPeriod int    `json:"message_retention_period"`
	DelaySeconds           int    `json:"delay_seconds,omitempty"`
	MaximumMessageSize     int    `json:"maximum_message_size,omitempty"`
	ReceiveWaitTimeSeconds int    `json:"receive_wait_time_seconds,omitempty"`
	// RedrivePolicy is nil when the queue has no dead-letter queue.
	RedrivePolicy *RedrivePolicy `json:"redrive_policy,omitempty"`
	Location      *Location      `json:"location,omitempty"`
	// Partial marks a resource the IaC only attaches to, as Role.Partial.
	Partial bool `json:"partial,omitempty"`
}

// RedrivePolicy sends messages received too often to a dead-letter queue.
type RedrivePolicy struct {
	DeadLetterTargetARN string `json:"dead_letter_target_arn"`
	MaxReceiveCount     int    `json:"max_receive_count"`
}

// Detector is a GuardDuty detector in one region.
type Detector struct {
	ID     string `json:"id"`
	Region string `json:"region"`
	// ARN is arn:<partition>:guardduty:<region>:<account>:detector/<id>,
	// the aws:SourceArn GuardDuty sends when it exports findings. Sort
	// (and Parse, for files without it) derives it from the account, the
	// region and the ID (DetectorARN).
	ARN string `json:"arn,omitempty"`
	// Status is ENABLED or DISABLED.
	Status string `json:"status"`
	// FindingPublishingFrequency is FIFTEEN_MINUTES, ONE_HOUR or SIX_HOURS.
	FindingPublishingFrequency string                  `json:"finding_publishing_frequency"`
	PublishingDestinations     []PublishingDestination `json:"publishing_destinations,omitempty"`
	Members                    []DetectorMember        `json:"members,omitempty"`
	// AdministratorAccountID is set on member detectors.
	AdministratorAccountID string `json:"administrator_account_id,omitempty"`
	// SuppressionRules counts filters whose action is ARCHIVE: archived
	// findings are never exported.
	SuppressionRules []string `json:"suppression_rules,omitempty"`
	// Features are the detector's protection plans (GetDetector Features,
	// or the older DataSources mapped to feature names: S3Logs is
	// S3_DATA_EVENTS); nil when not read or not declared.
	Features []DetectorFeature `json:"features,omitempty"`
	// OrganizationConfiguration is the auto-enable configuration a
	// delegated administrator's detector sets for the organization's
	// members (DescribeOrganizationConfiguration); nil when not read or
	// not declared.
	OrganizationConfiguration *DetectorOrgConfiguration `json:"organization_configuration,omitempty"`
	Location                  *Location                 `json:"location,omitempty"`
	// Partial marks a resource the IaC only attaches to, as Role.Partial.
	Partial bool `json:"partial,omitempty"`
}

// PublishingDestination is a GuardDuty findings export.
type PublishingDestination struct {
	ID              string `json:"id,omitempty"`
	DestinationType string `json:"destination_type"` // S3
	// DestinationARN is the bucket ARN, optionally with a prefix
	// (arn:aws:s3:::bucket/prefix).
	DestinationARN string `json:"destination_arn"`
	KmsKeyARN      string `json:"kms_key_arn"`
	// Status is PENDING_VERIFICATION, PUBLISHING,
	// UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY or STOPPED.
	Status                          string    `json:"status,omitempty"`
	PublishingFailureStartTimestamp int64     `json:"publishing_failure_start_timestamp,omitempty"`
	Location                        *Location `json:"location,omitempty"`
}

// DetectorMember is a member account of an administrator's detector.
type DetectorMember struct {
	AccountID          string `json:"account_id"`
	RelationshipStatus string `json:"relationship_status"`
}

// CollectionError records one read that failed, so that the analyzer can
// say which rules it could not prove instead of passing silently.
type CollectionError struct {
	Account   string `json:"account,omitempty"`
	Region    string `json:"region,omitempty"`
	Service   string `json:"service"`
	Operation string `json:"operation"`
	// Resource is the ARN or name the call was about, when there was one.
	Resource string `json:"resource,omitempty"`
	// Code is the AWS error code (AccessDenied, ThrottlingException, …) or
	// the HTTP status for errors without one.
	Code    string `json:"code"`
	Message string `json:"message,omitempty"`
}

// Location points at where a resource or statement is declared in IaC.
type Location struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	// Address is the Terraform resource address or CloudFormation logical ID.
	Address string `json:"address,omitempty"`
	// Change is what applying the IaC does to the resource: create,
	// update, delete, replace, no-op or read (Terraform's planned action;
	// a data source is read). A CloudFormation declaration is create: a
	// stack applies what it declares. Empty when the input does not say
	// (a plan without resource_changes, a live snapshot). Rules about
	// what an apply would call (CT06: UpdateTrail on a Control Tower
	// trail) must not fire for no-op or read.
	Change string `json:"change,omitempty"`
}

// Planned actions (Location.Change).
const (
	ChangeCreate  = "create"
	ChangeUpdate  = "update"
	ChangeDelete  = "delete"
	ChangeReplace = "replace"
	ChangeNoOp    = "no-op"
	ChangeRead    = "read"
)

// UnknownValue is a value an IaC collector could not resolve.
type UnknownValue struct {
	// Token is the string that stands for the value in the model.
	Token string `json:"token"`
	// Reason says why: "ImportValue SharedKeyArn", "known after apply".
	Reason   string    `json:"reason"`
	Location *Location `json:"location,omitempty"`
}

// RolesByAddress lists the roles IaC inputs declare under address: more
// than one when several stacks (two copies of one template) use it.
func (s *Snapshot) RolesByAddress(address string) []Role {
	return byAddress(s, address, func(a *Account) []Role { return a.Roles }, func(r Role) *Location { return r.Location })
}

// RoleARNByAddress finds the role an IaC input declares under address (a
// CloudFormation logical ID or a Terraform resource address) and returns
// its ARN, which may be an Unknown token when AWS names the role.
func (s *Snapshot) RoleARNByAddress(address string) (string, bool) {
	for i := range s.Accounts {
		for _, r := range s.Accounts[i].Roles {
			if r.Location != nil && r.Location.Address == address {
				return r.ARN, true
			}
		}
	}
	return "", false
}
