package live

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectKMS reads the customer managed keys of cfg.Region with their key
// policies, grants and aliases. AWS managed keys (aws/s3, aws/sns, …) are
// left out: their policies are fixed by AWS and only allow use through the
// owning service in the same account, which the rules judge from the alias
// a resource names (S302, SN02, SQ02).
func (c *collector) collectKMS(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := kms.NewFromConfig(cfg)
	region := cfg.Region
	var ids []string
	keys := kms.NewListKeysPaginator(cl, &kms.ListKeysInput{})
	eachPage(ctx, c, keys, call{account, region, "kms", "ListKeys", ""}, func(page *kms.ListKeysOutput) {
		for _, k := range page.Keys {
			ids = append(ids, aws.ToString(k.KeyId))
		}
	})
	if len(ids) == 0 {
		return
	}
	aliases := map[string][]string{}
	awsManaged := map[string]bool{}
	ap := kms.NewListAliasesPaginator(cl, &kms.ListAliasesInput{})
	eachPage(ctx, c, ap, call{account, region, "kms", "ListAliases", ""}, func(page *kms.ListAliasesOutput) {
		for _, a := range page.Aliases {
			if a.TargetKeyId == nil {
				continue
			}
			name := aws.ToString(a.AliasName)
			// alias/aws/* is reserved for AWS managed keys
			// (https://docs.aws.amazon.com/kms/latest/developerguide/alias-about.html):
			// knowing them saves a DescribeKey each.
			if strings.HasPrefix(name, "alias/aws/") {
				awsManaged[*a.TargetKeyId] = true
				continue
			}
			aliases[*a.TargetKeyId] = append(aliases[*a.TargetKeyId], name)
		}
	})
	for _, id := range ids {
		if awsManaged[id] {
			continue
		}
		d, err := cl.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(id)})
		if c.fail(account, region, "kms", "DescribeKey", id, err) || d.KeyMetadata == nil {
			continue
		}
		md := d.KeyMetadata
		if md.KeyManager == kmstypes.KeyManagerTypeAws {
			continue
		}
		k := snapshot.Key{KeyID: aws.ToString(md.KeyId), ARN: aws.ToString(md.Arn), Region: region, Aliases: aliases[id],
			KeyState: string(md.KeyState), KeyManager: string(md.KeyManager)}
		pol, err := cl.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
		if !c.fail(account, region, "kms", "GetKeyPolicy", k.ARN, err) {
			if doc, ok := document(aws.ToString(pol.Policy)); ok {
				k.Policy = &snapshot.Policy{Document: doc}
			}
		}
		gp := kms.NewListGrantsPaginator(cl, &kms.ListGrantsInput{KeyId: aws.String(id)})
		eachPage(ctx, c, gp, call{account, region, "kms", "ListGrants", k.ARN}, func(page *kms.ListGrantsOutput) {
			for _, g := range page.Grants {
				kg := snapshot.KeyGrant{GrantID: aws.ToString(g.GrantId), GranteePrincipal: aws.ToString(g.GranteePrincipal)}
				for _, op := range g.Operations {
					kg.Operations = append(kg.Operations, string(op))
				}
				k.Grants = append(k.Grants, kg)
			}
		})
		into.Keys = append(into.Keys, k)
	}
}
