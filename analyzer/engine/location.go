package engine

import (
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Where a finding points when its rule names no location itself.
//
// Rules choose the precise place (rego/lib/lib.rego: the resource for an
// attribute, the policy document for a missing grant, the statement for a
// deny or a near-miss allow), since only they know what the finding is
// about. The engine falls back to where IaC declared the finding's
// resource, looked up by the ID the finding names, so that a rule that
// says nothing still lands on its resource's line in a pull request.

// ResourceLocations maps the IDs findings name resources by (ARNs, and
// organization policy IDs) to where IaC declared them. Every resource kind
// a rule can report on is mapped: roles, buckets, trails, keys, topics and
// their subscriptions, queues, GuardDuty detectors, the organization and
// its SCPs and RCPs, and the log sources' resources (EKS clusters, log
// groups and their subscription filters, Firehose streams, EventBridge
// rules, Redshift clusters and parameter groups).
//
// IAM users are not: a finding on a user is about its access key, which
// no template holds (the secret is made and entered out of band), so its
// fix is never an edit of the user's declaration.
func ResourceLocations(s *snapshot.Snapshot) map[string]*snapshot.Location {
	return resourceLocations(s, false)
}

// HopLocations is ResourceLocations for the hops of delivery paths, which
// reports place at their resources' declarations to step through a path:
// there a user's declaration is where the reader is, so users are mapped.
func HopLocations(s *snapshot.Snapshot) map[string]*snapshot.Location {
	return resourceLocations(s, true)
}

func resourceLocations(s *snapshot.Snapshot, users bool) map[string]*snapshot.Location {
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
				id := snapshot.SubscriptionID(t.ARN, *sub)
				put(id, sub.Location)
				// A subscription the IaC does not place falls back to
				// its topic's declaration.
				put(id, t.Location)
			}
		}
		for j := range a.Queues {
			putResource(a.Queues[j].ARN, a.Queues[j].Location, a.Queues[j].Policy)
		}
		if users {
			for j := range a.Users {
				u := &a.Users[j]
				put(u.ARN, u.Location)
				for k := range u.InlinePolicies {
					put(u.ARN, u.InlinePolicies[k].Location)
				}
			}
		}
		for j := range a.InstanceProfiles {
			put(a.InstanceProfiles[j].ARN, a.InstanceProfiles[j].Location)
		}
		for j := range a.EKSClusters {
			put(a.EKSClusters[j].ARN, a.EKSClusters[j].Location)
		}
		for j := range a.LogGroups {
			g := &a.LogGroups[j]
			// Hops name a group by its ARN without the ":*" that
			// DescribeLogGroups appends.
			group := strings.TrimSuffix(g.ARN, ":*")
			put(group, g.Location)
			put(g.ARN, g.Location)
			for k := range g.SubscriptionFilters {
				f := &g.SubscriptionFilters[k]
				id := snapshot.SubscriptionFilterID(group, f.Name)
				put(id, f.Location)
				put(id, g.Location)
			}
		}
		for j := range a.DeliveryStreams {
			put(a.DeliveryStreams[j].ARN, a.DeliveryStreams[j].Location)
		}
		for j := range a.EventRules {
			put(a.EventRules[j].ARN, a.EventRules[j].Location)
		}
		for j := range a.RedshiftClusters {
			c := &a.RedshiftClusters[j]
			put(c.ARN, c.Location)
			if c.Logging != nil {
				put(c.ARN, c.Logging.Location)
			}
		}
		for j := range a.RedshiftParameterGroups {
			g := &a.RedshiftParameterGroups[j]
			put("arn:"+partition+":redshift:"+g.Region+":"+a.ID+":parametergroup:"+g.Name, g.Location)
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
