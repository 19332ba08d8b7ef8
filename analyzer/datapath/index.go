package datapath

import (
	"iter"
	"slices"
	"strings"

	awsarn "github.com/aws/aws-sdk-go-v2/aws/arn"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// arn is a parsed ARN: arn:partition:service:region:account:resource.
type arn struct {
	Partition, Service, Region, Account, Resource string
}

func parseARN(s string) (arn, bool) {
	a, err := awsarn.Parse(s)
	if err != nil {
		return arn{}, false
	}
	return arn{a.Partition, a.Service, a.Region, a.AccountID, a.Resource}, true
}

// ofAccounts yields, in snapshot order, each element of the per-account
// list pick selects, by pointer, with the ID of the account that holds it.
func ofAccounts[T any](snap *snapshot.Snapshot, pick func(*snapshot.Account) []T) iter.Seq2[string, *T] {
	return func(yield func(string, *T) bool) {
		for ai := range snap.Accounts {
			a := &snap.Accounts[ai]
			xs := pick(a)
			for i := range xs {
				if !yield(a.ID, &xs[i]) {
					return
				}
			}
		}
	}
}

// index finds snapshot resources by ARN, name or alias, and remembers
// which account owns each. It is built once per Build call.
type index struct {
	snap      *snapshot.Snapshot
	partition string
	orgID     string
	mgmt      string
	members   map[string]bool

	buckets map[string]*owned[snapshot.Bucket] // by name
	topics  map[string]*owned[snapshot.Topic]  // by ARN
	queues  map[string]*owned[snapshot.Queue]  // by ARN
	keys    map[string]*owned[snapshot.Key]    // by ARN
	// aliases maps "account/region/alias/name" to a key.
	aliases map[string]*owned[snapshot.Key]
	// keyIDs maps "account/region/key-id" to a key.
	keyIDs   map[string]*owned[snapshot.Key]
	roles    map[string]*owned[snapshot.Role] // by ARN
	managed  map[string]snapshot.ManagedPolicy
	accounts map[string]*snapshot.Account
	// mappings maps a queue ARN to the execution roles of the enabled
	// Lambda event source mappings polling it, sorted.
	mappings map[string][]string
}

type owned[T any] struct {
	Account string
	V       *T
}

func newIndex(snap *snapshot.Snapshot) *index {
	ix := &index{
		snap:      snap,
		partition: snap.Partition,
		members:   map[string]bool{},
		buckets:   map[string]*owned[snapshot.Bucket]{},
		topics:    map[string]*owned[snapshot.Topic]{},
		queues:    map[string]*owned[snapshot.Queue]{},
		keys:      map[string]*owned[snapshot.Key]{},
		aliases:   map[string]*owned[snapshot.Key]{},
		keyIDs:    map[string]*owned[snapshot.Key]{},
		roles:     map[string]*owned[snapshot.Role]{},
		managed:   map[string]snapshot.ManagedPolicy{},
		accounts:  map[string]*snapshot.Account{},
	}
	if ix.partition == "" {
		ix.partition = "aws"
	}
	if o := snap.Organization; o != nil {
		ix.orgID = o.ID
		ix.mgmt = o.ManagementAccountID
		for _, m := range o.Members {
			ix.members[m.ID] = true
		}
		if o.ManagementAccountID != "" {
			ix.members[o.ManagementAccountID] = true
		}
	}
	for ai := range snap.Accounts {
		a := &snap.Accounts[ai]
		ix.accounts[a.ID] = a
		for i := range a.Buckets {
			ix.buckets[a.Buckets[i].Name] = &owned[snapshot.Bucket]{a.ID, &a.Buckets[i]}
		}
		for i := range a.Topics {
			ix.topics[a.Topics[i].ARN] = &owned[snapshot.Topic]{a.ID, &a.Topics[i]}
		}
		for i := range a.Queues {
			ix.queues[a.Queues[i].ARN] = &owned[snapshot.Queue]{a.ID, &a.Queues[i]}
		}
		for i := range a.Keys {
			k := &owned[snapshot.Key]{a.ID, &a.Keys[i]}
			ix.keys[a.Keys[i].ARN] = k
			ix.keyIDs[a.ID+"/"+a.Keys[i].Region+"/"+a.Keys[i].KeyID] = k
			for _, al := range a.Keys[i].Aliases {
				ix.aliases[a.ID+"/"+a.Keys[i].Region+"/"+strings.TrimPrefix(al, "alias/")] = k
			}
		}
		for i := range a.Roles {
			ix.roles[a.Roles[i].ARN] = &owned[snapshot.Role]{a.ID, &a.Roles[i]}
		}
		for _, mp := range a.ManagedPolicies {
			ix.managed[mp.ARN] = mp
		}
		for _, m := range a.EventSourceMappings {
			if m.Enabled && m.RoleARN != "" && !slices.Contains(ix.mappings[m.EventSourceARN], m.RoleARN) {
				if ix.mappings == nil {
					ix.mappings = map[string][]string{}
				}
				ix.mappings[m.EventSourceARN] = append(ix.mappings[m.EventSourceARN], m.RoleARN)
			}
		}
	}
	for _, roles := range ix.mappings {
		slices.Sort(roles)
	}
	return ix
}

// mappingRoles are the execution roles of the enabled Lambda event source
// mappings polling queue, sorted: Lambda polls as the function's role
// (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html).
func (ix *index) mappingRoles(queue string) []string { return ix.mappings[queue] }

// bucket returns the named bucket, nil when it is not in the snapshot.
func (ix *index) bucket(name string) *snapshot.Bucket {
	if o := ix.buckets[name]; o != nil {
		return o.V
	}
	return nil
}

// keyRef is a KMS key as a resource refers to it, resolved where possible.
type keyRef struct {
	// ARN is the key ARN; for an unresolved alias it is the alias ARN.
	ARN     string
	Account string
	Region  string
	// Key is nil when the key is not in the snapshot.
	Key *snapshot.Key
	// AWSManaged is true for aws/s3, aws/sns, aws/sqs …
	AWSManaged bool
}

// resolveKey resolves a key reference (key ID, key ARN, alias name or alias
// ARN) as seen from account/region: KMS resolves aliases and bare key IDs
// in the caller's own account and region only.
// https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id
func (ix *index) resolveKey(ref, account, region string) keyRef {
	if ref == "" {
		return keyRef{}
	}
	r := keyRef{ARN: ref, Account: account, Region: region}
	if a, ok := parseARN(ref); ok {
		r.Account, r.Region = a.Account, a.Region
		if strings.HasPrefix(a.Resource, "alias/") {
			ref = a.Resource
		} else if k, ok := ix.keys[ref]; ok {
			r.Key = k.V
			r.AWSManaged = k.V.KeyManager == "AWS"
			return r
		} else {
			return r
		}
	}
	if strings.HasPrefix(ref, "alias/") {
		name := strings.TrimPrefix(ref, "alias/")
		r.AWSManaged = strings.HasPrefix(name, "aws/")
		r.ARN = "arn:" + ix.partition + ":kms:" + r.Region + ":" + r.Account + ":alias/" + name
		if k, ok := ix.aliases[r.Account+"/"+r.Region+"/"+name]; ok {
			r.Key, r.ARN = k.V, k.V.ARN
			r.AWSManaged = r.AWSManaged || k.V.KeyManager == "AWS"
		}
		return r
	}
	if k, ok := ix.keyIDs[r.Account+"/"+r.Region+"/"+ref]; ok {
		r.Key, r.ARN = k.V, k.V.ARN
		r.AWSManaged = k.V.KeyManager == "AWS"
		return r
	}
	r.ARN = "arn:" + ix.partition + ":kms:" + r.Region + ":" + r.Account + ":key/" + ref
	return r
}

// inOrg reports whether account belongs to the snapshot's organization
// (or, without an organization, is one of the collected accounts).
func (ix *index) inOrg(account string) bool {
	if ix.snap.Organization != nil {
		return ix.members[account]
	}
	_, ok := ix.accounts[account]
	return ok
}
