package snapshot

import (
	"regexp"
)

// The shapes of an account ID and a region name, and the partition a region
// belongs to: the one definition the loader, the IaC collectors, the
// connector file and the CLI all check against.

var accountIDRe = regexp.MustCompile(`^[0-9]{12}$`)

// IsAccountID reports whether s is an AWS account ID: twelve digits.
func IsAccountID(s string) bool { return accountIDRe.MatchString(s) }

// partitions are the AWS partitions with the region pattern each publishes
// (regionRegex in the SDKs' partitions.json, aws-sdk-go-v2
// internal/endpoints/awsrulesfn/partitions.json). A region AWS adds to a
// known partition (eusc-de-east-1, in the European Sovereign Cloud) is
// accepted without a trailgate release; a name no partition's pattern
// admits is not a region.
// https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
var partitions = []struct {
	id     string
	region *regexp.Regexp
}{
	{"aws", regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$`)},
	{"aws-cn", regexp.MustCompile(`^cn\-\w+\-\d+$`)},
	{"aws-eusc", regexp.MustCompile(`^eusc\-(de)\-\w+\-\d+$`)},
	{"aws-iso", regexp.MustCompile(`^us\-iso\-\w+\-\d+$`)},
	{"aws-iso-b", regexp.MustCompile(`^us\-isob\-\w+\-\d+$`)},
	{"aws-iso-e", regexp.MustCompile(`^eu\-isoe\-\w+\-\d+$`)},
	{"aws-iso-f", regexp.MustCompile(`^us\-isof\-\w+\-\d+$`)},
	{"aws-us-gov", regexp.MustCompile(`^us\-gov\-\w+\-\d+$`)},
}

// IsRegion reports whether s is a well-formed region of a known partition.
func IsRegion(s string) bool {
	for _, p := range partitions {
		if p.region.MatchString(s) {
			return true
		}
	}
	return false
}

// PartitionOf names the ARN partition a region belongs to, by the
// partitions' region patterns; a name no pattern admits is taken as aws.
func PartitionOf(region string) string {
	for _, p := range partitions {
		if p.region.MatchString(region) {
			return p.id
		}
	}
	return "aws"
}
