package snapshot

import (
	"cmp"
	"slices"
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
	slices.SortFunc(a.Users, func(x, y User) int { return cmp.Compare(x.ARN, y.ARN) })
	for k := range a.Users {
		u := &a.Users[k]
		slices.SortFunc(u.InlinePolicies, func(x, y NamedPolicy) int { return cmp.Compare(x.Name, y.Name) })
		slices.Sort(u.AttachedPolicyARNs)
		slices.Sort(u.Groups)
		slices.SortFunc(u.AccessKeys, func(x, y AccessKey) int { return cmp.Compare(x.ID, y.ID) })
	}
	slices.SortFunc(a.InstanceProfiles, func(x, y InstanceProfile) int { return cmp.Compare(x.ARN, y.ARN) })
	slices.SortFunc(a.EKSClusters, func(x, y EKSCluster) int { return cmp.Compare(x.ARN, y.ARN) })
	for k := range a.EKSClusters {
		slices.Sort(a.EKSClusters[k].EnabledLogTypes)
	}
	slices.SortFunc(a.LogGroups, func(x, y LogGroup) int { return cmp.Compare(x.ARN, y.ARN) })
	for k := range a.LogGroups {
		fs := a.LogGroups[k].SubscriptionFilters
		slices.SortFunc(fs, func(x, y SubscriptionFilter) int { return cmp.Compare(x.Name, y.Name) })
	}
	slices.SortFunc(a.DeliveryStreams, func(x, y DeliveryStream) int { return cmp.Compare(x.ARN, y.ARN) })
	slices.SortFunc(a.EventRules, func(x, y EventRule) int { return cmp.Compare(x.ARN, y.ARN) })
	for k := range a.EventRules {
		ts := a.EventRules[k].Targets
		slices.SortFunc(ts, func(x, y EventTarget) int { return cmp.Compare(x.ID, y.ID) })
	}
	slices.SortFunc(a.MacieExports, func(x, y MacieExport) int { return cmp.Compare(x.Region, y.Region) })
}

// sortNotModeled orders the counts by type.
func sortNotModeled(ns []NotModeled) {
	slices.SortFunc(ns, func(x, y NotModeled) int { return cmp.Compare(x.Type, y.Type) })
}
