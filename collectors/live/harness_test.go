package live

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/cloudtrailsrv"
	"github.com/trailgate/trailgate/collectors/awstest/ec2srv"
	"github.com/trailgate/trailgate/collectors/awstest/ekssrv"
	"github.com/trailgate/trailgate/collectors/awstest/eventssrv"
	"github.com/trailgate/trailgate/collectors/awstest/firehosesrv"
	"github.com/trailgate/trailgate/collectors/awstest/guarddutysrv"
	"github.com/trailgate/trailgate/collectors/awstest/iamsrv"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/awstest/logssrv"
	"github.com/trailgate/trailgate/collectors/awstest/maciesrv"
	"github.com/trailgate/trailgate/collectors/awstest/orgsrv"
	"github.com/trailgate/trailgate/collectors/awstest/redshiftsrv"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/awstest/snssrv"
	"github.com/trailgate/trailgate/collectors/awstest/sqssrv"
	"github.com/trailgate/trailgate/collectors/awstest/stssrv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The harness's own credentials: an administrator user of the management
// account (or of whichever account a test names).
const (
	adminKey    = "AKIAADMINLOOPBACK001"
	adminSecret = "admin-secret"
	memberRole  = "OrganizationAccountAccessRole"
)

var allServices = []awstest.Service{stssrv.Service, iamsrv.Service, orgsrv.Service, cloudtrailsrv.Service,
	guarddutysrv.Service, snssrv.Service, sqssrv.Service, s3Seeded, kmssrv.Service, ec2srv.Service,
	ekssrv.Service, logssrv.Service, firehosesrv.Service, eventssrv.Service, maciesrv.Service,
	redshiftsrv.Service}

// s3Seeded is s3srv with the objects the snapshot's probes say exist.
var s3Seeded = awstest.Service{ID: awstest.S3, New: func(w *awstest.World) http.Handler {
	srv := s3srv.NewServer(w)
	for _, a := range w.Snapshot.Accounts {
		for _, b := range a.Buckets {
			for _, k := range b.ProbedKeys {
				if k.Exists {
					if _, err := srv.Backend().PutObject(b.Name, k.Key, map[string]string{}, strings.NewReader(""), 0, nil); err != nil {
						panic(err)
					}
				}
			}
		}
	}
	return srv
}}

// world loads a snapshot file as a World whose admin user lives in account.
func world(t testing.TB, path, account string) *awstest.World {
	t.Helper()
	s, err := snapshot.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := awstest.NewWorld(s)
	w.Identities.Add(adminKey, adminSecret, "", "arn:"+w.PartitionName()+":iam::"+account+":user/auditor")
	return w
}

// quick keeps retries fast: same attempts as the SDK, millisecond backoff.
func quick(o Options) Options {
	if o.MaxBackoff == 0 {
		o.MaxBackoff = 5 * time.Millisecond
	}
	if o.MemberRole == "" {
		o.MemberRole = memberRole
	}
	return o
}

func collect(t testing.TB, w *awstest.World, opts Options) (*snapshot.Snapshot, Stats) {
	t.Helper()
	env := awstest.Start(t, w, allServices...)
	s, st, err := Collect(context.Background(), env.Config(adminKey, "us-east-1"), quick(opts))
	if err != nil {
		t.Fatal(err)
	}
	return s, st
}

// canonical renders s through its JSON form, so that two snapshots compare
// equal exactly when collect would write the same bytes for them.
func canonical(t testing.TB, s *snapshot.Snapshot) *snapshot.Snapshot {
	t.Helper()
	data, err := snapshot.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	out, err := snapshot.Parse("canonical", data)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// expected is what collect can give back for the snapshot a World serves:
// the served snapshot minus what live AWS cannot report.
//   - Source is live; the partition aws is the default, written empty.
//   - Locations (file, line, address) exist only for IaC-born resources.
//   - Unknowns exist only in IaC snapshots.
//   - ProbedKeys: the collector probes only the folders of GuardDuty
//     destinations (see probeDestinationFolders); other probes are dropped.
//   - AWS managed KMS keys are not collected (see collectKMS).
//   - Accounts not collected (suspended, filtered out) are absent.
//
// got is the collected snapshot: probes are expected for the GuardDuty
// destinations it holds (nil: those the world serves).
func expected(t testing.TB, w *awstest.World, got *snapshot.Snapshot, accounts ...string) *snapshot.Snapshot {
	t.Helper()
	e := canonical(t, w.Snapshot)
	dests := e
	if got != nil {
		dests = got
	}
	e.Source = snapshot.SourceLive
	if e.Partition == "aws" {
		e.Partition = ""
	}
	e.Unknowns = nil
	if e.Organization != nil {
		e.Organization.Location = nil
	}
	var keep []snapshot.Account
	for _, a := range e.Accounts {
		if len(accounts) > 0 && !wanted(accounts, a.ID) {
			continue
		}
		for i := range a.Roles {
			a.Roles[i].Location = nil
			if a.Roles[i].TrustPolicy != nil {
				stripPolicy(a.Roles[i].TrustPolicy)
			}
			for j := range a.Roles[i].InlinePolicies {
				stripPolicy(&a.Roles[i].InlinePolicies[j].Policy)
			}
		}
		for i := range a.ManagedPolicies {
			stripPolicy(&a.ManagedPolicies[i].Policy)
		}
		for i := range a.Buckets {
			b := &a.Buckets[i]
			b.Location = nil
			b.ProbedKeys = destinationProbes(dests, b)
			if b.Policy != nil {
				stripPolicy(b.Policy)
			}
			if n := b.Notification; n != nil {
				n.Location = nil
				for _, l := range [][]snapshot.NotificationTarget{n.TopicConfigurations, n.QueueConfigurations, n.LambdaConfigurations} {
					for j := range l {
						l[j].Location = nil
					}
				}
			}
		}
		for i := range a.Trails {
			a.Trails[i].Location = nil
		}
		var keys []snapshot.Key
		for _, k := range a.Keys {
			if k.KeyManager == "AWS" {
				continue
			}
			k.Location = nil
			if k.Policy != nil {
				stripPolicy(k.Policy)
			}
			keys = append(keys, k)
		}
		a.Keys = keys
		for i := range a.Topics {
			a.Topics[i].Location = nil
			if a.Topics[i].Policy != nil {
				stripPolicy(a.Topics[i].Policy)
			}
			for j := range a.Topics[i].Subscriptions {
				a.Topics[i].Subscriptions[j].Location = nil
			}
		}
		for i := range a.Queues {
			a.Queues[i].Location = nil
			if a.Queues[i].Policy != nil {
				stripPolicy(a.Queues[i].Policy)
			}
		}
		for i := range a.Detectors {
			a.Detectors[i].Location = nil
			for j := range a.Detectors[i].PublishingDestinations {
				a.Detectors[i].PublishingDestinations[j].Location = nil
			}
		}
		keep = append(keep, a)
	}
	e.Accounts = keep
	return canonical(t, e)
}

func stripPolicy(p *snapshot.Policy) {
	p.Location, p.StatementLocations = nil, nil
}

// destinationProbes keeps the probes of b that a collection makes: the
// "prefix/" folder of each GuardDuty destination in b, when the account
// with the detector is collected too.
func destinationProbes(s *snapshot.Snapshot, b *snapshot.Bucket) []snapshot.ProbedKey {
	var out []snapshot.ProbedKey
	for _, a := range s.Accounts {
		for _, d := range a.Detectors {
			for _, p := range d.PublishingDestinations {
				_, res, _ := strings.Cut(p.DestinationARN, ":s3:::")
				name, prefix, ok := strings.Cut(res, "/")
				prefix = strings.Trim(prefix, "/")
				if !ok || name != b.Name || prefix == "" {
					continue
				}
				k := snapshot.ProbedKey{Key: prefix + "/"}
				for _, pk := range b.ProbedKeys {
					if pk.Key == k.Key {
						k.Exists = pk.Exists
					}
				}
				dup := false
				for _, o := range out {
					dup = dup || o.Key == k.Key
				}
				if !dup {
					out = append(out, k)
				}
			}
		}
	}
	return out
}
