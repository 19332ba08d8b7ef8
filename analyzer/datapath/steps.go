package datapath

import (
	"cmp"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
	"github.com/trailgate/trailgate/rego/profiles"
)

// Steps are the authorization questions the connector's vendor guide asks
// beyond the delivery paths, by step ID, each asked once here with the
// request context AWS sends and answered: the actions a step demands of
// the connector's principal on its path's resources (require.actions),
// the denies it forbids (require.no_deny), how the vendor authenticates
// (SkyFormation K2: its user assumes the role, or EC2 does for an
// instance profile) and the trust of the role's replicas (Expel E1). The
// profile rules (rego/lib/datapath.rego, guide_steps.rego) read the
// answers (input.path_index.steps) and judge them; they ask nothing.
type Steps map[string][]StepRequest

// StepRequest is one question of a guide step. Kind says what the step
// asks it for: an action's target (queue, api, objects, bucket, topics,
// object_key, macie_queue: profiles.Action.On), no_deny, assume (the
// signing user assumes the connector role), instance_profile (EC2 assumes
// it) or replica (the vendor assumes a replica of it). Rule is the
// catalog rule the step's finding goes under, Severity the lower
// severity the guide gives the action ("" for the rule's).
type StepRequest struct {
	Request
	Kind     string `json:"kind"`
	Rule     string `json:"rule"`
	Severity string `json:"severity,omitempty"`
}

// Step kinds that are not an action's target.
const (
	StepNoDeny          = "no_deny"
	StepAssume          = "assume"
	StepInstanceProfile = "instance_profile"
	StepReplica         = "replica"
)

// genericCheck says whether S305, KM01 or SQ06 ask action of every reader
// on the path's resources whatever the profile (the reader table,
// profiles.ReaderActions, on the queue, the objects, the bucket or a
// key; Reads): a step asking it there would only repeat their finding, so
// the step asks the others. The Macie queue is no path's, and its step
// asks every action.
func genericCheck(action string) bool {
	return slices.ContainsFunc(profiles.ReaderActions, func(a profiles.ReaderAction) bool {
		return a.On != "role" && strings.EqualFold(a.Action, action)
	})
}

// NewSteps asks the questions of the required steps of profile (the
// connector's, as rego/profiles holds it) for conn over snap, with srcs
// every log source of the snapshot and pubs their publishers. Nil without
// a connector.
func NewSteps(snap *snapshot.Snapshot, conn *connector.Connector, profile profiles.Profile, srcs []LogSource, pubs []Publisher, asker Asker) Steps {
	if snap == nil || conn == nil || conn.Role == "" || !slices.ContainsFunc(profile.Steps, asks) {
		return nil
	}
	sb := stepBuilder{ix: newIndex(snap), conn: conn, asker: asker, out: Steps{}}
	sb.sources = connectorSources(conn)
	for _, s := range srcs {
		if slices.Contains(sb.sources, string(s.Kind)) {
			sb.deliveries = append(sb.deliveries, s)
		}
	}
	sb.pubs = pubs
	for _, s := range profile.Steps {
		if s.Optional {
			continue
		}
		sb.actions(s)
		sb.noDeny(s)
		if s.Demands("authentication") {
			sb.authentication(s)
		}
		if s.Demands("role_replicated") {
			sb.replicas(s)
		}
	}
	return sb.out
}

// asks says whether a required step asks a question (NewSteps indexes
// the snapshot only then).
func asks(s profiles.Step) bool {
	if s.Optional {
		return false
	}
	for _, term := range []string{"actions", "no_deny", "authentication", "role_replicated"} {
		if _, ok := s.Require[term]; ok {
			return true
		}
	}
	return false
}

// connectorSources are the log sources the connector reads: its file's
// sources, else CloudTrail and GuardDuty (rego/lib lib.connector_sources).
func connectorSources(conn *connector.Connector) []string {
	if len(conn.Sources) > 0 {
		return conn.Sources
	}
	return []string{string(SourceCloudTrail), string(SourceGuardDuty)}
}

type stepBuilder struct {
	ix         *index
	conn       *connector.Connector
	asker      Asker
	sources    []string
	deliveries []LogSource // the snapshot's sources the connector reads
	pubs       []Publisher
	out        Steps
}

// add asks x and files it under step, once per (kind, rule, principal,
// action, resource): two deliveries into one bucket ask one question.
func (sb *stepBuilder) add(step string, x StepRequest) {
	for _, o := range sb.out[step] {
		if o.Kind == x.Kind && o.Rule == x.Rule && o.Reader == x.Reader && o.Action == x.Action && o.Resource == x.Resource {
			return
		}
	}
	a := sb.asker.Ask(x.Question())
	x.Answer = &a
	sb.out[step] = append(sb.out[step], x)
}

// askRole asks, for step, whether the connector's principal may call
// action on t, with its session's context and the keys the call adds.
func (sb *stepBuilder) askRole(step string, x StepRequest, action string, t target) {
	ctx := sb.ix.principalContext(sb.conn.Role)
	maps.Copy(ctx, t.context)
	x.Request = Request{Reader: sb.conn.Role, Action: action, Resource: t.resource, Context: ctx, On: t.on}
	sb.add(step, x)
}

// target is a resource a step asks an action on, with the keys the call
// adds to the principal's context.
type target struct {
	resource string
	on       Target
	context  map[string][]string
}

// actions asks each action the step demands of the connector's principal
// on each resource of its kind (require.actions).
func (sb *stepBuilder) actions(s profiles.Step) {
	acts, err := s.Actions()
	if err != nil {
		return // profiles.Load rejects such a profile
	}
	for _, a := range acts {
		if genericCheck(a.Action) && a.On != "macie_queue" {
			continue
		}
		rule := cmp.Or(a.Rule, s.Rule)
		for _, t := range sb.targets(a) {
			sb.askRole(s.ID, StepRequest{Kind: a.On, Rule: rule, Severity: a.Severity}, a.Action, t)
		}
	}
}

// targets are the resources an action is asked on: the connector's queue,
// "*" for an API read of a source the connector reads, each delivery's
// sample log file, bucket (listed under its key prefix), topic or
// object key, or the Macie alert queue.
func (sb *stepBuilder) targets(a profiles.Action) []target {
	conn, ix := sb.conn, sb.ix
	var out []target
	switch a.On {
	case "queue", "macie_queue":
		q := conn.Queue
		if a.On == "macie_queue" {
			if !slices.Contains(sb.sources, string(SourceMacie)) {
				return nil
			}
			q = conn.MacieQueue
		}
		if q != "" {
			qa, _ := parseARN(q)
			out = append(out, target{resource: q, on: Target{ID: q, Type: "AWS::SQS::Queue", Account: qa.Account, Region: qa.Region}})
		}
	case "api":
		// Asked of a principal the input holds: a role (or, for Basic
		// authentication, a user) only named by the connector file has
		// no policies to answer from. An API read without a source
		// (Radiant's organizations: reads, R7) is demanded of every
		// connector of the profile.
		if sb.principalKnown() && (a.Source == "" || slices.Contains(sb.sources, a.Source)) {
			t := target{resource: "*"}
			if region := sb.apiRegion(a); region != "" {
				t.context = map[string][]string{"aws:RequestedRegion": {region}}
			}
			out = append(out, t)
		}
	case "objects", "bucket", "object_key":
		for _, d := range sb.deliveries {
			b := ix.buckets[d.Bucket]
			bucketARN := "arn:" + ix.partition + ":s3:::" + d.Bucket
			on := Target{ID: bucketARN, Type: "AWS::S3::Bucket"}
			if b != nil {
				on.Account, on.Region = b.Account, b.V.Region
			}
			switch a.On {
			case "objects":
				out = append(out, target{resource: bucketARN + "/" + d.SampleKey, on: on})
			case "bucket":
				out = append(out, target{resource: bucketARN, on: on, context: map[string][]string{"s3:prefix": {d.KeyPrefix}}})
			case "object_key":
				if b == nil {
					continue
				}
				k, trail := sb.objectKey(d, b)
				if k.Key == nil {
					continue
				}
				ctx := ix.objectDecryptContext(conn.Role, b.V.Region, b.V, d.SampleKey, trail)
				out = append(out, target{resource: k.Key.ARN, context: ctx,
					on: Target{ID: k.Key.ARN, Type: "AWS::KMS::Key", Account: k.Account, Region: k.Key.Region}})
			}
		}
	case "topics":
		for _, d := range sb.deliveries {
			bucketARN := "arn:" + ix.partition + ":s3:::" + d.Bucket
			for _, p := range sb.pubs {
				if p.SourceARN == d.ARN || p.SourceARN == bucketARN {
					ta, _ := parseARN(p.Topic)
					out = append(out, target{resource: p.Topic, on: Target{ID: p.Topic, Type: "AWS::SNS::Topic", Account: ta.Account, Region: ta.Region}})
				}
			}
		}
	}
	return out
}

// globalEndpoints are, per partition, the one Region whose endpoint
// serves the global services' APIs, which is what aws:RequestedRegion
// holds for their calls ("IAM calls are always made to the us-east-1
// Region",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion;
// Organizations and Shield Advanced are served there too).
var globalEndpoints = map[string]string{"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}

// globalServices are the services of the profiles' API reads with one
// endpoint per partition.
var globalServices = map[string]bool{"iam": true, "organizations": true, "shield": true}

// apiRegion is the Region an API read goes to, as aws:RequestedRegion
// says: a global service's endpoint Region; else the Region the
// connector is configured with (its console's, region:), else the first
// Region of the deliveries of the action's source; "" when the input does
// not say (the key stays absent).
func (sb *stepBuilder) apiRegion(a profiles.Action) string {
	service, _, _ := strings.Cut(strings.ToLower(a.Action), ":")
	if globalServices[service] {
		return globalEndpoints[sb.ix.partition]
	}
	if sb.conn.Region != "" {
		return sb.conn.Region
	}
	for _, d := range sb.deliveries {
		if string(d.Kind) == a.Source && d.Region != "" {
			return d.Region
		}
	}
	return ""
}

// objectKey is the key that encrypts a delivery's log files: the trail's
// or the GuardDuty destination's own key (trail: the trail ARN CloudTrail
// puts in the encryption context of its own key's objects), else the
// bucket's default key.
func (sb *stepBuilder) objectKey(d LogSource, b *owned[snapshot.Bucket]) (keyRef, string) {
	if d.KMSKey != "" {
		if k := sb.ix.resolveKey(d.KMSKey, d.Account, d.Region); k.Key != nil {
			trail := ""
			if d.Kind == SourceCloudTrail {
				trail = d.ARN
			}
			return k, trail
		}
	}
	if enc := b.V.Encryption; enc != nil && enc.KMSMasterKeyID != "" {
		return sb.ix.resolveKey(enc.KMSMasterKeyID, b.Account, b.V.Region), ""
	}
	return keyRef{}, ""
}

// principalKnown: the connector's principal is a role or user of the
// snapshot, whose policies can answer.
func (sb *stepBuilder) principalKnown() bool {
	return sb.ix.roles[sb.conn.Role] != nil || sb.user(sb.conn.Role)
}

// user says whether arn is an IAM user of the snapshot.
func (sb *stepBuilder) user(arn string) bool {
	if !isUserARN(arn) {
		return false
	}
	a := sb.ix.accounts[accountOf(arn)]
	return a != nil && slices.ContainsFunc(a.Users, func(u snapshot.User) bool { return u.ARN == arn })
}

// noDeny asks each action no policy may deny the connector's principal
// (require.no_deny): s3:ListBucket on each delivery's bucket under its
// key prefix, an object action on its sample log file.
func (sb *stepBuilder) noDeny(s profiles.Step) {
	raw, ok := s.Require["no_deny"]
	var acts []string
	if !ok || json.Unmarshal(raw, &acts) != nil {
		return
	}
	for _, action := range acts {
		on := "objects"
		if strings.EqualFold(action, "s3:ListBucket") {
			on = "bucket"
		}
		for _, t := range sb.targets(profiles.Action{Action: action, On: on}) {
			sb.askRole(s.ID, StepRequest{Kind: StepNoDeny, Rule: s.Rule}, action, t)
		}
	}
}

// authMethod is how the connector authenticates (SkyFormation K2): its
// file's authentication, else Basic for a user, else STSAssumeRole
// (rego/lib/guide_steps.rego auth_method).
func authMethod(c *connector.Connector) string {
	switch {
	case c.Authentication != "":
		return c.Authentication
	case c.Basic():
		return "Basic"
	}
	return "STSAssumeRole"
}

// authentication asks how the vendor comes to act as the connector role
// (K2): with STSAssumeRole the user whose access key it signs with
// assumes the role, with the external ID; with InstanceProfile EC2
// assumes it for the host
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html).
func (sb *stepBuilder) authentication(s profiles.Step) {
	role := sb.ix.roles[sb.conn.Role]
	if role == nil {
		return
	}
	on := Target{ID: role.V.ARN, Type: "AWS::IAM::Role", Account: role.Account}
	switch authMethod(sb.conn) {
	case "STSAssumeRole":
		user := sb.conn.TrustedPrincipal
		if !sb.user(user) {
			return
		}
		ctx := sb.ix.principalContext(user)
		if sb.conn.ExternalID != "" {
			ctx["sts:ExternalId"] = []string{sb.conn.ExternalID}
		}
		sb.add(s.ID, StepRequest{Kind: StepAssume, Rule: s.Rule,
			Request: Request{Reader: user, Action: "sts:AssumeRole", Resource: role.V.ARN, Context: ctx, On: on}})
	case "InstanceProfile":
		// EC2 assumes the role as itself; it names no source resource.
		const ec2 = "ec2.amazonaws.com"
		ctx := map[string][]string{"aws:PrincipalIsAWSService": {"true"}, "aws:PrincipalServiceName": {ec2}, "aws:SecureTransport": {"true"}}
		sb.add(s.ID, StepRequest{Kind: StepInstanceProfile, Rule: s.Rule,
			Request: Request{Reader: ec2, Action: "sts:AssumeRole", Resource: role.V.ARN, Context: ctx, On: on}})
	}
}

// replicas asks whether the vendor's principal may assume, with the
// external ID, each role of the connector role's name in the other
// accounts (E1: the role replicated to every account, trusting the
// vendor as the original does).
func (sb *stepBuilder) replicas(s profiles.Step) {
	role := sb.ix.roles[sb.conn.Role]
	vendor := sb.conn.TrustedPrincipal
	if role == nil || vendor == "" {
		return
	}
	var replicas []*owned[snapshot.Role]
	for _, m := range sb.ix.roles {
		if m.Account != role.Account && strings.EqualFold(m.V.Name, role.V.Name) {
			replicas = append(replicas, m)
		}
	}
	slices.SortFunc(replicas, func(a, b *owned[snapshot.Role]) int { return strings.Compare(a.V.ARN, b.V.ARN) })
	for _, m := range replicas {
		sb.add(s.ID, StepRequest{Kind: StepReplica, Rule: s.Rule,
			Request: Request{Reader: vendor, Action: "sts:AssumeRole", Resource: m.V.ARN, Context: vendorAssumeContext(vendor, sb.conn.ExternalID),
				On: Target{ID: m.V.ARN, Type: "AWS::IAM::Role", Account: m.Account}}})
	}
}

// vendorAssumeContext is what AWS sends when the vendor's principal, in
// an account outside the snapshot, assumes a role: its ARN and account,
// TLS, and the external ID the vendor issued
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html).
func vendorAssumeContext(vendor, externalID string) map[string][]string {
	ctx := map[string][]string{"aws:PrincipalArn": {vendor}, "aws:SecureTransport": {"true"}}
	if a := accountOf(vendor); a != "" {
		ctx["aws:PrincipalAccount"] = []string{a}
	}
	if externalID != "" {
		ctx["sts:ExternalId"] = []string{externalID}
	}
	return ctx
}
