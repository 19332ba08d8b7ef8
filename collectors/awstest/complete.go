package awstest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Complete fills in, in place, the values live AWS always reports but a
// hand-written snapshot may leave out, so that the servers answer as AWS
// would and a collected snapshot can be compared with the one served. Each
// default is AWS's own:
//   - a role's Path is "/" and it has a unique ID (AROA…);
//   - a managed policy has a name (the ARN's last segment);
//   - an organization has an ARN and a feature set (ALL), an account a
//     status (ACTIVE), a collected account is named as in the organization;
//   - an account's enabled regions are those its regional resources live in
//     (us-east-1 when it has none);
//   - a trail always has a status: a snapshot that omits it describes a
//     trail that is logging;
//   - a confirmed subscription has an ARN (topic ARN + ":" + ID) and an owner
//     (the topic's account), a pending one the ARN "PendingConfirmation";
//   - a bucket has a payer (BucketOwner);
//   - a queue has a URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME);
//   - a key has a state (Enabled) and a manager (CUSTOMER);
//   - an organization whose RCPs are in force has RCPFullAWSAccess attached
//     to the root, every OU and every account (attachRCPFullAWSAccess);
//   - a detector has a status (ENABLED) and a publishing frequency
//     (SIX_HOURS, GuardDuty's default); a publishing destination has an ID,
//     a type (S3) and a status (PUBLISHING).
func Complete(s *snapshot.Snapshot) {
	p := s.Partition
	if p == "" {
		p = "aws"
	}
	names := map[string]string{}
	if o := s.Organization; o != nil {
		if o.ARN == "" {
			o.ARN = fmt.Sprintf("arn:%s:organizations::%s:organization/%s", p, o.ManagementAccountID, o.ID)
		}
		if o.FeatureSet == "" {
			o.FeatureSet = "ALL"
		}
		attachRCPFullAWSAccess(o)
		for i := range o.Members {
			m := &o.Members[i]
			if m.Status == "" {
				m.Status = "ACTIVE"
			}
			if m.Name == "" {
				for _, a := range s.Accounts {
					if a.ID == m.ID {
						m.Name = a.Name
					}
				}
			}
			names[m.ID] = m.Name
		}
		for i := range o.Policies {
			op := &o.Policies[i]
			if op.ARN == "" {
				kind := strings.ToLower(op.Type)
				owner := o.ManagementAccountID + ":policy/" + o.ID
				if op.AWSManaged {
					owner = "aws:policy"
				}
				op.ARN = fmt.Sprintf("arn:%s:organizations::%s/%s/%s", p, owner, kind, op.ID)
			}
		}
	}
	for i := range s.Accounts {
		a := &s.Accounts[i]
		if n, ok := names[a.ID]; ok {
			a.Name = n
		}
		for j := range a.Roles {
			r := &a.Roles[j]
			if r.Path == "" {
				r.Path = "/"
			}
			if r.RoleID == "" {
				r.RoleID = UniqueID("AROA", r.ARN)
			}
		}
		for j := range a.ManagedPolicies {
			m := &a.ManagedPolicies[j]
			if m.Name == "" {
				m.Name = m.ARN[strings.LastIndex(m.ARN, "/")+1:]
			}
		}
		for j := range a.Buckets {
			if a.Buckets[j].RequestPayer == "" {
				a.Buckets[j].RequestPayer = snapshot.DefaultRequestPayer
			}
		}
		regions := map[string]bool{}
		for j := range a.Trails {
			t := &a.Trails[j]
			regions[t.HomeRegion] = true
			if t.Status == nil {
				t.Status = &snapshot.TrailStatus{IsLogging: true}
			}
		}
		for j := range a.Keys {
			k := &a.Keys[j]
			regions[k.Region] = true
			if k.KeyState == "" {
				k.KeyState = snapshot.KeyStateEnabled
			}
			if k.KeyManager == "" {
				k.KeyManager = snapshot.KeyManagerCustomer
			}
		}
		for j := range a.Topics {
			t := &a.Topics[j]
			regions[t.Region] = true
			if t.Name == "" {
				t.Name = t.ARN[strings.LastIndex(t.ARN, ":")+1:]
			}
			for k := range t.Subscriptions {
				sub := &t.Subscriptions[k]
				switch {
				case sub.PendingConfirmation:
					sub.ARN = "PendingConfirmation"
				case sub.ARN == "":
					sub.ARN = t.ARN + ":" + uuidOf(t.ARN+"\x00"+sub.Protocol+"\x00"+sub.Endpoint)
				}
				if sub.Owner == "" {
					sub.Owner = AccountOfARN(t.ARN)
				}
			}
		}
		for j := range a.Queues {
			q := &a.Queues[j]
			regions[q.Region] = true
			if q.Name == "" {
				q.Name = q.ARN[strings.LastIndex(q.ARN, ":")+1:]
			}
			if q.URL == "" {
				q.URL = QueueURL(q.Region, AccountOfARN(q.ARN), q.Name)
			}
		}
		for j := range a.Detectors {
			d := &a.Detectors[j]
			regions[d.Region] = true
			if d.Status == "" {
				d.Status = "ENABLED"
			}
			if d.FindingPublishingFrequency == "" {
				d.FindingPublishingFrequency = "SIX_HOURS"
			}
			for k := range d.PublishingDestinations {
				pd := &d.PublishingDestinations[k]
				if pd.ID == "" {
					pd.ID = hashID(d.ID + "\x00" + pd.DestinationARN)
				}
				if pd.DestinationType == "" {
					pd.DestinationType = "S3"
				}
				if pd.Status == "" {
					pd.Status = "PUBLISHING"
				}
			}
		}
		if len(a.Regions) == 0 {
			for r := range regions {
				a.Regions = append(a.Regions, r)
			}
			if len(a.Regions) == 0 {
				a.Regions = []string{"us-east-1"}
			}
			slices.Sort(a.Regions)
		}
	}
}

// rcpFullAWSAccessID is the ID AWS gives its managed RCPFullAWSAccess.
const rcpFullAWSAccessID = "p-RCPFullAWSAccess"

// attachRCPFullAWSAccess lists RCPFullAWSAccess on the root, every OU and
// every account of an organization whose RCPs are in force, as AWS attaches
// it there when RCPs are enabled and never lets it be detached
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
//
// Decision (the servers once added it to every RCP level when they
// evaluated, whether or not the snapshot listed it): the fact lives in
// the world, not in an evaluation. orgsrv then lists the policy and its
// targets as Organizations does, a collected snapshot carries it as a live
// one would, and the servers and analyzer/authz evaluate the same listed
// policies (TestRCPFullAWSAccessListed).
func attachRCPFullAWSAccess(o *snapshot.Organization) {
	if !o.PolicyTypeInForce(snapshot.PolicyTypeRCP) {
		return
	}
	i := slices.IndexFunc(o.Policies, func(p snapshot.OrgPolicy) bool { return p.ID == rcpFullAWSAccessID })
	if i < 0 {
		o.Policies = append(o.Policies, snapshot.OrgPolicy{ID: rcpFullAWSAccessID, Name: "RCPFullAWSAccess",
			Type: snapshot.PolicyTypeRCP, AWSManaged: true,
			Document: snapshot.Policy{Document: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)}})
		i = len(o.Policies) - 1
	}
	p := &o.Policies[i]
	targets := []string{o.RootID}
	for _, ou := range o.OrganizationalUnits {
		targets = append(targets, ou.ID)
	}
	for _, m := range o.Members {
		targets = append(targets, m.ID)
	}
	targets = append(targets, o.ManagementAccountID)
	for _, t := range targets {
		if t != "" && !slices.Contains(p.Targets, t) {
			p.Targets = append(p.Targets, t)
		}
	}
}

// QueueURL is the URL SQS gives a queue.
func QueueURL(region, account, name string) string {
	return fmt.Sprintf("https://sqs.%s.amazonaws.com/%s/%s", region, account, name)
}

func hashID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

func uuidOf(s string) string {
	h := hashID(s)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
