package awstest_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/cloudtrailsrv"
	"github.com/trailgate/trailgate/collectors/awstest/sqssrv"
	"github.com/trailgate/trailgate/collectors/awstest/stssrv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

func testWorld() *awstest.World {
	doc := func(s string) *snapshot.Policy { return &snapshot.Policy{Document: json.RawMessage(s)} }
	s := &snapshot.Snapshot{SchemaVersion: "1", Source: snapshot.SourceFixture,
		Organization: &snapshot.Organization{ID: "o-test000001", ManagementAccountID: "111111111111", RootID: "r-0001",
			Members: []snapshot.OrgAccount{{ID: "111111111111", ParentID: "r-0001"}, {ID: "222222222222", ParentID: "r-0001"}}},
		Accounts: []snapshot.Account{
			{ID: "111111111111", Regions: []string{"us-east-1", "eu-west-1"}, Trails: []snapshot.Trail{
				{Name: "org", ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/org", HomeRegion: "us-east-1", S3BucketName: "b",
					IsMultiRegionTrail: true, IsOrganizationTrail: true}}},
			{ID: "222222222222", Regions: []string{"us-east-1"}, Roles: []snapshot.Role{{Name: "Reader", ARN: "arn:aws:iam::222222222222:role/Reader",
				TrustPolicy: doc(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},` +
					`"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"secret-id"}}}]}`)}}},
		}}
	w := awstest.NewWorld(s)
	w.Identities.Add("AKIAMGMT", "mgmt-secret", "", "arn:aws:iam::111111111111:user/admin")
	return w
}

func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestSigV4: the servers verify signatures and session tokens, as AWS does.
func TestSigV4(t *testing.T) {
	w := testWorld()
	env := awstest.Start(t, w, stssrv.Service)
	ctx := context.Background()
	cfg := env.Config("AKIAMGMT", "us-east-1")
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(out.Arn) != "arn:aws:iam::111111111111:user/admin" || aws.ToString(out.Account) != "111111111111" {
		t.Fatalf("GetCallerIdentity = %+v, %v", out, err)
	}
	for _, tc := range []struct{ akid, secret, token, want string }{
		{"AKIAMGMT", "wrong", "", "SignatureDoesNotMatch"},
		{"AKIANOBODY", "x", "", "InvalidClientTokenId"},
		{"AKIAMGMT", "mgmt-secret", "a-token-nobody-issued", "InvalidClientTokenId"},
	} {
		c := cfg.Copy()
		c.Credentials = credentials.NewStaticCredentialsProvider(tc.akid, tc.secret, tc.token)
		_, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if code(err) != tc.want {
			t.Errorf("%s/%s/%s: %v, want %s", tc.akid, tc.secret, tc.token, err, tc.want)
		}
	}
}

// TestAssumeRole: STS decides with the role's trust policy, external ID
// included, and the session credentials it issues work.
func TestAssumeRole(t *testing.T) {
	w := testWorld()
	env := awstest.Start(t, w, stssrv.Service)
	ctx := context.Background()
	cl := sts.NewFromConfig(env.Config("AKIAMGMT", "us-east-1"))
	role := aws.String("arn:aws:iam::222222222222:role/Reader")
	for _, tc := range []struct {
		role, externalID *string
		want             string
	}{
		{role, nil, "AccessDenied"},
		{role, aws.String("other"), "AccessDenied"},
		{aws.String("arn:aws:iam::222222222222:role/Nope"), aws.String("secret-id"), "AccessDenied"},
		{role, aws.String("secret-id"), ""},
	} {
		out, err := cl.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: tc.role, RoleSessionName: aws.String("s1"), ExternalId: tc.externalID})
		if code(err) != tc.want {
			t.Errorf("AssumeRole(%s, %v) = %v, want %q", *tc.role, aws.ToString(tc.externalID), err, tc.want)
		}
		if err != nil {
			continue
		}
		c := env.Config("AKIAMGMT", "us-east-1")
		cr := out.Credentials
		c.Credentials = credentials.NewStaticCredentialsProvider(*cr.AccessKeyId, *cr.SecretAccessKey, *cr.SessionToken)
		id, err := sts.NewFromConfig(c).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil || aws.ToString(id.Arn) != "arn:aws:sts::222222222222:assumed-role/Reader/s1" {
			t.Errorf("session identity = %v, %v", id, err)
		}
	}
	if _, err := cl.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: role, RoleSessionName: aws.String("bad name!")}); code(err) != "ValidationError" {
		t.Errorf("bad session name: %v", err)
	}
}

// TestShadowTrails: a member account sees the management account's
// organization trail only when shadow trails are asked for
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html).
func TestShadowTrails(t *testing.T) {
	w := testWorld()
	w.Identities.Add("AKIAMEMBER", "member-secret", "", "arn:aws:iam::222222222222:user/admin")
	env := awstest.Start(t, w, cloudtrailsrv.Service)
	ctx := context.Background()
	for _, tc := range []struct {
		akid, region string
		shadow       *bool
		want         int
	}{
		{"AKIAMEMBER", "us-east-1", nil, 1},
		{"AKIAMEMBER", "us-east-1", aws.Bool(false), 0},
		{"AKIAMGMT", "eu-west-1", aws.Bool(true), 1},
		{"AKIAMGMT", "eu-west-1", aws.Bool(false), 0},
		{"AKIAMGMT", "us-east-1", aws.Bool(false), 1},
	} {
		out, err := cloudtrail.NewFromConfig(env.Config(tc.akid, tc.region)).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{IncludeShadowTrails: tc.shadow})
		if err != nil || len(out.TrailList) != tc.want {
			t.Errorf("%s in %s (shadow %v): %v trails, %v; want %d", tc.akid, tc.region, aws.ToBool(tc.shadow), out, err, tc.want)
		}
	}
}

// TestSQSErrorShape: JSON SQS answers a missing queue with the modeled
// shape QueueDoesNotExist and the legacy query code in x-amzn-query-error;
// the SDK must see both.
func TestSQSErrorShape(t *testing.T) {
	w := testWorld()
	env := awstest.Start(t, w, sqssrv.Service)
	_, err := sqs.NewFromConfig(env.Config("AKIAMGMT", "us-east-1")).GetQueueAttributes(context.Background(),
		&sqs.GetQueueAttributesInput{QueueUrl: aws.String("https://sqs.us-east-1.amazonaws.com/111111111111/missing")})
	var qdne *sqstypes.QueueDoesNotExist
	if !errors.As(err, &qdne) || code(err) != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Errorf("err = %v (code %q), want QueueDoesNotExist with the query code", err, code(err))
	}
}

// TestPage: tokens resume where the last page ended; a forged token is
// refused.
func TestPage(t *testing.T) {
	w := testWorld()
	w.PageSize = 2
	var got []int
	token := ""
	for {
		start, end, next, ae := w.Page(5, token, 0, 100)
		if ae != nil {
			t.Fatal(ae)
		}
		for i := start; i < end; i++ {
			got = append(got, i)
		}
		if next == "" {
			break
		}
		token = next
	}
	if len(got) != 5 || got[4] != 4 {
		t.Errorf("pages gave %v", got)
	}
	if _, _, _, ae := w.Page(5, "forged", 0, 100); ae == nil || ae.Code != "InvalidNextToken" {
		t.Errorf("forged token: %v", ae)
	}
}

// FuzzCaller: any Authorization header is answered with an error or a
// caller, never a panic.
func FuzzCaller(f *testing.F) {
	f.Add("AWS4-HMAC-SHA256 Credential=AKIAMGMT/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	f.Add("AWS4-HMAC-SHA256 Credential=/////")
	f.Add("Basic xyz")
	w := testWorld()
	f.Fuzz(func(t *testing.T, auth string) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.Header.Set("Authorization", auth)
		r.Header.Set("X-Amz-Date", "20260101T000000Z")
		if c, err := w.Caller(r); err == nil && c.AccessKeyID != "AKIAMGMT" {
			t.Fatalf("%q accepted as %+v", auth, c)
		}
	})
}
