package snapshot

import "testing"

// Region patterns from aws-sdk-go-v2 internal/endpoints/awsrulesfn/partitions.json.
func TestPartitionOf(t *testing.T) {
	for region, want := range map[string]string{
		"us-east-1":       "aws",
		"eu-west-3":       "aws",
		"il-central-1":    "aws",
		"cn-north-1":      "aws-cn",
		"cn-northwest-1":  "aws-cn",
		"us-gov-west-1":   "aws-us-gov",
		"us-iso-east-1":   "aws-iso",
		"us-isob-east-1":  "aws-iso-b",
		"eu-isoe-west-1":  "aws-iso-e",
		"us-isof-south-1": "aws-iso-f",
		"eusc-de-east-1":  "aws-eusc",
		"":                "aws",
	} {
		if got := PartitionOf(region); got != want {
			t.Errorf("PartitionOf(%q) = %q, want %q", region, got, want)
		}
	}
}

func TestIsRegionAndAccountID(t *testing.T) {
	for s, want := range map[string]bool{
		"us-east-1": true, "us-gov-west-1": true, "cn-north-1": true,
		"eusc-de-east-1": true, "us-isob-east-1": true,
		"us-east": false, "abcde-east-1": false, "US-EAST-1": false, "useast1": false, "": false, "us-east-1 ": false,
		// A new region of a known partition is accepted by the partition's
		// pattern; a name no partition admits is not a region.
		"mx-central-1": true, "ap-southeast-7": true, "eusc-de-south-2": true, "eu-isoe-west-1": true,
		"zz-east-1": false, "eusc-fr-east-1": false, "moon-1": false,
	} {
		if got := IsRegion(s); got != want {
			t.Errorf("IsRegion(%q) = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{
		"123456789012": true, "12345678901": false, "1234567890123": false, "12345678901a": false, "": false,
	} {
		if got := IsAccountID(s); got != want {
			t.Errorf("IsAccountID(%q) = %v, want %v", s, got, want)
		}
	}
}
