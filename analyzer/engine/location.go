package engine

import "github.com/trailgate/trailgate/collectors/snapshot"

// Where a finding points when its rule names no location itself.
//
// Rules choose the precise place (rego/lib/lib.rego: the resource for an
// attribute, the policy document for a missing grant, the statement for a
// deny or a near-miss allow), since only they know what the finding is
// about. The engine falls back to where IaC declared the finding's
// resource, looked up by the ID the finding names, so that a rule that
// says nothing still lands on its resource's line in a pull request.

// resourceLocations maps the IDs findings name resources by (ARNs, and
// organization policy IDs) to where IaC declared them. Every resource kind
// a rule can report on is mapped: roles, buckets, trails, keys, topics and
// their subscriptions, queues, GuardDuty detectors, the organization and
// its SCPs and RCPs.
func resourceLocations(s *snapshot.Snapshot) map[string]*snapshot.Location {
	m := map[string]*snapshot.Location{}
	put := func(id string, l *snapshot.Location) {
		if id == "" || l == nil || l.File == "" {
			return
		}
		if _, ok := m[id]; !ok {
			m[id] = l
		}
	}
	// A resource the IaC only attaches a policy to (Partial) has no
	// declaration of its own: the policy is where the IaC speaks about it.
	putResource := func(id string, l *snapshot.Location, p *snapshot.Policy) {
		put(id, l)
		if p != nil {
			put(id, p.Location)
		}
	}
	partition := s.Partition
	if partition == "" {
		partition = "aws"
	}
	if o := s.Organization; o != nil {
		put(o.ARN, o.Location)
		put(o.ID, o.Location)
		for i := range o.Policies {
			p := &o.Policies[i]
			put(p.ARN, p.Document.Location)
			put(p.ID, p.Document.Location)
		}
	}
	for i := range s.Accounts {
		a := &s.Accounts[i]
		for j := range a.Roles {
			r := &a.Roles[j]
			putResource(r.ARN, r.Location, r.TrustPolicy)
			for k := range r.InlinePolicies {
				put(r.ARN, r.InlinePolicies[k].Location)
			}
		}
		for j := range a.Buckets {
			b := &a.Buckets[j]
			putResource(b.ARN, b.Location, b.Policy)
			if b.Notification != nil {
				put(b.ARN, b.Notification.Location)
			}
		}
		for j := range a.Trails {
			put(a.Trails[j].ARN, a.Trails[j].Location)
		}
		for j := range a.Keys {
			putResource(a.Keys[j].ARN, a.Keys[j].Location, a.Keys[j].Policy)
		}
		for j := range a.Topics {
			t := &a.Topics[j]
			putResource(t.ARN, t.Location, t.Policy)
			for k := range t.Subscriptions {
				sub := &t.Subscriptions[k]
				put(sub.ARN, sub.Location)
				// A subscription the IaC does not place falls back to
				// its topic's declaration.
				put(sub.ARN, t.Location)
			}
		}
		for j := range a.Queues {
			putResource(a.Queues[j].ARN, a.Queues[j].Location, a.Queues[j].Policy)
		}
		for j := range a.Detectors {
			d := &a.Detectors[j]
			put(d.ARN, d.Location)
			for k := range d.PublishingDestinations {
				put(d.ARN, d.PublishingDestinations[k].Location)
			}
		}
	}
	return m
}
