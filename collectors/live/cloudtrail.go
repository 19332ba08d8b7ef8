package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectCloudTrail reads the trails homed in cfg.Region. Shadow trails
// (multi-region trails homed elsewhere, the management account's
// organization trail seen from members) are left out so that each trail is
// read once, in the account and region that own it.
func (c *collector) collectCloudTrail(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := cloudtrail.NewFromConfig(cfg)
	region := cfg.Region
	out, err := cl.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: aws.Bool(false)})
	if c.fail(account, region, "cloudtrail", "DescribeTrails", "", err) {
		return
	}
	for _, t := range out.TrailList {
		trail := snapshot.Trail{Name: aws.ToString(t.Name), ARN: aws.ToString(t.TrailARN), HomeRegion: aws.ToString(t.HomeRegion),
			S3BucketName: aws.ToString(t.S3BucketName), S3KeyPrefix: aws.ToString(t.S3KeyPrefix), SnsTopicARN: aws.ToString(t.SnsTopicARN),
			KmsKeyID: aws.ToString(t.KmsKeyId), IsMultiRegionTrail: aws.ToBool(t.IsMultiRegionTrail),
			IncludeGlobalServiceEvents: aws.ToBool(t.IncludeGlobalServiceEvents), IsOrganizationTrail: aws.ToBool(t.IsOrganizationTrail),
			LogFileValidationEnabled: aws.ToBool(t.LogFileValidationEnabled), CloudWatchLogsLogGroupARN: aws.ToString(t.CloudWatchLogsLogGroupArn),
			CloudWatchLogsRoleARN: aws.ToString(t.CloudWatchLogsRoleArn)}
		if trail.HomeRegion == "" {
			trail.HomeRegion = region
		}
		st, err := cl.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: t.TrailARN})
		if !c.fail(account, region, "cloudtrail", "GetTrailStatus", trail.ARN, err) {
			trail.Status = &snapshot.TrailStatus{IsLogging: aws.ToBool(st.IsLogging),
				LatestDeliveryError: aws.ToString(st.LatestDeliveryError), LatestNotificationError: aws.ToString(st.LatestNotificationError)}
		}
		sel, err := cl.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: t.TrailARN})
		if !c.fail(account, region, "cloudtrail", "GetEventSelectors", trail.ARN, err) {
			for _, es := range sel.EventSelectors {
				e := snapshot.EventSelector{ReadWriteType: string(es.ReadWriteType), IncludeManagementEvents: aws.ToBool(es.IncludeManagementEvents),
					ExcludeManagementEventSources: es.ExcludeManagementEventSources}
				for _, dr := range es.DataResources {
					e.DataResources = append(e.DataResources, snapshot.DataResource{Type: aws.ToString(dr.Type), Values: dr.Values})
				}
				trail.EventSelectors = append(trail.EventSelectors, e)
			}
			for _, as := range sel.AdvancedEventSelectors {
				a := snapshot.AdvancedEventSelector{Name: aws.ToString(as.Name)}
				for _, f := range as.FieldSelectors {
					a.FieldSelectors = append(a.FieldSelectors, snapshot.FieldSelector{Field: aws.ToString(f.Field), Equals: f.Equals,
						NotEquals: f.NotEquals, StartsWith: f.StartsWith, NotStartsWith: f.NotStartsWith, EndsWith: f.EndsWith, NotEndsWith: f.NotEndsWith})
				}
				trail.AdvancedEventSelectors = append(trail.AdvancedEventSelectors, a)
			}
		}
		into.Trails = append(into.Trails, trail)
	}
}
