package snapshot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/fileio"
)

// Error is a malformed or unsupported snapshot. It names the file, the JSON
// path of the bad field and, where known, the line.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string { return ErrorText(e.File, e.Line, e.Field, e.Msg) }

// LoadFile reads and validates a snapshot file.
func LoadFile(path string) (*Snapshot, error) {
	data, err := fileio.ReadFile(context.Background(), path, fileio.MaxSnapshotBytes, "a snapshot")
	if err != nil {
		return nil, err
	}
	return Parse(path, data)
}

// Parse decodes and validates a snapshot. name is used in error messages.
// Unknown fields, wrong types, an unsupported schema_version and
// inconsistent values are refused with the path of the offending field.
func Parse(name string, data []byte) (*Snapshot, error) {
	data = fileio.TrimBOM(data)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty document (a snapshot is a JSON object written by trailgate collect)"}
	}
	// Check the version before the shape, so that a snapshot written by a
	// newer trailgate says so instead of complaining about a new field.
	// json.Unmarshal also refuses trailing data after the object, which
	// the streaming decoder below would not.
	var head struct {
		SchemaVersion *string `json:"schema_version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, decodeError(name, data, err)
	}
	if head.SchemaVersion == nil {
		return nil, &Error{File: name, Field: "schema_version", Msg: "missing"}
	}
	if *head.SchemaVersion != SchemaVersion {
		return nil, &Error{File: name, Field: "schema_version",
			Msg: fmt.Sprintf("unsupported version %q (this trailgate reads %q)", *head.SchemaVersion, SchemaVersion)}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var s Snapshot
	if err := dec.Decode(&s); err != nil {
		return nil, decodeError(name, data, err)
	}
	if err := s.Validate(); err != nil {
		var ve *Error
		if errors.As(err, &ve) {
			ve.File = name
			return nil, ve
		}
		return nil, err
	}
	s.derive()
	return &s, nil
}

func decodeError(name string, data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return &Error{File: name, Line: LineAt(data, syn.Offset), Msg: "invalid JSON: " + syn.Error()}
	case errors.As(err, &typ):
		return &Error{File: name, Line: LineAt(data, typ.Offset), Field: typ.Field,
			Msg: fmt.Sprintf("expected %s, found JSON %s", typ.Type, typ.Value)}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{File: name, Msg: "empty or truncated document"}
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &Error{File: name, Field: strings.Trim(f, `"`), Msg: "unknown field"}
	}
	return &Error{File: name, Msg: msg}
}

// Validate checks the invariants the analyzer relies on and returns an *Error
// naming the first bad field.
func (s *Snapshot) Validate() error {
	v := validator{}
	if s.SchemaVersion != SchemaVersion {
		v.fail("schema_version", "unsupported version %q", s.SchemaVersion)
	}
	switch s.Source {
	case SourceLive, SourceCloudFormation, SourceTerraform, SourceFixture:
	default:
		v.fail("source", "must be one of live, cloudformation, terraform, fixture; got %q", s.Source)
	}
	if o := s.Organization; o != nil {
		v.account("organization.management_account_id", o.ManagementAccountID)
		v.nonEmpty("organization.id", o.ID)
		for i, p := range o.Policies {
			f := fmt.Sprintf("organization.policies[%d]", i)
			if p.Type != PolicyTypeSCP && p.Type != PolicyTypeRCP {
				v.fail(f+".type", "must be %s or %s; got %q", PolicyTypeSCP, PolicyTypeRCP, p.Type)
			}
			v.policy(f+".document", &p.Document)
		}
		for i, m := range o.Members {
			v.account(fmt.Sprintf("organization.members[%d].id", i), m.ID)
		}
	}
	seen := map[string]bool{}
	for i := range s.Accounts {
		a := &s.Accounts[i]
		f := fmt.Sprintf("accounts[%d]", i)
		v.account(f+".id", a.ID)
		if seen[a.ID] {
			v.fail(f+".id", "account %s appears twice", a.ID)
		}
		seen[a.ID] = true
		for j, r := range a.Regions {
			v.region(fmt.Sprintf("%s.regions[%d]", f, j), r)
		}
		for j := range a.Roles {
			r := &a.Roles[j]
			g := fmt.Sprintf("%s.roles[%d]", f, j)
			v.nonEmpty(g+".name", r.Name)
			v.nonEmpty(g+".arn", r.ARN)
			v.optPolicy(g+".trust_policy", r.TrustPolicy)
			for k := range r.InlinePolicies {
				v.nonEmpty(fmt.Sprintf("%s.inline_policies[%d].name", g, k), r.InlinePolicies[k].Name)
				v.policy(fmt.Sprintf("%s.inline_policies[%d]", g, k), &r.InlinePolicies[k].Policy)
			}
		}
		for j := range a.ManagedPolicies {
			g := fmt.Sprintf("%s.managed_policies[%d]", f, j)
			v.nonEmpty(g+".arn", a.ManagedPolicies[j].ARN)
			v.policy(g, &a.ManagedPolicies[j].Policy)
		}
		for j := range a.Buckets {
			b := &a.Buckets[j]
			g := fmt.Sprintf("%s.buckets[%d]", f, j)
			v.nonEmpty(g+".name", b.Name)
			v.region(g+".region", b.Region)
			v.optPolicy(g+".policy", b.Policy)
			switch b.ObjectOwnership {
			case "", OwnershipBucketOwnerEnforced, OwnershipBucketOwnerPreferred, OwnershipObjectWriter:
			default:
				if !IsUnknown(b.ObjectOwnership) {
					v.fail(g+".object_ownership", "unknown setting %q", b.ObjectOwnership)
				}
			}
		}
		for j := range a.Trails {
			t := &a.Trails[j]
			g := fmt.Sprintf("%s.trails[%d]", f, j)
			v.nonEmpty(g+".name", t.Name)
			v.region(g+".home_region", t.HomeRegion)
		}
		for j := range a.Keys {
			v.policyHolder(fmt.Sprintf("%s.keys[%d]", f, j), a.Keys[j].ARN, a.Keys[j].Region, a.Keys[j].Policy)
		}
		for j := range a.Topics {
			v.policyHolder(fmt.Sprintf("%s.topics[%d]", f, j), a.Topics[j].ARN, a.Topics[j].Region, a.Topics[j].Policy)
		}
		for j := range a.Queues {
			v.policyHolder(fmt.Sprintf("%s.queues[%d]", f, j), a.Queues[j].ARN, a.Queues[j].Region, a.Queues[j].Policy)
		}
		for j := range a.Detectors {
			d := &a.Detectors[j]
			g := fmt.Sprintf("%s.detectors[%d]", f, j)
			v.nonEmpty(g+".id", d.ID)
			v.region(g+".region", d.Region)
		}
	}
	return v.err
}

type validator struct{ err error }

func (v *validator) fail(field, format string, args ...any) {
	if v.err == nil {
		v.err = &Error{Field: field, Msg: fmt.Sprintf(format, args...)}
	}
}

func (v *validator) nonEmpty(field, s string) {
	if s == "" {
		v.fail(field, "must not be empty")
	}
}

func (v *validator) account(field, id string) {
	// A symbol is the account of IaC that does not say where it is
	// deployed (Symbol).
	if !IsAccountID(id) && !IsUnknown(id) && !isWholeSymbol(id) {
		v.fail(field, "must be a 12-digit account ID; got %q", id)
	}
}

func (v *validator) region(field, r string) {
	if !IsRegion(r) && !IsUnknown(r) {
		v.fail(field, "must be an AWS region such as us-east-1; got %q", r)
	}
}

// policyHolder checks what keys, topics and queues share: an ARN, a region
// and an optional resource policy.
func (v *validator) policyHolder(field, arn, region string, p *Policy) {
	v.nonEmpty(field+".arn", arn)
	v.region(field+".region", region)
	v.optPolicy(field+".policy", p)
}

func (v *validator) optPolicy(field string, p *Policy) {
	if p != nil {
		v.policy(field, p)
	}
}

// policy checks only that the document is a JSON object; its grammar is the
// IAM evaluator's business, which reports errors per statement.
func (v *validator) policy(field string, p *Policy) {
	d := bytes.TrimSpace(p.Document)
	if len(d) == 0 || d[0] != '{' {
		v.fail(field+".document", "must be a policy document (a JSON object)")
	}
}

// Marshal renders a snapshot deterministically: every list the collectors
// fill is sorted first, so the same organization gives identical bytes.
func Marshal(s *Snapshot) ([]byte, error) {
	s.Sort()
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(data, '\n'), nil
}

// Sort orders every collection by its natural key, and fills the fields
// a snapshot derives from others (Detector.ARN), so that every producer
// (collectors, IaC, merges) hands on the same facts.
func (s *Snapshot) Sort() {
	s.derive()
	slices.SortFunc(s.Accounts, func(x, y Account) int { return cmp.Compare(x.ID, y.ID) })
	for i := range s.Accounts {
		a := &s.Accounts[i]
		slices.Sort(a.Regions)
		slices.SortFunc(a.Roles, func(x, y Role) int { return cmp.Compare(x.ARN, y.ARN) })
		for k := range a.Roles {
			r := &a.Roles[k]
			slices.SortFunc(r.InlinePolicies, func(x, y NamedPolicy) int { return cmp.Compare(x.Name, y.Name) })
			slices.Sort(r.AttachedPolicyARNs)
		}
		slices.SortFunc(a.ManagedPolicies, func(x, y ManagedPolicy) int { return cmp.Compare(x.ARN, y.ARN) })
		slices.SortFunc(a.Buckets, func(x, y Bucket) int { return cmp.Compare(x.Name, y.Name) })
		for k := range a.Buckets {
			b := &a.Buckets[k]
			slices.SortFunc(b.ProbedKeys, func(x, y ProbedKey) int { return cmp.Compare(x.Key, y.Key) })
		}
		slices.SortFunc(a.Trails, func(x, y Trail) int { return cmp.Compare(x.ARN, y.ARN) })
		slices.SortFunc(a.Keys, func(x, y Key) int { return cmp.Compare(x.ARN, y.ARN) })
		for k := range a.Keys {
			slices.Sort(a.Keys[k].Aliases)
		}
		slices.SortFunc(a.Topics, func(x, y Topic) int { return cmp.Compare(x.ARN, y.ARN) })
		for k := range a.Topics {
			subs := a.Topics[k].Subscriptions
			sortBy(subs, func(s Subscription) string { return s.Endpoint }, func(s Subscription) string { return s.ARN })
		}
		slices.SortFunc(a.Queues, func(x, y Queue) int { return cmp.Compare(x.ARN, y.ARN) })
		sortBy(a.EventSourceMappings, func(m EventSourceMapping) string { return m.EventSourceARN }, func(m EventSourceMapping) string { return m.FunctionARN })
		sortBy(a.Detectors, func(d Detector) string { return d.Region }, func(d Detector) string { return d.ID })
		for k := range a.Detectors {
			d := &a.Detectors[k]
			if oc := d.OrganizationConfiguration; oc != nil {
				slices.SortFunc(oc.Features, func(x, y OrgFeature) int { return cmp.Compare(x.Name, y.Name) })
			}
			slices.SortFunc(d.PublishingDestinations, func(x, y PublishingDestination) int {
				return cmp.Compare(x.DestinationARN, y.DestinationARN)
			})
			slices.SortFunc(d.Members, func(x, y DetectorMember) int { return cmp.Compare(x.AccountID, y.AccountID) })
			slices.Sort(d.SuppressionRules)
		}
		sortLogSources(a)
		sortRedshift(a)
	}
	sortNotModeled(s.NotModeled)
	if o := s.Organization; o != nil {
		slices.SortFunc(o.OrganizationalUnits, func(x, y OrganizationalUnit) int { return cmp.Compare(x.ID, y.ID) })
		slices.SortFunc(o.Members, func(x, y OrgAccount) int { return cmp.Compare(x.ID, y.ID) })
		slices.SortFunc(o.Policies, func(x, y OrgPolicy) int { return cmp.Compare(x.ID, y.ID) })
		for k := range o.Policies {
			slices.Sort(o.Policies[k].Targets)
		}
		slices.Sort(o.EnabledServicePrincipals)
		slices.Sort(o.EnabledPolicyTypes)
		sortBy(o.DelegatedAdministrators, func(d DelegatedAdministrator) string { return d.ServicePrincipal }, func(d DelegatedAdministrator) string { return d.AccountID })
	}
	slices.SortFunc(s.CollectionErrors, func(x, y CollectionError) int {
		return cmp.Or(cmp.Compare(x.Account, y.Account), cmp.Compare(x.Region, y.Region), cmp.Compare(x.Service, y.Service),
			cmp.Compare(x.Operation, y.Operation), cmp.Compare(x.Resource, y.Resource), cmp.Compare(x.Code, y.Code))
	})
	slices.SortFunc(s.Unknowns, func(x, y UnknownValue) int { return cmp.Compare(x.Token, y.Token) })
}

// sortBy sorts items by the first key, then by each next key among items
// the keys before it tie on: the order Sort gives a list no one field
// orders. slices.SortFunc runs sort.Slice's pdqsort, so a snapshot sorts
// as it always has.
func sortBy[T any](items []T, keys ...func(T) string) {
	slices.SortFunc(items, func(x, y T) int {
		for _, key := range keys {
			if c := cmp.Compare(key(x), key(y)); c != 0 {
				return c
			}
		}
		return 0
	})
}
