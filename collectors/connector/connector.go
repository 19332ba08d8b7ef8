package connector

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"go.yaml.in/yaml/v3"

	"github.com/trailgate/trailgate/collectors/fileio"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Profiles a connector file may name. Each is kept as data in rego/profiles.
var Profiles = []string{"radiant", "skyformation", "expel", "rapid7", "generic"}

// Sources a connector may read. cloudtrail and guardduty are delivered
// through S3 (or read through their API); eks is EKS audit logs shipped
// through CloudWatch Logs and Firehose to S3 (Rapid7 step P5); the others
// are data sources a vendor reads through the service's API only
// (SkyFormation K3, K5: IAM, CloudWatch Logs and CloudWatch read-only
// access, Macie alerts through a queue, Redshift audit logs, Inspector and
// Shield findings, flow-log enrichment), whose guide steps demand the
// permissions they call.
var Sources = []string{"cloudtrail", "guardduty", "eks", "iam", "cloudwatch-logs", "cloudwatch", "macie", "redshift", "inspector", "shield", "flow-logs"}

// Authentications are SkyFormation's authentication methods (K2): an IAM
// user's access key ("Basic"; role is then the user's ARN), a role the
// vendor's user assumes ("STSAssumeRole"), or the role of the EC2 host's
// instance profile ("InstanceProfile").
var Authentications = []string{"Basic", "STSAssumeRole", "InstanceProfile"}

// Connector is the contract's connector file.
type Connector struct {
	// Profile is the vendor whose setup guide applies.
	Profile string `json:"profile" yaml:"profile"`
	// Role is the role the connector assumes: an ARN, or in IaC a logical ID
	// or Terraform address.
	Role string `json:"role" yaml:"role"`
	// TrustedPrincipal is the vendor's principal that assumes Role.
	TrustedPrincipal string `json:"trusted_principal,omitempty" yaml:"trusted_principal"`
	// ExternalID is the vendor-issued sts:ExternalId. It is a shared secret
	// of sorts: show it masked (Masked).
	ExternalID string `json:"external_id,omitempty" yaml:"external_id"`
	// Queue is the SQS queue ARN the connector reads, if it reads one.
	Queue string `json:"queue,omitempty" yaml:"queue"`
	// QueueURL is the queue URL the reader is configured with, when it is
	// given one: it then never calls sqs:GetQueueUrl.
	QueueURL string `json:"queue_url,omitempty" yaml:"queue_url"`
	// QueueRole is the principal that polls Queue when it is not Role (a
	// Lambda function's execution role behind an event source mapping):
	// an ARN, or in IaC a logical ID or Terraform address.
	QueueRole string `json:"queue_role,omitempty" yaml:"queue_role"`
	// ObjectRole is the principal that reads the log objects and decrypts
	// them when it is not Role; same forms as Role.
	ObjectRole string `json:"object_role,omitempty" yaml:"object_role"`
	// Region is the region entered in the vendor's console.
	Region string `json:"region,omitempty" yaml:"region"`
	// Prefix is the storage prefix the reader lists CloudTrail logs under
	// (Rapid7's defaults to AWSLogs/<account>); empty: the vendor's
	// default.
	Prefix string `json:"prefix,omitempty" yaml:"prefix"`
	// Sources are the log sources the connector ingests.
	Sources []string `json:"sources,omitempty" yaml:"sources"`
	// Authentication is how the connector obtains credentials (one of
	// Authentications); empty means Basic when Role is a user ARN, else
	// STSAssumeRole.
	Authentication string `json:"authentication,omitempty" yaml:"authentication"`
	// MacieQueue is a second SQS queue the same connector polls for Macie
	// alerts (SkyFormation K4: one connector, several queues).
	MacieQueue string `json:"macie_queue,omitempty" yaml:"macie_queue"`
	// File is where the connector was read from (not part of the file).
	File string `json:"file,omitempty" yaml:"-"`
	// RoleLine is the line of the role key in File (0 when unknown), for
	// errors about the role found after parsing (a logical ID without
	// --iac to resolve it).
	RoleLine int `json:"-" yaml:"-"`
	// Lines are the lines of every key in File.
	Lines map[string]int `json:"-" yaml:"-"`
}

// Keys are the keys a connector file may hold, in the order the contract
// lists them.
var Keys = []string{"profile", "role", "trusted_principal", "external_id", "queue", "queue_url", "queue_role", "object_role", "region", "prefix", "sources", "authentication", "macie_queue"}

// RoleRef is one key of the file that names a principal: role,
// queue_role or object_role.
type RoleRef struct {
	Key   string
	Value *string
	Line  int
}

// RoleRefs lists the principals the file names (set ones only), so that
// each is validated and, in IaC, resolved to an ARN the same way.
func (c *Connector) RoleRefs() []RoleRef {
	var out []RoleRef
	for _, r := range []RoleRef{{"role", &c.Role, 0}, {"queue_role", &c.QueueRole, 0}, {"object_role", &c.ObjectRole, 0}} {
		if *r.Value != "" {
			r.Line = c.Lines[r.Key]
			out = append(out, r)
		}
	}
	return out
}

// IsRoleARN reports whether Role is an ARN rather than a logical ID or a
// Terraform address (which only IaC input can resolve). Parse has already
// refused an ARN that is not an IAM role's.
func (c *Connector) IsRoleARN() bool { return IsARN(c.Role) }

// IsARN reports whether a principal reference is an ARN rather than a
// logical ID or Terraform address.
func IsARN(ref string) bool { return strings.HasPrefix(ref, "arn:") }

// Error names the file and line of a bad connector file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return snapshot.ErrorText(e.File, e.Line, "", e.Msg) }

// LoadFile reads a connector file.
func LoadFile(path string) (*Connector, error) {
	data, err := fileio.ReadFile(context.Background(), path, fileio.MaxConnectorBytes, "a connector file")
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

var (
	lineRe = regexp.MustCompile(`line ([0-9]+)`)
)

// Parse decodes a connector file. JSON is a subset of YAML, so one decoder
// reads both; unknown keys are refused so that a typo (extrnal_id) is not
// silently ignored.
func Parse(name string, data []byte) (*Connector, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(name, err)
	}
	if len(root.Content) == 0 {
		return nil, &Error{File: name, Msg: "empty connector file"}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return nil, &Error{File: name, Line: doc.Line, Msg: "a connector file is a mapping (profile:, role:, …)"}
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k := doc.Content[i]
		if prev, dup := lines[k.Value]; dup {
			return nil, &Error{File: name, Line: k.Line, Msg: fmt.Sprintf("%s: given twice (first on line %d)", k.Value, prev)}
		}
		lines[k.Value] = k.Line
		if err := checkStrings(name, doc.Content[i], doc.Content[i+1]); err != nil {
			return nil, err
		}
	}
	// A typo (extrnal_id) is refused by name, with the keys the file may
	// hold, rather than in the decoder's Go terms.
	for i := 0; i+1 < len(doc.Content); i += 2 {
		if k := doc.Content[i]; !slices.Contains(Keys, k.Value) {
			return nil, &Error{File: name, Line: k.Line, Msg: fmt.Sprintf("unknown key %q (known keys: %s)", k.Value, strings.Join(Keys, ", "))}
		}
	}
	var c Connector
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, yamlError(name, err)
	}
	c.File = name
	c.RoleLine = lines["role"]
	c.Lines = lines
	fail := func(key, format string, args ...any) error {
		return &Error{File: name, Line: lines[key], Msg: key + ": " + fmt.Sprintf(format, args...)}
	}
	if !slices.Contains(Profiles, c.Profile) {
		return nil, fail("profile", "must be one of %s; got %q", strings.Join(Profiles, ", "), c.Profile)
	}
	if c.Role == "" {
		return nil, &Error{File: name, Msg: "role: missing (the role ARN the connector assumes)"}
	}
	for _, r := range c.RoleRefs() {
		if IsARN(*r.Value) {
			if r.Key == "role" && IsUserARN(*r.Value) && userProfiles[c.Profile] {
				// SkyFormation "Basic": the connector signs with the
				// user's own access key; the user is the principal.
				if msg := userARNError(*r.Value); msg != "" {
					return nil, fail(r.Key, "%s; got %q", msg, *r.Value)
				}
				continue
			}
			if msg := roleARNError(*r.Value); msg != "" {
				return nil, fail(r.Key, "%s; got %q", msg, *r.Value)
			}
		}
	}
	if c.TrustedPrincipal != "" && !isPrincipal(c.TrustedPrincipal) {
		return nil, fail("trusted_principal", "must be an ARN (arn:aws:iam::ACCOUNT:root, a role ARN), a 12-digit account ID or a service principal (NAME.amazonaws.com); got %q", c.TrustedPrincipal)
	}
	if c.Region != "" && !snapshot.IsRegion(c.Region) {
		return nil, fail("region", "must be an AWS region such as us-east-1; got %q", c.Region)
	}
	if c.Queue != "" && !strings.HasPrefix(c.Queue, "arn:") {
		return nil, fail("queue", "must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); got %q", c.Queue)
	}
	if c.QueueURL != "" {
		if msg := queueURLError(c.QueueURL, c.Queue); msg != "" {
			return nil, fail("queue_url", "%s; got %q", msg, c.QueueURL)
		}
	}
	if c.Authentication != "" && !slices.Contains(Authentications, c.Authentication) {
		return nil, fail("authentication", "must be one of %s; got %q", strings.Join(Authentications, ", "), c.Authentication)
	}
	switch {
	case c.Authentication == "Basic" && IsARN(c.Role) && !IsUserARN(c.Role):
		return nil, fail("role", "authentication Basic signs with an IAM user's access key: role must be the user's ARN (arn:aws:iam::ACCOUNT:user/NAME); got %q", c.Role)
	case c.Authentication != "" && c.Authentication != "Basic" && IsUserARN(c.Role):
		return nil, fail("role", "authentication %s acts as a role: role must be a role ARN, not the user %q (name the user that assumes it as trusted_principal)", c.Authentication, c.Role)
	}
	if c.MacieQueue != "" && !strings.HasPrefix(c.MacieQueue, "arn:") {
		return nil, fail("macie_queue", "must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); got %q", c.MacieQueue)
	}
	if p := c.Prefix; strings.HasPrefix(p, "/") || strings.Contains(p, "//") || strings.ContainsAny(p, "*?") {
		return nil, fail("prefix", "must be an S3 key prefix such as AWSLogs/o-a1b2c3d4e5 (no leading slash, no wildcard); got %q", p)
	}
	for _, s := range c.Sources {
		if !slices.Contains(Sources, s) {
			return nil, fail("sources", "unknown source %q (known: %s)", s, strings.Join(Sources, ", "))
		}
	}
	return &c, nil
}

// stringKeys are the keys whose value is a string, and listKeys those whose
// value is a list of strings.
var (
	stringKeys = map[string]bool{"profile": true, "role": true, "trusted_principal": true, "external_id": true, "queue": true, "queue_url": true, "queue_role": true, "object_role": true, "region": true, "prefix": true, "authentication": true, "macie_queue": true}
	listKeys   = map[string]bool{"sources": true}
)

// checkStrings refuses a value of the wrong YAML type where a string is
// expected. The decoder would read `"role": 5` or `external_id: 0x1F` into
// a string as written (or, for 1e3 or an octal, as something else than the
// vendor console shows), so a wrong value would pass silently: a string
// must be a string (quoted when it looks like a number). null is absence.
func checkStrings(name string, key, val *yaml.Node) error {
	if val.Kind == yaml.AliasNode && val.Alias != nil {
		val = val.Alias
	}
	wantStr := func(n *yaml.Node, what string) error {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!str" || n.Tag == "!!null") {
			return nil
		}
		got := "a mapping"
		switch {
		case n.Kind == yaml.ScalarNode:
			got = fmt.Sprintf("%s %s", strings.TrimPrefix(n.Tag, "!!"), n.Value)
		case n.Kind == yaml.SequenceNode:
			got = "a list"
		}
		return &Error{File: name, Line: n.Line, Msg: fmt.Sprintf("%s: must be a string; got %s (quote it if it is meant as text)", what, got)}
	}
	switch {
	case stringKeys[key.Value]:
		return wantStr(val, key.Value)
	case listKeys[key.Value]:
		switch {
		case val.Kind == yaml.SequenceNode:
			for _, e := range val.Content {
				if err := wantStr(e, key.Value); err != nil {
					return err
				}
			}
		case val.Kind == yaml.ScalarNode && val.Tag == "!!null":
		default:
			got := "a mapping"
			if val.Kind == yaml.ScalarNode {
				got = fmt.Sprintf("%s %s", strings.TrimPrefix(val.Tag, "!!"), val.Value)
			}
			return &Error{File: name, Line: val.Line, Msg: fmt.Sprintf("%s: must be a list such as [cloudtrail, guardduty]; got %s", key.Value, got)}
		}
	}
	return nil
}

// IsUserARN reports whether a principal reference is an IAM user's ARN.
func IsUserARN(ref string) bool {
	a, err := arn.Parse(ref)
	return err == nil && a.Service == "iam" && strings.HasPrefix(a.Resource, "user/")
}

// userARNError says what is wrong with an IAM user ARN given as role.
func userARNError(s string) string {
	const want = "must be an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME)"
	a, _ := arn.Parse(s)
	name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	switch {
	case !partitionRe.MatchString(a.Partition):
		return want + ": unknown partition " + strconv.Quote(a.Partition)
	case a.Region != "":
		return want + ": IAM ARNs have no region"
	case !snapshot.IsAccountID(a.AccountID):
		return want + ": the account must be 12 digits"
	case !userNameRe.MatchString(name):
		// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
		return want + ": user names are 1 to 64 of A-Z a-z 0-9 +=,.@_-"
	}
	return ""
}

// userProfiles are the profiles whose reader may sign with an IAM user's
// access key: SkyFormation's "Basic" (K2), and any SQS reader (generic).
// The other guides have the vendor assume a role.
var userProfiles = map[string]bool{"skyformation": true, "generic": true}

// Basic reports whether the connector signs with an IAM user's access key
// (SkyFormation K2 "Basic").
func (c *Connector) Basic() bool {
	return c.Authentication == "Basic" || (c.Authentication == "" && IsUserARN(c.Role))
}

// roleARNError says what is wrong with an ARN given as the connector role:
// it must be an IAM role ARN, arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html).
func roleARNError(s string) string {
	const want = "must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
	a, err := arn.Parse(s)
	switch {
	case err != nil:
		return want + ": " + err.Error()
	case !partitionRe.MatchString(a.Partition):
		return want + ": unknown partition " + strconv.Quote(a.Partition)
	case a.Service != "iam":
		return want + ": not an IAM ARN (service " + strconv.Quote(a.Service) + ")"
	case a.Region != "":
		return want + ": IAM ARNs have no region"
	case !snapshot.IsAccountID(a.AccountID):
		return want + ": the account must be 12 digits"
	case !strings.HasPrefix(a.Resource, "role/"):
		return want + ": not a role"
	}
	name := a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	if !roleNameRe.MatchString(name) {
		return want + ": role names are 1 to 64 of A-Z a-z 0-9 +=,.@_-"
	}
	return ""
}

var (
	// Partitions are aws, aws-cn, aws-us-gov, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc.
	partitionRe = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	// IAM role names (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html).
	roleNameRe = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	userNameRe = roleNameRe
	// Service principals are NAME.amazonaws.com, and .amazonaws.com.cn in
	// the China regions
	// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services).
	servicePrincipalRe = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$`)
)

// queueURLRe is an SQS queue URL, https://sqs.REGION.amazonaws.com/ACCOUNT/NAME
// (or the legacy https://REGION.queue.amazonaws.com/…, and .amazonaws.com.cn
// in China)
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-message-identifiers.html).
var queueURLRe = regexp.MustCompile(`^https://(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(?:\.cn)?/([0-9]{12})/([\w-]{1,80}(?:\.fifo)?)$`)

// queueURLError says what is wrong with a queue URL, and whether it names
// another queue than the queue ARN.
func queueURLError(u, queueARN string) string {
	m := queueURLRe.FindStringSubmatch(u)
	if m == nil {
		return "must be an SQS queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"
	}
	region := m[1] + m[2]
	if queueARN != "" {
		if a, err := arn.Parse(queueARN); err == nil && (a.Region != region || a.AccountID != m[3] || a.Resource != m[4]) {
			return "names another queue than queue (" + queueARN + ")"
		}
	}
	return ""
}

// isPrincipal reports whether s can name the vendor's principal in a trust
// policy: an ARN, an account ID or a service principal.
func isPrincipal(s string) bool {
	return arn.IsARN(s) || snapshot.IsAccountID(s) || servicePrincipalRe.MatchString(s)
}

func yamlError(name string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if m := lineRe.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &line)
		// The line now stands after the file name; do not say it twice.
		msg = strings.TrimPrefix(msg, m[0]+": ")
	}
	return &Error{File: name, Line: line, Msg: msg}
}

// MaskedExternalID is the external ID as every output shows it:
// MaskExternalID of it.
func (c *Connector) MaskedExternalID() string { return MaskExternalID(c.ExternalID) }

// MaskExternalID shows the first and last two characters of an external
// ID of 12 characters or more, enough to recognise it, never enough to
// reuse it; a shorter one shows nothing. The mask is always four
// asterisks, so that it does not reveal the length either.
func MaskExternalID(id string) string {
	if id == "" {
		return ""
	}
	if len(id) < 12 {
		return "****"
	}
	return id[:2] + "****" + id[len(id)-2:]
}
