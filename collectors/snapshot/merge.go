package snapshot

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Shard is one snapshot to merge (MergeShards) and the name (file) it was read from,
// for error messages.
type Shard struct {
	Name     string
	Snapshot *Snapshot
}

// ShardBoundary is the code of the collection error MergeShards records for a
// read no shard could make: a GuardDuty destination's folder probe when
// the detector and the destination bucket were collected in different
// shards (the bucket's shard does not know the prefix, the detector's
// shard may not enter the bucket's account).
const ShardBoundary = "ShardBoundary"

// MergeShards joins snapshots collected as shards of one organization (`collect
// --accounts` / `--ou`) into the snapshot one collection of all their
// accounts would give. The shards must agree on the organization (its ID
// and every field: each shard reads the whole tree and its policies) and
// the source and partition, and no account may be in two shards: either
// would mean the shards describe different organizations or different
// moments, and a merge would silently pick one. Collection errors are
// kept, those every shard recorded (reading the organization) once.
func MergeShards(shards []Shard) (*Snapshot, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("nothing to merge")
	}
	first := shards[0]
	out := &Snapshot{SchemaVersion: SchemaVersion, Source: first.Snapshot.Source, Partition: first.Snapshot.Partition,
		Organization: first.Snapshot.Organization}
	owner := map[string]string{} // account ID → shard name
	seenErr := map[string]bool{}
	seenUnknown := map[string]bool{}
	for _, sh := range shards {
		s := sh.Snapshot
		if s.Source != first.Snapshot.Source {
			return nil, fmt.Errorf("%s: source %q, but %s is %q: shards of one collection have one source", sh.Name, s.Source, first.Name, first.Snapshot.Source)
		}
		if PartitionOrDefault(s.Partition) != PartitionOrDefault(first.Snapshot.Partition) {
			return nil, fmt.Errorf("%s: partition %s, but %s is in %s", sh.Name, PartitionOrDefault(s.Partition), first.Name, PartitionOrDefault(first.Snapshot.Partition))
		}
		if err := sameOrganization(first, sh); err != nil {
			return nil, err
		}
		for _, a := range s.Accounts {
			if prev, dup := owner[a.ID]; dup {
				return nil, fmt.Errorf("account %s is in both %s and %s: shards must not overlap (give each account to one --accounts or --ou shard)", a.ID, prev, sh.Name)
			}
			owner[a.ID] = sh.Name
			out.Accounts = append(out.Accounts, a)
		}
		for _, e := range s.CollectionErrors {
			k := fmt.Sprintf("%q", []string{e.Account, e.Region, e.Service, e.Operation, e.Resource, e.Code, e.Message})
			if !seenErr[k] {
				seenErr[k] = true
				out.CollectionErrors = append(out.CollectionErrors, e)
			}
		}
		for _, u := range s.Unknowns {
			if !seenUnknown[u.Token] {
				seenUnknown[u.Token] = true
				out.Unknowns = append(out.Unknowns, u)
			}
		}
	}
	out.CollectionErrors = append(out.CollectionErrors, unprobedAcrossShards(out, owner)...)
	out.Sort()
	return out, nil
}

// PartitionOrDefault is the partition a snapshot's Partition field means:
// empty is aws.
func PartitionOrDefault(p string) string {
	if p == "" {
		return "aws"
	}
	return p
}

func sameOrganization(first, sh Shard) error {
	a, b := first.Snapshot.Organization, sh.Snapshot.Organization
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil || b == nil:
		with, without := first.Name, sh.Name
		if a == nil {
			with, without = sh.Name, first.Name
		}
		return fmt.Errorf("%s has an organization and %s has none: shards must be collected with the same credentials (the organization's management or delegated administrator account)", with, without)
	case a.ID != b.ID:
		return fmt.Errorf("%s is organization %s, but %s is organization %s: only shards of one organization merge", sh.Name, b.ID, first.Name, a.ID)
	}
	ja, _ := json.Marshal(sortedOrg(a))
	jb, _ := json.Marshal(sortedOrg(b))
	if !bytes.Equal(ja, jb) {
		return fmt.Errorf("%s and %s describe organization %s differently (%s): the organization changed between the shards' collections; collect the shards again", first.Name, sh.Name, a.ID, orgDiff(a, b))
	}
	return nil
}

func sortedOrg(o *Organization) *Organization {
	s := &Snapshot{Organization: o}
	s.Sort()
	return s.Organization
}

// orgDiff names the parts of two organizations that differ.
func orgDiff(a, b *Organization) string {
	var parts []string
	eq := func(x, y any) bool {
		jx, _ := json.Marshal(x)
		jy, _ := json.Marshal(y)
		return bytes.Equal(jx, jy)
	}
	if !eq(a.Members, b.Members) {
		parts = append(parts, "members")
	}
	if !eq(a.OrganizationalUnits, b.OrganizationalUnits) {
		parts = append(parts, "organizational units")
	}
	if !eq(a.Policies, b.Policies) {
		parts = append(parts, "SCPs/RCPs")
	}
	if len(parts) == 0 {
		parts = append(parts, "settings")
	}
	return strings.Join(parts, ", ")
}

// unprobedAcrossShards records, for each GuardDuty destination with a
// prefix whose bucket was collected in another shard than the detector,
// the folder probe no shard could make (see the live collector's
// probeDestinationFolders): GD05 then says it cannot prove the folder
// exists instead of judging a bucket without the probe. Putting the
// GuardDuty administrator and the findings bucket's account in one shard
// (they usually share the Security OU) avoids it.
func unprobedAcrossShards(s *Snapshot, owner map[string]string) []CollectionError {
	type place struct {
		account string
		bucket  *Bucket
	}
	buckets := map[string]place{}
	for i := range s.Accounts {
		for j := range s.Accounts[i].Buckets {
			buckets[s.Accounts[i].Buckets[j].Name] = place{s.Accounts[i].ID, &s.Accounts[i].Buckets[j]}
		}
	}
	var out []CollectionError
	seen := map[string]bool{}
	prefix := "arn:" + PartitionOrDefault(s.Partition) + ":s3:::"
	for _, a := range s.Accounts {
		for _, d := range a.Detectors {
			for _, p := range d.PublishingDestinations {
				res, ok := strings.CutPrefix(p.DestinationARN, prefix)
				name, key, hasKey := strings.Cut(res, "/")
				key = strings.Trim(key, "/")
				pl, found := buckets[name]
				if !ok || !hasKey || key == "" || !found || owner[pl.account] == owner[a.ID] {
					continue
				}
				key += "/"
				probed := false
				for _, k := range pl.bucket.ProbedKeys {
					probed = probed || k.Key == key
				}
				if probed || seen[name+"/"+key] {
					continue
				}
				seen[name+"/"+key] = true
				out = append(out, CollectionError{Account: pl.account, Region: pl.bucket.Region, Service: "s3", Operation: "ListObjectsV2",
					Resource: pl.bucket.ARN + "/" + key, Code: ShardBoundary,
					Message: fmt.Sprintf("the GuardDuty detector of account %s (shard %s) exports to this bucket (shard %s): no shard could look for the folder; collect both accounts in one shard", a.ID, owner[a.ID], owner[pl.account])})
			}
		}
	}
	return out
}
