package snapshot

import (
	"encoding/json"
	"slices"
)

// Overlay lays IaC resources over a live snapshot so that a change is
// judged against the organization it will land in: a resource with the
// same ARN in both is taken from overlay, accounts are merged, organization
// policies are merged by ID (overlay wins), unknowns and collection errors
// are concatenated, and the result is sorted. The result keeps base's
// source. Neither input is modified.
//
// A GuardDuty detector has no ARN and an account has one detector per
// region (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_regions.html),
// so detectors are matched by region.
func Overlay(base, overlay *Snapshot) *Snapshot {
	if base == nil {
		return Merge(overlay)
	}
	return Merge(base, overlay)
}

// Merge overlays each snapshot on the ones before it, as Overlay does,
// copying every input once; the result keeps the first one's source.
func Merge(snaps ...*Snapshot) *Snapshot {
	var out *Snapshot
	for _, s := range snaps {
		if s == nil {
			continue
		}
		c := clone(s)
		if out == nil {
			out = c
			continue
		}
		mergeInto(out, c)
	}
	if out == nil {
		return nil
	}
	out.Sort()
	return out
}

// clone deep-copies a snapshot through its JSON form, which is the
// contract's definition of its content.
func clone(s *Snapshot) *Snapshot {
	data, err := json.Marshal(s)
	if err != nil {
		panic("snapshot: cannot marshal snapshot: " + err.Error())
	}
	var c Snapshot
	if err := json.Unmarshal(data, &c); err != nil {
		panic("snapshot: cannot unmarshal snapshot: " + err.Error())
	}
	return &c
}

func mergeInto(dst, src *Snapshot) {
	if dst.Partition == "" {
		dst.Partition = src.Partition
	}
	dst.Organization = mergeOrganization(dst.Organization, src.Organization)
	for i := range src.Accounts {
		sa := &src.Accounts[i]
		j := slices.IndexFunc(dst.Accounts, func(a Account) bool { return a.ID == sa.ID })
		if j < 0 {
			dst.Accounts = append(dst.Accounts, *sa)
			continue
		}
		da := &dst.Accounts[j]
		if da.Name == "" {
			da.Name = sa.Name
		}
		for _, r := range sa.Regions {
			if !slices.Contains(da.Regions, r) {
				da.Regions = append(da.Regions, r)
			}
		}
		da.Roles = mergeBy(da.Roles, sa.Roles, func(r Role) string { return r.ARN })
		da.ManagedPolicies = mergeBy(da.ManagedPolicies, sa.ManagedPolicies, func(p ManagedPolicy) string { return p.ARN })
		da.Buckets = mergeBy(da.Buckets, sa.Buckets, func(b Bucket) string { return b.ARN })
		da.Trails = mergeBy(da.Trails, sa.Trails, func(t Trail) string { return t.ARN })
		da.Keys = mergeBy(da.Keys, sa.Keys, func(k Key) string { return k.ARN })
		da.Topics = mergeBy(da.Topics, sa.Topics, func(t Topic) string { return t.ARN })
		da.Queues = mergeBy(da.Queues, sa.Queues, func(q Queue) string { return q.ARN })
		da.Detectors = mergeBy(da.Detectors, sa.Detectors, func(d Detector) string { return d.Region })
	}
	dst.CollectionErrors = append(dst.CollectionErrors, src.CollectionErrors...)
	dst.Unknowns = append(dst.Unknowns, src.Unknowns...)
}

// mergeBy replaces the elements of dst whose key an element of src has and
// appends the rest of src. An unknown key (an ARN known only after apply)
// equals nothing, not even the same token from another file.
func mergeBy[T any](dst, src []T, key func(T) string) []T {
	if len(src) == 0 {
		return dst
	}
	at := make(map[string]int, len(dst))
	for i, d := range dst {
		at[key(d)] = i
	}
	for _, s := range src {
		if IsUnknown(key(s)) {
			dst = append(dst, s)
			continue
		}
		if i, ok := at[key(s)]; ok {
			dst[i] = s
			continue
		}
		at[key(s)] = len(dst)
		dst = append(dst, s)
	}
	return dst
}

// mergeOrganization keeps the base's identity (IaC rarely knows the
// organization or root ID, and says so with unknown tokens), takes the
// settings the overlay declares, and merges the tree and policies by ID.
func mergeOrganization(dst, src *Organization) *Organization {
	if src == nil {
		return dst
	}
	if dst == nil {
		return src
	}
	keep := func(d *string, s string) {
		if *d == "" || IsUnknown(*d) && s != "" && !IsUnknown(s) {
			*d = s
		}
	}
	keep(&dst.ID, src.ID)
	keep(&dst.ARN, src.ARN)
	keep(&dst.ManagementAccountID, src.ManagementAccountID)
	keep(&dst.RootID, src.RootID)
	if src.FeatureSet != "" && !IsUnknown(src.FeatureSet) {
		dst.FeatureSet = src.FeatureSet
	}
	if len(src.EnabledServicePrincipals) > 0 {
		dst.EnabledServicePrincipals = src.EnabledServicePrincipals
	}
	if len(src.EnabledPolicyTypes) > 0 {
		dst.EnabledPolicyTypes = src.EnabledPolicyTypes
	}
	if len(src.DelegatedAdministrators) > 0 {
		dst.DelegatedAdministrators = mergeBy(dst.DelegatedAdministrators, src.DelegatedAdministrators,
			func(d DelegatedAdministrator) string { return d.ServicePrincipal + "\x00" + d.AccountID })
	}
	dst.OrganizationalUnits = mergeBy(dst.OrganizationalUnits, src.OrganizationalUnits, func(o OrganizationalUnit) string { return o.ID })
	dst.Members = mergeBy(dst.Members, src.Members, func(m OrgAccount) string { return m.ID })
	dst.Policies = mergeBy(dst.Policies, src.Policies, func(p OrgPolicy) string { return p.ID })
	if dst.Location == nil {
		dst.Location = src.Location
	}
	return dst
}
