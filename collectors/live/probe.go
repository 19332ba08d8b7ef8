package live

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// probeDestinationFolders looks, for every GuardDuty publishing destination
// with a prefix (arn:aws:s3:::bucket/prefix), whether the "prefix/" folder
// exists in the bucket when the bucket's account was collected: GuardDuty
// refuses a destination whose folder is missing, and a lifecycle rule can
// expire the marker later (GD05). It lists one key under the prefix, which
// needs s3:ListBucket only, not s3:GetObject on the logs; any object under
// "prefix/" makes the folder exist as S3 presents folders (inf: that
// GuardDuty accepts this as well as an explicit marker object).
func (c *collector) probeDestinationFolders(ctx context.Context, accounts []*snapshot.Account, cfgs map[string]aws.Config) {
	type place struct {
		account *snapshot.Account
		bucket  int
	}
	buckets := map[string]place{}
	for _, a := range accounts {
		if a == nil {
			continue
		}
		for i := range a.Buckets {
			buckets[a.Buckets[i].Name] = place{a, i}
		}
	}
	for _, a := range accounts {
		if a == nil {
			continue
		}
		for _, d := range a.Detectors {
			for _, p := range d.PublishingDestinations {
				res, ok := strings.CutPrefix(p.DestinationARN, "arn:"+c.partN+":s3:::")
				name, prefix, hasPrefix := strings.Cut(res, "/")
				prefix = strings.Trim(prefix, "/")
				pl, found := buckets[name]
				if !ok || !hasPrefix || prefix == "" || !found {
					continue
				}
				b := &pl.account.Buckets[pl.bucket]
				key := prefix + "/"
				if probed(b, key) {
					continue
				}
				cfg, ok := cfgs[pl.account.ID]
				if !ok {
					continue
				}
				cfg = cfg.Copy()
				cfg.Region = b.Region
				cl := (&s3Clients{cfg: cfg}).get(b.Region)
				out, err := cl.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(name), Prefix: aws.String(key), MaxKeys: aws.Int32(1)})
				if c.fail(pl.account.ID, b.Region, "s3", "ListObjectsV2", b.ARN+"/"+key, err) {
					continue
				}
				b.ProbedKeys = append(b.ProbedKeys, snapshot.ProbedKey{Key: key, Exists: aws.ToInt32(out.KeyCount) > 0 || len(out.Contents) > 0})
			}
		}
	}
}

func probed(b *snapshot.Bucket, key string) bool {
	for _, k := range b.ProbedKeys {
		if k.Key == key {
			return true
		}
	}
	return false
}
