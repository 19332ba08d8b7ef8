package live

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/macie2"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// collectMacie reads Macie's classification export configuration of
// cfg.Region. Macie answers every call in a region where it is not enabled
// with AccessDeniedException "Macie is not enabled." (the Macie API
// reference, Errors); that is no export, not a refused read. Any other
// AccessDeniedException is recorded as usual.
func (c *collector) collectMacie(ctx context.Context, cfg aws.Config, account string, into *snapshot.Account) {
	out, err := macie2.NewFromConfig(cfg).GetClassificationExportConfiguration(ctx, &macie2.GetClassificationExportConfigurationInput{})
	if isCode(err, "AccessDeniedException") && strings.Contains(errorMessage(err), "Macie is not enabled") {
		return
	}
	if c.fail(account, cfg.Region, "macie2", "GetClassificationExportConfiguration", "", err) {
		return
	}
	if out.Configuration == nil || out.Configuration.S3Destination == nil {
		return
	}
	d := out.Configuration.S3Destination
	into.MacieExports = append(into.MacieExports, snapshot.MacieExport{Region: cfg.Region, BucketName: aws.ToString(d.BucketName),
		KeyPrefix: aws.ToString(d.KeyPrefix), KmsKeyARN: aws.ToString(d.KmsKeyArn)})
}
