package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	gdtypes "github.com/aws/aws-sdk-go-v2/service/guardduty/types"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectGuardDuty reads the detectors of cfg.Region: settings, findings
// exports, members (all of them, not only associated ones: a member that
// left is what GD01 looks for), the administrator, and the suppression
// filters (archived findings are never exported).
func (c *collector) collectGuardDuty(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := guardduty.NewFromConfig(cfg)
	region := cfg.Region
	dp := guardduty.NewListDetectorsPaginator(cl, &guardduty.ListDetectorsInput{})
	eachPage(ctx, c, dp, call{account, region, "guardduty", "ListDetectors", ""}, func(page *guardduty.ListDetectorsOutput) {
		for _, id := range page.DetectorIds {
			into.Detectors = append(into.Detectors, c.detector(ctx, cl, account, region, id))
		}
	})
}

func (c *collector) detector(ctx context.Context, cl *guardduty.Client, account, region, id string) snapshot.Detector {
	d := snapshot.Detector{ID: id, Region: region}
	det, err := cl.GetDetector(ctx, &guardduty.GetDetectorInput{DetectorId: aws.String(id)})
	if !c.fail(account, region, "guardduty", "GetDetector", id, err) {
		d.Status = string(det.Status)
		d.FindingPublishingFrequency = string(det.FindingPublishingFrequency)
		d.Features = detectorFeatures(det)
	}
	pp := guardduty.NewListPublishingDestinationsPaginator(cl, &guardduty.ListPublishingDestinationsInput{DetectorId: aws.String(id)})
	eachPage(ctx, c, pp, call{account, region, "guardduty", "ListPublishingDestinations", id}, func(page *guardduty.ListPublishingDestinationsOutput) {
		for _, dest := range page.Destinations {
			pd := snapshot.PublishingDestination{ID: aws.ToString(dest.DestinationId), DestinationType: string(dest.DestinationType), Status: string(dest.Status)}
			out, err := cl.DescribePublishingDestination(ctx, &guardduty.DescribePublishingDestinationInput{DetectorId: aws.String(id), DestinationId: dest.DestinationId})
			if !c.fail(account, region, "guardduty", "DescribePublishingDestination", pd.ID, err) {
				pd.Status = string(out.Status)
				pd.PublishingFailureStartTimestamp = aws.ToInt64(out.PublishingFailureStartTimestamp)
				if p := out.DestinationProperties; p != nil {
					pd.DestinationARN, pd.KmsKeyARN = aws.ToString(p.DestinationArn), aws.ToString(p.KmsKeyArn)
				}
			}
			d.PublishingDestinations = append(d.PublishingDestinations, pd)
		}
	})
	mp := guardduty.NewListMembersPaginator(cl, &guardduty.ListMembersInput{DetectorId: aws.String(id), OnlyAssociated: aws.String("false")})
	eachPage(ctx, c, mp, call{account, region, "guardduty", "ListMembers", id}, func(page *guardduty.ListMembersOutput) {
		for _, m := range page.Members {
			d.Members = append(d.Members, snapshot.DetectorMember{AccountID: aws.ToString(m.AccountId), RelationshipStatus: aws.ToString(m.RelationshipStatus)})
		}
	})
	adm, err := cl.GetAdministratorAccount(ctx, &guardduty.GetAdministratorAccountInput{DetectorId: aws.String(id)})
	if !c.fail(account, region, "guardduty", "GetAdministratorAccount", id, err) && adm.Administrator != nil {
		d.AdministratorAccountID = aws.ToString(adm.Administrator.AccountId)
	}
	fp := guardduty.NewListFiltersPaginator(cl, &guardduty.ListFiltersInput{DetectorId: aws.String(id)})
	eachPage(ctx, c, fp, call{account, region, "guardduty", "ListFilters", id}, func(page *guardduty.ListFiltersOutput) {
		for _, name := range page.FilterNames {
			f, err := cl.GetFilter(ctx, &guardduty.GetFilterInput{DetectorId: aws.String(id), FilterName: aws.String(name)})
			if !c.fail(account, region, "guardduty", "GetFilter", name, err) && f.Action == gdtypes.FilterActionArchive {
				d.SuppressionRules = append(d.SuppressionRules, name)
			}
		}
	})
	return d
}
