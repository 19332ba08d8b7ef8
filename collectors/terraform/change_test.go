package terraform

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

func actions(c map[string]any, acts ...string) map[string]any {
	c["change"].(map[string]any)["actions"] = acts
	return c
}

func before(c map[string]any, v map[string]any) map[string]any {
	c["change"].(map[string]any)["before"] = v
	return c
}

func trailValues(name string) map[string]any {
	return map[string]any{"name": name, "s3_bucket_name": "logs", "arn": "arn:aws:cloudtrail:us-east-1:123456789012:trail/" + name}
}

// Each resource's location carries what the apply does to it, as
// resource_changes[].change.actions says
// (https://developer.hashicorp.com/terraform/internals/json-format#change-representation).
func TestLocationChange(t *testing.T) {
	ct := "aws-controltower-BaselineCloudTrail"
	data := plan(t, []map[string]any{
		change("aws_cloudtrail.created", "", "aws_cloudtrail", "created", nil, "create", trailValues("created"), nil),
		change("aws_cloudtrail.updated", "", "aws_cloudtrail", "updated", nil, "update", trailValues("updated"), nil),
		change("aws_cloudtrail.kept", "", "aws_cloudtrail", "kept", nil, "no-op", trailValues("kept"), nil),
		actions(change("aws_cloudtrail.replaced", "", "aws_cloudtrail", "replaced", nil, "", trailValues("replaced"), nil), "delete", "create"),
		before(change("aws_cloudtrail.forgotten", "", "aws_cloudtrail", "forgotten", nil, "forget", nil, nil), trailValues("forgotten")),
		before(change("aws_cloudtrail.ct", "", "aws_cloudtrail", "ct", nil, "delete", nil, nil), trailValues(ct)),
		before(change("aws_cloudtrail.legacy", "", "aws_cloudtrail", "legacy", nil, "delete", nil, nil), trailValues("legacy")),
	}, nil)
	s := parsePlan(t, data)
	got := map[string]string{}
	for _, tr := range s.Accounts[0].Trails {
		got[tr.Name] = tr.Location.Change
	}
	want := map[string]string{
		"created": snapshot.ChangeCreate, "updated": snapshot.ChangeUpdate, "kept": snapshot.ChangeNoOp,
		"replaced": snapshot.ChangeReplace, "forgotten": snapshot.ChangeNoOp,
		// DeleteTrail on a Control Tower trail is denied: it stays, marked.
		ct: snapshot.ChangeDelete,
		// "legacy" is deleted and gone.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("trail changes (-want +got):\n%s", diff)
	}
}

// The forgotten trail needs its "before" values: forget leaves the object
// in AWS as it was.
func TestForgetKeepsBefore(t *testing.T) {
	data := plan(t, []map[string]any{
		before(actions(change("aws_cloudtrail.f", "", "aws_cloudtrail", "f", nil, "", nil, nil), "forget"), trailValues("forgotten")),
	}, nil)
	s := parsePlan(t, data)
	if n := len(s.Accounts[0].Trails); n != 1 || s.Accounts[0].Trails[0].Name != "forgotten" || s.Accounts[0].Trails[0].S3BucketName != "logs" {
		t.Errorf("trails = %+v, want the forgotten trail as it was", s.Accounts[0].Trails)
	}
}

// A plan listing changes leaves the resources it does not touch as they
// are (no-op); data sources are read.
func TestLocationChangeFromState(t *testing.T) {
	data := []byte(`{"format_version":"1.2","terraform_version":"1.9.8",
	"resource_changes":[{"address":"aws_sqs_queue.q","mode":"managed","type":"aws_sqs_queue","name":"q",
	  "change":{"actions":["update"],"before":{},"after":{"name":"q","arn":"arn:aws:sqs:us-east-1:123456789012:q"},"after_unknown":{}}}],
	"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[
	  {"address":"aws_sns_topic.t","mode":"managed","type":"aws_sns_topic","name":"t","values":{"name":"t","arn":"arn:aws:sns:us-east-1:123456789012:t"}},
	  {"address":"data.aws_organizations_organization.o","mode":"data","type":"aws_organizations_organization","name":"o",
	   "values":{"id":"o-a1b2c3d4e5","master_account_id":"111111111111","roots":[{"id":"r-ab12"}]}}]}}}}`)
	s := parsePlan(t, data)
	a := s.Accounts[0]
	got := map[string]string{"queue": a.Queues[0].Location.Change, "topic": a.Topics[0].Location.Change}
	if s.Organization != nil && s.Organization.Location != nil {
		got["organization"] = s.Organization.Location.Change
	}
	want := map[string]string{"queue": snapshot.ChangeUpdate, "topic": snapshot.ChangeNoOp, "organization": snapshot.ChangeRead}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

// Attachments to resources the plan does not declare give stand-ins marked
// Partial, so that an overlay merges what they attach into the live
// resource instead of replacing it.
func TestStandInsArePartial(t *testing.T) {
	pol := `{"Statement":[]}`
	data := plan(t, []map[string]any{
		change("aws_s3_bucket_policy.p", "", "aws_s3_bucket_policy", "p", nil, "create", map[string]any{"bucket": "shared-logs", "policy": pol}, nil),
		change("aws_kms_key_policy.k", "", "aws_kms_key_policy", "k", nil, "create", map[string]any{"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab", "policy": pol}, nil),
		change("aws_sns_topic_policy.t", "", "aws_sns_topic_policy", "t", nil, "create", map[string]any{"arn": "arn:aws:sns:us-east-1:123456789012:t", "policy": pol}, nil),
		change("aws_sqs_queue_policy.q", "", "aws_sqs_queue_policy", "q", nil, "create", map[string]any{"queue_url": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "policy": pol}, nil),
		change("aws_iam_role_policy.r", "", "aws_iam_role_policy", "r", nil, "create", map[string]any{"role": "Reader", "name": "read", "policy": pol}, nil),
		change("aws_guardduty_publishing_destination.d", "", "aws_guardduty_publishing_destination", "d", nil, "create",
			map[string]any{"detector_id": "12abc34d567e8fa901bc2d34e56789f0", "destination_arn": "arn:aws:s3:::findings", "kms_key_arn": "arn:aws:kms:us-east-1:123456789012:key/k"}, nil),
	}, nil)
	a := parsePlan(t, data).Accounts[0]
	got := map[string]bool{"bucket": a.Buckets[0].Partial, "key": a.Keys[0].Partial, "topic": a.Topics[0].Partial,
		"queue": a.Queues[0].Partial, "role": a.Roles[0].Partial, "detector": a.Detectors[0].Partial}
	want := map[string]bool{"bucket": true, "key": true, "topic": true, "queue": true, "role": true, "detector": true}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("partial (-want +got):\n%s", diff)
	}
	// Declared in the plan: not partial.
	data = plan(t, []map[string]any{
		change("aws_s3_bucket.b", "", "aws_s3_bucket", "b", nil, "create", map[string]any{"bucket": "shared-logs"}, map[string]any{"arn": true}),
		change("aws_s3_bucket_policy.p", "", "aws_s3_bucket_policy", "p", nil, "create", map[string]any{"bucket": "shared-logs", "policy": pol}, nil),
	}, nil)
	if b := parsePlan(t, data).Accounts[0].Buckets[0]; b.Partial || b.Policy == nil {
		t.Errorf("declared bucket = %+v, want it whole with its policy", b)
	}
}

// Destroying an aws_kms_key schedules its deletion: the key stays, pending
// deletion (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).
func TestDeletedKeyIsPendingDeletion(t *testing.T) {
	data := plan(t, []map[string]any{
		before(change("aws_kms_key.k", "", "aws_kms_key", "k", nil, "delete", nil, nil),
			map[string]any{"key_id": "k1", "arn": "arn:aws:kms:us-east-1:123456789012:key/k1", "is_enabled": true, "policy": `{"Statement":[]}`}),
	}, nil)
	keys := parsePlan(t, data).Accounts[0].Keys
	if len(keys) != 1 || keys[0].KeyState != "PendingDeletion" || keys[0].Location.Change != snapshot.ChangeDelete {
		t.Errorf("keys = %+v, want k1 pending deletion", keys)
	}
}
