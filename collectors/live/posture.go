package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/guardduty"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// bucketPosture reads a bucket's public access block and versioning.
func (c *collector) bucketPosture(ctx context.Context, cl *s3.Client, account string, b *snapshot.Bucket) {
	bn := aws.String(b.Name)
	pab, err := cl.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: bn})
	switch {
	case isCode(err, "NoSuchPublicAccessBlockConfiguration"):
	case !c.fail(account, b.Region, "s3", "GetPublicAccessBlock", b.ARN, err):
		if p := pab.PublicAccessBlockConfiguration; p != nil {
			b.PublicAccessBlock = &snapshot.PublicAccessBlock{BlockPublicAcls: aws.ToBool(p.BlockPublicAcls),
				IgnorePublicAcls: aws.ToBool(p.IgnorePublicAcls), BlockPublicPolicy: aws.ToBool(p.BlockPublicPolicy),
				RestrictPublicBuckets: aws.ToBool(p.RestrictPublicBuckets)}
		}
	}
	v, err := cl.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bn})
	if !c.fail(account, b.Region, "s3", "GetBucketVersioning", b.ARN, err) {
		b.Versioning = string(v.Status)
	}
}

// detectorFeatures reads GetDetector's Features, or, from an API that
// answers only the older DataSources, S3Logs as S3_DATA_EVENTS and
// Kubernetes audit logs as EKS_AUDIT_LOGS
// (https://docs.aws.amazon.com/guardduty/latest/ug/guardduty-feature-object-api-changes-march2023.html).
func detectorFeatures(det *guardduty.GetDetectorOutput) []snapshot.DetectorFeature {
	var out []snapshot.DetectorFeature
	for _, f := range det.Features {
		out = append(out, snapshot.DetectorFeature{Name: string(f.Name), Status: string(f.Status)})
	}
	if len(out) > 0 || det.DataSources == nil {
		return out
	}
	ds := det.DataSources
	if ds.S3Logs != nil {
		out = append(out, snapshot.DetectorFeature{Name: snapshot.FeatureS3DataEvents, Status: string(ds.S3Logs.Status)})
	}
	if ds.Kubernetes != nil && ds.Kubernetes.AuditLogs != nil {
		out = append(out, snapshot.DetectorFeature{Name: snapshot.FeatureEKSAuditLogs, Status: string(ds.Kubernetes.AuditLogs.Status)})
	}
	return out
}
