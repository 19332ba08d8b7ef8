package snapshot

import (
	"sort"
	"strings"
)

// mergeLogSources overlays the resources of the EKS, CloudWatch Logs,
// Firehose, EventBridge, Macie and IAM-user paths, by ARN (Macie exports
// by region: one configuration per account and region). A Partial log
// group (only a subscription filter declared) keeps the base group's
// settings and takes the overlay's filters.
func mergeLogSources(da, sa *Account) {
	for _, u := range sa.Users {
		if i := indexBy(da.Users, u.ARN, func(x User) string { return x.ARN }); u.Partial && i >= 0 {
			d := &da.Users[i]
			d.InlinePolicies = mergeBy(d.InlinePolicies, u.InlinePolicies, func(p NamedPolicy) string { return p.Name })
			d.AttachedPolicyARNs = append(d.AttachedPolicyARNs, u.AttachedPolicyARNs...)
			d.AccessKeys = append(d.AccessKeys, u.AccessKeys...)
			continue
		}
		da.Users = mergeBy(da.Users, []User{u}, func(x User) string { return x.ARN })
	}
	da.InstanceProfiles = mergeBy(da.InstanceProfiles, sa.InstanceProfiles, func(p InstanceProfile) string { return p.ARN })
	da.EKSClusters = mergeBy(da.EKSClusters, sa.EKSClusters, func(c EKSCluster) string { return c.ARN })
	for _, g := range sa.LogGroups {
		if g.Partial {
			if i := indexBy(da.LogGroups, g.ARN, func(x LogGroup) string { return x.ARN }); i >= 0 {
				da.LogGroups[i].SubscriptionFilters = mergeBy(da.LogGroups[i].SubscriptionFilters, g.SubscriptionFilters,
					func(f SubscriptionFilter) string { return f.Name })
				continue
			}
		}
		da.LogGroups = mergeBy(da.LogGroups, []LogGroup{g}, func(x LogGroup) string { return x.ARN })
	}
	da.DeliveryStreams = mergeBy(da.DeliveryStreams, sa.DeliveryStreams, func(d DeliveryStream) string { return d.ARN })
	da.EventRules = mergeBy(da.EventRules, sa.EventRules, func(r EventRule) string { return r.ARN })
	da.MacieExports = mergeBy(da.MacieExports, sa.MacieExports, func(m MacieExport) string { return m.Region })
}

func indexBy[T any](xs []T, key string, of func(T) string) int {
	if IsUnknown(key) {
		return -1
	}
	for i, x := range xs {
		if of(x) == key {
			return i
		}
	}
	return -1
}

// mergeNotModeled adds src's counts to dst's, per type.
func mergeNotModeled(dst, src []NotModeled) []NotModeled {
	for _, s := range src {
		found := false
		for i := range dst {
			if dst[i].Type == s.Type {
				dst[i].Count += s.Count
				found = true
			}
		}
		if !found {
			dst = append(dst, s)
		}
	}
	return dst
}

// sortLogSources orders the log-source resources of an account as Sort
// orders the rest: by ARN (Macie exports by region).
func sortLogSources(a *Account) {
	sort.Slice(a.Users, func(i, j int) bool { return a.Users[i].ARN < a.Users[j].ARN })
	for k := range a.Users {
		u := &a.Users[k]
		sort.Slice(u.InlinePolicies, func(i, j int) bool { return u.InlinePolicies[i].Name < u.InlinePolicies[j].Name })
		sort.Strings(u.AttachedPolicyARNs)
		sort.Strings(u.Groups)
		sort.Slice(u.AccessKeys, func(i, j int) bool { return u.AccessKeys[i].ID < u.AccessKeys[j].ID })
	}
	sort.Slice(a.InstanceProfiles, func(i, j int) bool { return a.InstanceProfiles[i].ARN < a.InstanceProfiles[j].ARN })
	sort.Slice(a.EKSClusters, func(i, j int) bool { return a.EKSClusters[i].ARN < a.EKSClusters[j].ARN })
	for k := range a.EKSClusters {
		sort.Strings(a.EKSClusters[k].EnabledLogTypes)
	}
	sort.Slice(a.LogGroups, func(i, j int) bool { return a.LogGroups[i].ARN < a.LogGroups[j].ARN })
	for k := range a.LogGroups {
		fs := a.LogGroups[k].SubscriptionFilters
		sort.Slice(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name })
	}
	sort.Slice(a.DeliveryStreams, func(i, j int) bool { return a.DeliveryStreams[i].ARN < a.DeliveryStreams[j].ARN })
	sort.Slice(a.EventRules, func(i, j int) bool { return a.EventRules[i].ARN < a.EventRules[j].ARN })
	for k := range a.EventRules {
		ts := a.EventRules[k].Targets
		sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	}
	sort.Slice(a.MacieExports, func(i, j int) bool { return a.MacieExports[i].Region < a.MacieExports[j].Region })
}

// sortNotModeled orders the counts by type.
func sortNotModeled(ns []NotModeled) {
	sort.Slice(ns, func(i, j int) bool { return strings.Compare(ns[i].Type, ns[j].Type) < 0 })
}
