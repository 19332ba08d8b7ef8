package s3srv_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/awstest/s3srv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// fullAWSAccess is the default SCP, attached to every target.
var fullAWSAccess = snapshot.OrgPolicy{ID: "p-FullAWSAccess", Type: snapshot.PolicyTypeSCP, Targets: []string{"r-p001", "ou-p001-logs0001", logAccount},
	Document: snapshot.Policy{Document: json.RawMessage(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}

// TestDataPerimeterRCP reads through aws-sdk-go-v2 from a bucket under a
// data-perimeter RCP that keys on aws:PrincipalOrgPaths (StringNotLike,
// true when the key is absent): S3 puts it in the request context of an
// organization member's request
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths),
// so the member reads, while another account that the bucket policy lets
// in is stopped by the RCP. With RCPs not enabled in the organization the
// same policies let the outsider read.
func TestDataPerimeterRCP(t *testing.T) {
	doc := func(s string) snapshot.Policy { return snapshot.Policy{Document: json.RawMessage(s)} }
	read := func(enabled []string) map[string]string {
		bucketPolicy := doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},` +
			`"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::perimeter","arn:aws:s3:::perimeter/*"]}]}`)
		s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture,
			Organization: &snapshot.Organization{ID: "o-perim00001", ManagementAccountID: "111111111111", RootID: "r-p001",
				EnabledPolicyTypes:  enabled,
				OrganizationalUnits: []snapshot.OrganizationalUnit{{ID: "ou-p001-logs0001", ParentID: "r-p001"}},
				Members:             []snapshot.OrgAccount{{ID: logAccount, ParentID: "ou-p001-logs0001"}},
				Policies: []snapshot.OrgPolicy{{ID: "p-perimeter", Type: snapshot.PolicyTypeRCP, Targets: []string{"r-p001"},
					Document: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",` +
						`"Condition":{"StringNotLike":{"aws:PrincipalOrgPaths":"o-perim00001/r-p001/ou-p001-logs0001/*"}}}]}`)},
					fullAWSAccess}},
			Accounts: []snapshot.Account{{ID: logAccount, Buckets: []snapshot.Bucket{{Name: "perimeter", ARN: "arn:aws:s3:::perimeter",
				Region: "eu-west-1", Policy: &bucketPolicy}}}},
		}
		w := awstest.NewWorld(s)
		w.Identities.Add("AKIDLOG", "secret-log", "", "arn:aws:iam::222222222222:user/admin")
		w.Identities.Add("AKIDOTHER", "secret-other", "", "arn:aws:iam::333333333333:user/admin")
		srv := s3srv.NewServer(w)
		srv.Access = kmssrv.NewServer(w)
		if _, err := srv.Backend().PutObject("perimeter", "AWSLogs/a.json.gz", map[string]string{}, strings.NewReader("{}"), 2, nil); err != nil {
			t.Fatal(err)
		}
		env := awstest.Start(t, w, awstest.Service{ID: awstest.S3, New: func(*awstest.World) http.Handler { return srv }})
		got := map[string]string{}
		for who, akid := range map[string]string{"member": "AKIDLOG", "outsider": "AKIDOTHER"} {
			_, err := client(env, akid, "eu-west-1").GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("perimeter"), Key: aws.String("AWSLogs/a.json.gz")})
			got[who] = code(err)
		}
		return got
	}
	got := map[string]map[string]string{
		"RCPs enabled":     read([]string{snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP}),
		"RCPs not enabled": read([]string{snapshot.PolicyTypeSCP}),
	}
	want := map[string]map[string]string{
		"RCPs enabled":     {"member": "", "outsider": "AccessDenied"},
		"RCPs not enabled": {"member": "", "outsider": ""},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("GetObject error codes (-want +got):\n%s", d)
	}
}
