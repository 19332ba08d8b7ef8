package live

import (
	"context"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// s3Clients builds one S3 client per region, path-style when the endpoint
// is overridden (a loopback or S3-compatible endpoint has no per-bucket
// virtual hosts).
type s3Clients struct {
	cfg aws.Config
	mu  sync.Mutex
	m   map[string]*s3.Client
}

func (sc *s3Clients) get(region string) *s3.Client {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if cl, ok := sc.m[region]; ok {
		return cl
	}
	cfg := sc.cfg.Copy()
	cfg.Region = region
	cl := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if o.BaseEndpoint != nil {
			o.UsePathStyle = true
		}
	})
	if sc.m == nil {
		sc.m = map[string]*s3.Client{}
	}
	sc.m[region] = cl
	return cl
}

// collectS3 reads every bucket of the account and the sub-resources the
// model holds. S3 answers a missing configuration with an error code
// (NoSuchBucketPolicy, OwnershipControlsNotFoundError, …); that is a fact
// about the bucket, recorded as an absent value, not a collection error.
func (c *collector) collectS3(ctx context.Context, cfg aws.Config, a *snapshot.Account) {
	clients := &s3Clients{cfg: cfg}
	home := clients.get(cfg.Region)
	bp := s3.NewListBucketsPaginator(home, &s3.ListBucketsInput{})
	eachPage(ctx, c, bp, call{a.ID, "", "s3", "ListBuckets", ""}, func(page *s3.ListBucketsOutput) {
		for _, b := range page.Buckets {
			if bucket, ok := c.bucket(ctx, clients, home, a.ID, aws.ToString(b.Name), aws.ToString(b.BucketRegion)); ok {
				a.Buckets = append(a.Buckets, bucket)
			}
		}
	})
}

// bucket reads one bucket. region is ListBuckets' BucketRegion, which
// spares a GetBucketLocation per bucket where S3 reports it.
func (c *collector) bucket(ctx context.Context, clients *s3Clients, home *s3.Client, account, name, region string) (snapshot.Bucket, bool) {
	b := snapshot.Bucket{Name: name, ARN: "arn:" + c.partN + ":s3:::" + name, Region: region}
	bn := aws.String(name)
	if b.Region == "" {
		loc, err := home.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: bn})
		if c.fail(account, "", "s3", "GetBucketLocation", b.ARN, err) {
			// Without its region the bucket cannot be placed; the model
			// requires one, so the bucket is left out and the error says so.
			return b, false
		}
		b.Region = bucketRegion(string(loc.LocationConstraint))
	}
	cl := clients.get(b.Region)
	region = b.Region

	pol, err := cl.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: bn})
	switch {
	case isCode(err, "NoSuchBucketPolicy"):
	case !c.fail(account, region, "s3", "GetBucketPolicy", b.ARN, err):
		if doc, ok := document(aws.ToString(pol.Policy)); ok {
			b.Policy = &snapshot.Policy{Document: doc}
		}
	}
	own, err := cl.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: bn})
	switch {
	case isCode(err, "OwnershipControlsNotFoundError"):
	case !c.fail(account, region, "s3", "GetBucketOwnershipControls", b.ARN, err):
		if own.OwnershipControls != nil && len(own.OwnershipControls.Rules) > 0 {
			b.ObjectOwnership = string(own.OwnershipControls.Rules[0].ObjectOwnership)
		}
	}
	acl, err := cl.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: bn})
	if !c.fail(account, region, "s3", "GetBucketAcl", b.ARN, err) {
		b.ACL = bucketACL(acl)
	}
	enc, err := cl.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: bn})
	switch {
	case isCode(err, "ServerSideEncryptionConfigurationNotFoundError"):
	case !c.fail(account, region, "s3", "GetBucketEncryption", b.ARN, err):
		if sse := enc.ServerSideEncryptionConfiguration; sse != nil && len(sse.Rules) > 0 {
			r := sse.Rules[0]
			be := &snapshot.BucketEncryption{BucketKeyEnabled: aws.ToBool(r.BucketKeyEnabled)}
			if d := r.ApplyServerSideEncryptionByDefault; d != nil {
				be.SSEAlgorithm, be.KMSMasterKeyID = string(d.SSEAlgorithm), aws.ToString(d.KMSMasterKeyID)
			}
			b.Encryption = be
		}
	}
	nc, err := cl.GetBucketNotificationConfiguration(ctx, &s3.GetBucketNotificationConfigurationInput{Bucket: bn})
	if !c.fail(account, region, "s3", "GetBucketNotificationConfiguration", b.ARN, err) {
		b.Notification = notification(nc)
	}
	rp, err := cl.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: bn})
	if !c.fail(account, region, "s3", "GetBucketRequestPayment", b.ARN, err) {
		b.RequestPayer = string(rp.Payer)
	}
	lc, err := cl.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: bn})
	switch {
	case isCode(err, "NoSuchLifecycleConfiguration"):
	case !c.fail(account, region, "s3", "GetBucketLifecycleConfiguration", b.ARN, err):
		for _, r := range lc.Rules {
			lr := snapshot.LifecycleRule{ID: aws.ToString(r.ID), Status: string(r.Status), Prefix: aws.ToString(r.Prefix)}
			if f := r.Filter; f != nil {
				if f.Prefix != nil {
					lr.Prefix = *f.Prefix
				} else if f.And != nil && f.And.Prefix != nil {
					lr.Prefix = *f.And.Prefix
				}
			}
			if r.Expiration != nil {
				lr.ExpirationDays = int(aws.ToInt32(r.Expiration.Days))
			}
			b.Lifecycle = append(b.Lifecycle, lr)
		}
	}
	ol, err := cl.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bn})
	switch {
	case isCode(err, "ObjectLockConfigurationNotFoundError"):
	case !c.fail(account, region, "s3", "GetObjectLockConfiguration", b.ARN, err):
		b.ObjectLockEnabled = ol.ObjectLockConfiguration != nil && ol.ObjectLockConfiguration.ObjectLockEnabled == s3types.ObjectLockEnabledEnabled
	}
	c.bucketPosture(ctx, cl, account, &b)
	return b, true
}

// bucketRegion normalizes a LocationConstraint: empty is us-east-1 and the
// legacy "EU" is eu-west-1
// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html).
func bucketRegion(loc string) string {
	switch loc {
	case "":
		return "us-east-1"
	case "EU":
		return "eu-west-1"
	}
	return loc
}

// bucketACL keeps an ACL only when it grants something beyond S3's
// default (the owner's FULL_CONTROL); the model reads a nil ACL as that
// default.
func bucketACL(out *s3.GetBucketAclOutput) *snapshot.ACL {
	acl := &snapshot.ACL{}
	if out.Owner != nil {
		acl.OwnerID = aws.ToString(out.Owner.ID)
	}
	for _, g := range out.Grants {
		if g.Grantee == nil {
			continue
		}
		sg := snapshot.Grant{GranteeType: string(g.Grantee.Type), Permission: string(g.Permission)}
		switch g.Grantee.Type {
		case s3types.TypeGroup:
			sg.GranteeURI = aws.ToString(g.Grantee.URI)
		case s3types.TypeAmazonCustomerByEmail:
			sg.GranteeID = aws.ToString(g.Grantee.EmailAddress)
		default:
			sg.GranteeID = aws.ToString(g.Grantee.ID)
		}
		acl.Grants = append(acl.Grants, sg)
	}
	if len(acl.Grants) == 1 && acl.Grants[0].GranteeType == string(s3types.TypeCanonicalUser) &&
		acl.Grants[0].GranteeID == acl.OwnerID && acl.Grants[0].Permission == string(s3types.PermissionFullControl) {
		return nil
	}
	return acl
}

func notification(nc *s3.GetBucketNotificationConfigurationOutput) *snapshot.NotificationConfiguration {
	n := &snapshot.NotificationConfiguration{EventBridgeEnabled: nc.EventBridgeConfiguration != nil}
	target := func(id, arn *string, events []s3types.Event, f *s3types.NotificationConfigurationFilter) snapshot.NotificationTarget {
		t := snapshot.NotificationTarget{ID: aws.ToString(id), ARN: aws.ToString(arn)}
		for _, e := range events {
			t.Events = append(t.Events, string(e))
		}
		if f != nil && f.Key != nil {
			for _, r := range f.Key.FilterRules {
				switch strings.ToLower(string(r.Name)) {
				case "prefix":
					t.FilterPrefix = aws.ToString(r.Value)
				case "suffix":
					t.FilterSuffix = aws.ToString(r.Value)
				}
			}
		}
		return t
	}
	for _, t := range nc.TopicConfigurations {
		n.TopicConfigurations = append(n.TopicConfigurations, target(t.Id, t.TopicArn, t.Events, t.Filter))
	}
	for _, q := range nc.QueueConfigurations {
		n.QueueConfigurations = append(n.QueueConfigurations, target(q.Id, q.QueueArn, q.Events, q.Filter))
	}
	for _, l := range nc.LambdaFunctionConfigurations {
		n.LambdaConfigurations = append(n.LambdaConfigurations, target(l.Id, l.LambdaFunctionArn, l.Events, l.Filter))
	}
	if len(n.TopicConfigurations)+len(n.QueueConfigurations)+len(n.LambdaConfigurations) == 0 && !n.EventBridgeEnabled {
		return nil
	}
	return n
}
