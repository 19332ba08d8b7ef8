package live

import (
	"context"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// regions returns the regions to read in one account: --regions when
// given, else every region enabled for the account. ec2:DescribeRegions
// without AllRegions lists exactly the enabled ones (opt-in regions only
// once opted in), and opt-in status is per account. If it cannot be read,
// the configured region alone is collected and the error says so.
func (c *collector) regions(ctx context.Context, cfg aws.Config, account string) []string {
	if len(c.opts.Regions) > 0 {
		out := append([]string(nil), c.opts.Regions...)
		slices.Sort(out)
		return out
	}
	out, err := ec2.NewFromConfig(cfg).DescribeRegions(ctx, &ec2.DescribeRegionsInput{})
	if c.fail(account, cfg.Region, "ec2", "DescribeRegions", "", err) {
		return []string{cfg.Region}
	}
	var regions []string
	for _, r := range out.Regions {
		regions = append(regions, aws.ToString(r.RegionName))
	}
	slices.Sort(regions)
	return regions
}
