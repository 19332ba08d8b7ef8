package snapshot

// DetectorARN is the ARN of a GuardDuty detector
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonguardduty.html#amazonguardduty-resources-for-iam-policies).
func DetectorARN(partition, region, account, id string) string {
	if partition == "" {
		partition = "aws"
	}
	return "arn:" + partition + ":guardduty:" + region + ":" + account + ":detector/" + id
}

// derive fills the fields computed from others, where the producer left
// them empty.
func (s *Snapshot) derive() {
	for i := range s.Accounts {
		a := &s.Accounts[i]
		for j := range a.Detectors {
			d := &a.Detectors[j]
			if d.ARN == "" {
				d.ARN = DetectorARN(s.Partition, d.Region, a.ID, d.ID)
			}
		}
	}
}
