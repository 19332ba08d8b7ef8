package snapshot

import (
	"regexp"
	"strings"
)

// The shapes of an account ID and a region name, and the partition a region
// belongs to: the one definition the loader, the IaC collectors, the
// connector file and the CLI all check against.

var (
	accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)
	regionRe    = regexp.MustCompile(`^[a-z]{2,4}(-[a-z]+)+-[0-9]+$`)
)

// IsAccountID reports whether s is an AWS account ID: twelve digits.
func IsAccountID(s string) bool { return accountIDRe.MatchString(s) }

// IsRegion reports whether s has the shape of a region name (us-east-1,
// us-gov-west-1, cn-north-1, and the European Sovereign Cloud's
// eusc-de-east-1, whose prefix is four letters: partitions.json's
// aws-eusc regionRegex is ^eusc\-(de)\-\w+\-\d+$).
func IsRegion(s string) bool { return regionRe.MatchString(s) }

// PartitionOf names the ARN partition a region belongs to, by the region
// patterns of the AWS SDKs' partitions.json (aws-sdk-go-v2
// internal/endpoints/awsrulesfn/partitions.json): cn-* is aws-cn, us-gov-*
// aws-us-gov, us-iso-* aws-iso, us-isob-* aws-iso-b, eu-isoe-* aws-iso-e,
// us-isof-* aws-iso-f, eusc-* aws-eusc, and every other region aws.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
func PartitionOf(region string) string {
	for _, p := range regionPartitions {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

var regionPartitions = []struct{ prefix, partition string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"us-iso-", "aws-iso"},
	{"us-isob-", "aws-iso-b"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-isof-", "aws-iso-f"},
	{"eusc-", "aws-eusc"},
}
