package profiles

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// FS holds the profile files, <vendor>.json.
//
//go:embed *.json
var FS embed.FS

// Profile is one vendor's setup guide as data.
type Profile struct {
	Profile  string   `json:"profile"`
	Vendor   string   `json:"vendor"`
	Delivery Delivery `json:"delivery"`
	Steps    []Step   `json:"steps"`
}

// Delivery says what the vendor's reader parses from its queue.
type Delivery struct {
	// NotificationFormat is s3-records (S3 event notifications),
	// cloudtrail-sns (a trail's own SNS notifications), none (the reader
	// polls the bucket) or any.
	NotificationFormat string `json:"notification_format"`
	FormatStep         string `json:"format_step,omitempty"`
	// RawMessageDelivery, when set, is the subscription setting required.
	RawMessageDelivery *bool  `json:"raw_message_delivery,omitempty"`
	RawStep            string `json:"raw_step,omitempty"`
	// APISources are the sources the vendor reads through the service's
	// API (CloudTrail LookupEvents, GuardDuty GetFindings) rather than from
	// S3: their S3 path is judged only where it reaches the connector's
	// queue (SkyFormation reads CloudTrail data events through SQS, K4).
	APISources []string `json:"api_sources,omitempty"`
	// SubscribesTopics: the vendor subscribes a queue it hosts to the
	// customer's SNS topics (Radiant) and never polls the bucket, so every
	// source it reads from S3 must notify a topic; without one its files
	// are never announced.
	SubscribesTopics bool `json:"subscribes_topics,omitempty"`
}

// Step is one step of the vendor's guide.
type Step struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Rule is the catalog rule that reports the step when it is not met.
	Rule     string `json:"rule"`
	Optional bool   `json:"optional,omitempty"`
	// Require is what the step requires, in the terms the rules check
	// (role_name, trusted_principal, external_id, role_account,
	// object_ownership, queue_region, queue_type, queue_attributes,
	// notification_events, actions, no_deny, …).
	Require map[string]json.RawMessage `json:"require"`
}

// Action is one action a step demands of the connector's role.
type Action struct {
	Action string `json:"action"`
	On     string `json:"on"`
	// Rule reports the action when not the step's rule.
	Rule string `json:"rule,omitempty"`
	// Source limits the demand to connectors reading that source.
	Source string `json:"source,omitempty"`
	// Severity, when set, lowers the finding's severity below the rule's:
	// the guide asks for the action but logs are delivered and read
	// without it (Radiant's sns:Unsubscribe and organizations: reads, R7).
	Severity string `json:"severity,omitempty"`
}

// Actions decodes the step's require.actions.
func (s Step) Actions() ([]Action, error) {
	raw, ok := s.Require["actions"]
	if !ok {
		return nil, nil
	}
	var out []Action
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(&out)
	return out, err
}

// Demands says whether the step sets the requirement term to true
// (require.<term>: true).
func (s Step) Demands(term string) bool {
	var v bool
	raw, ok := s.Require[term]
	return ok && json.Unmarshal(raw, &v) == nil && v
}

var formats = map[string]bool{"s3-records": true, "cloudtrail-sns": true, "none": true, "any": true}

var stepRe = regexp.MustCompile(`^[A-Z][0-9]+$`)

// Known are the requirement terms the rules understand; anything else in a
// profile is a typo that would silently check nothing.
var Known = map[string]bool{
	"role_name": true, "trusted_principal": true, "external_id": true, "role_account": true,
	"object_ownership": true, "topic_region": true, "topic_type": true, "queue_region": true,
	"queue_type": true, "queue_attributes": true, "raw_message_delivery": true,
	"notification_events": true, "source": true, "actions": true, "organization_trail": true,
	"trail_sns": true, "finding_publishing_frequency": true,
	"bucket_policy_grant": true, "no_deny": true, "default_prefix": true,
	// rego/lib/guide_steps.rego
	"authentication": true, "connector_region": true, "role_replicated": true,
	"queue_maximum_message_size": true, "cmk_encrypted": true,
	"detector_enabled": true, "detector_features": true, "one_bucket": true,
	"member_roles": true,
	// rego/rules/eventbridge: the Macie findings route to macie_queue (skyformation K4).
	"macie_route": true,
	// rapid7: P1's encrypted bucket read from its own account, P4's
	// storage region, P5's EKS audit-log path (sources: [eks]).
	"same_account_if_encrypted": true, "storage_region": true, "eks": true, "eks_prefix": true,
	// skyformation K5: the Redshift audit-log path (sources: [redshift])
	// and the user activity log it asks for (rego/lib/redshift.rego).
	"redshift": true, "redshift_user_activity_logging": true,
}

// actionTargets are what a step's require.actions entry may be asked on
// (analyzer/datapath steps.go targets).
var actionTargets = map[string]bool{"queue": true, "objects": true, "bucket": true, "topics": true, "object_key": true, "api": true, "macie_queue": true}

// lowerSeverities are the severities an action may lower its finding to.
var lowerSeverities = map[string]bool{"high": true, "medium": true, "low": true}

// Load reads and validates every profile, keyed by name.
func Load() (map[string]Profile, error) {
	names, err := fs.Glob(FS, "*.json")
	if err != nil {
		return nil, err
	}
	out := map[string]Profile{}
	for _, name := range names {
		data, err := fs.ReadFile(FS, name)
		if err != nil {
			return nil, err
		}
		var p Profile
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("rego/profiles/%s: %v", name, err)
		}
		if err := p.validate(strings.TrimSuffix(name, ".json")); err != nil {
			return nil, fmt.Errorf("rego/profiles/%s: %v", name, err)
		}
		out[p.Profile] = p
	}
	return out, nil
}

func (p Profile) validate(file string) error {
	if p.Profile != file {
		return fmt.Errorf("profile %q must be named %s.json", p.Profile, p.Profile)
	}
	if !formats[p.Delivery.NotificationFormat] {
		return fmt.Errorf("delivery.notification_format %q is not one of s3-records, cloudtrail-sns, none, any", p.Delivery.NotificationFormat)
	}
	ids := map[string]bool{}
	for i, s := range p.Steps {
		if !stepRe.MatchString(s.ID) || ids[s.ID] {
			return fmt.Errorf("steps[%d].id %q is not a unique step ID", i, s.ID)
		}
		ids[s.ID] = true
		if s.Title == "" || s.Rule == "" {
			return fmt.Errorf("step %s needs a title and a rule", s.ID)
		}
		for k := range s.Require {
			if !Known[k] {
				return fmt.Errorf("step %s: unknown requirement %q", s.ID, k)
			}
		}
		acts, err := s.Actions()
		if err != nil {
			return fmt.Errorf("step %s: require.actions: %v", s.ID, err)
		}
		for _, a := range acts {
			if !actionTargets[a.On] || !strings.Contains(a.Action, ":") {
				return fmt.Errorf("step %s: action %q on %q: want SERVICE:Action on one of queue, objects, bucket, topics, object_key, api, macie_queue", s.ID, a.Action, a.On)
			}
			if a.Severity != "" && !lowerSeverities[a.Severity] {
				return fmt.Errorf("step %s: action %q: severity %q is not one of high, medium, low", s.ID, a.Action, a.Severity)
			}
		}
	}
	for _, ref := range []string{p.Delivery.FormatStep, p.Delivery.RawStep} {
		if ref != "" && !ids[ref] {
			return fmt.Errorf("delivery names step %s, which the profile does not have", ref)
		}
	}
	return nil
}

// Data returns the profiles as the JSON document the rules read at
// data.trailgate.profiles: {"expel": {...}, "radiant": {...}, …}.
func Data() (map[string]any, error) {
	if _, err := Load(); err != nil {
		return nil, err
	}
	names, _ := fs.Glob(FS, "*.json")
	slices.Sort(names)
	out := map[string]any{}
	for _, name := range names {
		data, _ := fs.ReadFile(FS, name)
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(name, ".json")] = v
	}
	return out, nil
}

var (
	loadOnce sync.Once
	loaded   map[string]Profile
)

// Named is the named profile as Load reads it (ok false for an unknown
// name).
func Named(profile string) (Profile, bool) {
	loadOnce.Do(func() { loaded, _ = Load() })
	p, ok := loaded[profile]
	return p, ok
}

// APISources are the sources the named profile's vendor reads through the
// service's API rather than from S3 (nil for an unknown profile).
func APISources(profile string) []string {
	loadOnce.Do(func() { loaded, _ = Load() })
	return loaded[profile].Delivery.APISources
}

// SubscribesTopics says whether the named profile's vendor subscribes its
// own queue to the customer's topics (Delivery.SubscribesTopics).
func SubscribesTopics(profile string) bool {
	loadOnce.Do(func() { loaded, _ = Load() })
	return loaded[profile].Delivery.SubscribesTopics
}

// TrustedPrincipal is the principal the named profile's guide says the
// vendor assumes the connector role from (a step's
// require.trusted_principal; Radiant's R6), or "" when the guide names
// none: the trust is checked against it when the connector file omits
// trusted_principal.
func TrustedPrincipal(profile string) string {
	loadOnce.Do(func() { loaded, _ = Load() })
	for _, s := range loaded[profile].Steps {
		var p string
		if raw, ok := s.Require["trusted_principal"]; ok && json.Unmarshal(raw, &p) == nil && p != "" {
			return p
		}
	}
	return ""
}

// EKSPrefix is where the named profile's reader looks for an EKS cluster's
// audit logs (a step's require.eks_prefix, with <account> and <cluster> to
// fill in), "" when the profile sets none.
func EKSPrefix(profile string) string {
	loadOnce.Do(func() { loaded, _ = Load() })
	for _, s := range loaded[profile].Steps {
		if raw, ok := s.Require["eks_prefix"]; ok {
			var p string
			if json.Unmarshal(raw, &p) == nil {
				return p
			}
		}
	}
	return ""
}
