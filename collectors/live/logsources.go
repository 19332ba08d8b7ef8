package live

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eks"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/firehose"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// regionalReads read one region of an account (cfg.Region) into a
// per-region Account, one service each: the delivery path's own services,
// then the other log sources: EKS clusters and their control plane
// logging, CloudWatch Logs groups with their subscription filters,
// Firehose delivery streams, and the EventBridge rules of the default bus
// (where GuardDuty, Macie and Security Hub publish findings), and Macie's
// classification export (where Macie stores its sensitive data discovery
// results:
// https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings_eventbridge.html).
var regionalReads = []func(c *collector, ctx context.Context, cfg aws.Config, account string, into *snapshot.Account){
	(*collector).collectCloudTrail,
	(*collector).collectKMS,
	(*collector).collectSNS,
	(*collector).collectSQS,
	(*collector).collectGuardDuty,
	(*collector).collectEKS,
	(*collector).collectLogGroups,
	(*collector).collectFirehose,
	(*collector).collectEventRules,
	(*collector).collectMacie,
	(*collector).collectRedshift,
}

// appendLogSources moves one region's log sources into the account.
func appendLogSources(a, r *snapshot.Account) {
	a.EKSClusters = append(a.EKSClusters, r.EKSClusters...)
	a.LogGroups = append(a.LogGroups, r.LogGroups...)
	a.DeliveryStreams = append(a.DeliveryStreams, r.DeliveryStreams...)
	a.EventRules = append(a.EventRules, r.EventRules...)
	a.MacieExports = append(a.MacieExports, r.MacieExports...)
	a.RedshiftClusters = append(a.RedshiftClusters, r.RedshiftClusters...)
	a.RedshiftParameterGroups = append(a.RedshiftParameterGroups, r.RedshiftParameterGroups...)
}

func (c *collector) collectEKS(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := eks.NewFromConfig(cfg)
	region := cfg.Region
	p := eks.NewListClustersPaginator(cl, &eks.ListClustersInput{})
	eachPage(ctx, c, p, call{account, region, "eks", "ListClusters", ""}, func(page *eks.ListClustersOutput) {
		for _, name := range page.Clusters {
			out, err := cl.DescribeCluster(ctx, &eks.DescribeClusterInput{Name: aws.String(name)})
			if c.fail(account, region, "eks", "DescribeCluster", name, err) || out.Cluster == nil {
				continue
			}
			k := snapshot.EKSCluster{Name: name, ARN: aws.ToString(out.Cluster.Arn), Region: region}
			if lg := out.Cluster.Logging; lg != nil {
				for _, s := range lg.ClusterLogging {
					if aws.ToBool(s.Enabled) {
						for _, t := range s.Types {
							k.EnabledLogTypes = append(k.EnabledLogTypes, string(t))
						}
					}
				}
			}
			into.EKSClusters = append(into.EKSClusters, k)
		}
	})
}

// collectLogGroups reads every log group with its subscription filters.
// Only groups with a filter are kept, plus the EKS clusters' groups
// (/aws/eks/NAME/cluster) and the trails' groups, whose settings a rule
// judges: an account's other groups carry nothing a delivery path reads.
func (c *collector) collectLogGroups(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := cloudwatchlogs.NewFromConfig(cfg)
	region := cfg.Region
	eksGroups := map[string]bool{}
	for _, k := range into.EKSClusters {
		eksGroups["/aws/eks/"+k.Name+"/cluster"] = true
	}
	for _, t := range into.Trails {
		// arn:…:log-group:NAME:*
		if arn := strings.TrimSuffix(t.CloudWatchLogsLogGroupARN, ":*"); arn != "" {
			if i := strings.Index(arn, ":log-group:"); i >= 0 {
				eksGroups[arn[i+len(":log-group:"):]] = true
			}
		}
	}
	p := cloudwatchlogs.NewDescribeLogGroupsPaginator(cl, &cloudwatchlogs.DescribeLogGroupsInput{})
	eachPage(ctx, c, p, call{account, region, "logs", "DescribeLogGroups", ""}, func(page *cloudwatchlogs.DescribeLogGroupsOutput) {
		for _, lg := range page.LogGroups {
			g := snapshot.LogGroup{Name: aws.ToString(lg.LogGroupName), ARN: aws.ToString(lg.Arn), Region: region,
				KmsKeyID: aws.ToString(lg.KmsKeyId), RetentionInDays: int(aws.ToInt32(lg.RetentionInDays))}
			fp := cloudwatchlogs.NewDescribeSubscriptionFiltersPaginator(cl, &cloudwatchlogs.DescribeSubscriptionFiltersInput{LogGroupName: lg.LogGroupName})
			if !eachPage(ctx, c, fp, call{account, region, "logs", "DescribeSubscriptionFilters", g.ARN}, func(fpage *cloudwatchlogs.DescribeSubscriptionFiltersOutput) {
				for _, f := range fpage.SubscriptionFilters {
					g.SubscriptionFilters = append(g.SubscriptionFilters, snapshot.SubscriptionFilter{Name: aws.ToString(f.FilterName),
						FilterPattern: aws.ToString(f.FilterPattern), DestinationARN: aws.ToString(f.DestinationArn),
						RoleARN: aws.ToString(f.RoleArn), Distribution: string(f.Distribution)})
				}
			}) {
				// Kept: the group exists; its filters are unknown.
				eksGroups[g.Name] = true
			}
			if len(g.SubscriptionFilters) > 0 || eksGroups[g.Name] {
				into.LogGroups = append(into.LogGroups, g)
			}
		}
	})
}

func (c *collector) collectFirehose(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := firehose.NewFromConfig(cfg)
	region := cfg.Region
	// ListDeliveryStreams pages by the last name seen; the SDK has no
	// paginator for it.
	var start *string
	for {
		page, err := cl.ListDeliveryStreams(ctx, &firehose.ListDeliveryStreamsInput{ExclusiveStartDeliveryStreamName: start})
		if c.fail(account, region, "firehose", "ListDeliveryStreams", "", err) {
			return
		}
		for _, name := range page.DeliveryStreamNames {
			out, err := cl.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
			if c.fail(account, region, "firehose", "DescribeDeliveryStream", name, err) || out.DeliveryStreamDescription == nil {
				continue
			}
			d := out.DeliveryStreamDescription
			ds := snapshot.DeliveryStream{Name: name, ARN: aws.ToString(d.DeliveryStreamARN), Region: region,
				Type: string(d.DeliveryStreamType), Status: string(d.DeliveryStreamStatus)}
			for _, dst := range d.Destinations {
				if e := dst.ExtendedS3DestinationDescription; e != nil {
					s3d := &snapshot.FirehoseS3Destination{BucketARN: aws.ToString(e.BucketARN), Prefix: aws.ToString(e.Prefix),
						ErrorOutputPrefix: aws.ToString(e.ErrorOutputPrefix), RoleARN: aws.ToString(e.RoleARN),
						CompressionFormat: string(e.CompressionFormat)}
					if ec := e.EncryptionConfiguration; ec != nil && ec.KMSEncryptionConfig != nil {
						s3d.KMSKeyARN = aws.ToString(ec.KMSEncryptionConfig.AWSKMSKeyARN)
					}
					ds.S3 = s3d
					break
				}
			}
			into.DeliveryStreams = append(into.DeliveryStreams, ds)
		}
		if !aws.ToBool(page.HasMoreDeliveryStreams) || len(page.DeliveryStreamNames) == 0 {
			return
		}
		start = aws.String(page.DeliveryStreamNames[len(page.DeliveryStreamNames)-1])
	}
}

func (c *collector) collectEventRules(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	cl := eventbridge.NewFromConfig(cfg)
	region := cfg.Region
	var token *string
	for {
		page, err := cl.ListRules(ctx, &eventbridge.ListRulesInput{NextToken: token})
		if c.fail(account, region, "events", "ListRules", "", err) {
			return
		}
		for _, r := range page.Rules {
			er := snapshot.EventRule{Name: aws.ToString(r.Name), ARN: aws.ToString(r.Arn), EventBusName: aws.ToString(r.EventBusName),
				Region: region, State: string(r.State)}
			if p := aws.ToString(r.EventPattern); p != "" && json.Valid([]byte(p)) {
				er.EventPattern = json.RawMessage(p)
			}
			var tt *string
			for {
				tp, err := cl.ListTargetsByRule(ctx, &eventbridge.ListTargetsByRuleInput{Rule: r.Name, NextToken: tt})
				if c.fail(account, region, "events", "ListTargetsByRule", er.ARN, err) {
					break
				}
				for _, t := range tp.Targets {
					er.Targets = append(er.Targets, snapshot.EventTarget{ID: aws.ToString(t.Id), ARN: aws.ToString(t.Arn), RoleARN: aws.ToString(t.RoleArn)})
				}
				if tt = tp.NextToken; tt == nil {
					break
				}
			}
			into.EventRules = append(into.EventRules, er)
		}
		if token = page.NextToken; token == nil {
			return
		}
	}
}
