package kmssrv_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/awstest/kmssrv"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const (
	keyID    = "1111aaaa-1111-4111-8111-111111111111"
	keyARN   = "arn:aws:kms:us-east-1:222222222222:key/" + keyID
	offID    = "2222bbbb-2222-4222-8222-222222222222"
	readerRA = "arn:aws:iam::222222222222:role/Reader"
)

func pol(doc string) *snapshot.Policy { return &snapshot.Policy{Document: json.RawMessage(doc)} }

func world() *awstest.World {
	keyPolicy := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Root","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"},
	 {"Sid":"Vendor","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:role/Vendor"},"Action":"kms:Decrypt","Resource":"*",
	  "Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}}]}`
	readerInline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"` + keyARN + `"}]}`
	vendorInline := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["kms:Decrypt","kms:Encrypt"],"Resource":"*"}]}`
	s := &snapshot.Snapshot{SchemaVersion: snapshot.SchemaVersion, Source: snapshot.SourceFixture, Accounts: []snapshot.Account{
		{ID: "222222222222",
			Roles: []snapshot.Role{
				{Name: "Reader", ARN: readerRA, InlinePolicies: []snapshot.NamedPolicy{{Name: "read", Policy: *pol(readerInline)}}},
				{Name: "Nobody", ARN: "arn:aws:iam::222222222222:role/Nobody"},
			},
			Keys: []snapshot.Key{
				{KeyID: keyID, ARN: keyARN, Region: "us-east-1", Aliases: []string{"alias/logs"}, Policy: pol(keyPolicy), KeyState: "Enabled", KeyManager: "CUSTOMER",
					Grants: []snapshot.KeyGrant{{GrantID: "g1", GranteePrincipal: "arn:aws:iam::222222222222:role/Nobody", Operations: []string{"DescribeKey"}}}},
				{KeyID: offID, ARN: "arn:aws:kms:us-east-1:222222222222:key/" + offID, Region: "us-east-1", Policy: pol(keyPolicy), KeyState: "Disabled", KeyManager: "CUSTOMER"},
				{KeyID: "3333cccc-3333-4333-8333-333333333333", ARN: "arn:aws:kms:eu-west-1:222222222222:key/3333cccc-3333-4333-8333-333333333333", Region: "eu-west-1", KeyState: "Enabled"},
			}},
		{ID: "444444444444", Roles: []snapshot.Role{{Name: "Vendor", ARN: "arn:aws:iam::444444444444:role/Vendor", InlinePolicies: []snapshot.NamedPolicy{{Name: "v", Policy: *pol(vendorInline)}}}}},
	}}
	w := awstest.NewWorld(s)
	w.Identities.Add("AKIDADMIN", "s", "", "arn:aws:iam::222222222222:user/admin")
	w.Identities.Add("ASIAREADER", "s", "t", "arn:aws:sts::222222222222:assumed-role/Reader/smoke")
	w.Identities.Add("ASIANOBODY", "s", "t", "arn:aws:sts::222222222222:assumed-role/Nobody/smoke")
	w.Identities.Add("ASIAVENDOR", "s", "t", "arn:aws:sts::444444444444:assumed-role/Vendor/smoke")
	return w
}

func clients(t *testing.T) (*kmssrv.Server, func(akid string) *kms.Client) {
	w := world()
	srv := kmssrv.NewServer(w)
	env := awstest.Start(t, w, awstest.Service{ID: awstest.KMS, New: func(*awstest.World) http.Handler { return srv }})
	return srv, func(akid string) *kms.Client { return kms.NewFromConfig(env.Config(akid, "us-east-1")) }
}

func errText(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode() + ": " + ae.ErrorMessage()
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestReadKeys(t *testing.T) {
	_, c := clients(t)
	ctx := context.Background()
	admin := c("AKIDADMIN")
	lk, err := admin.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range lk.Keys {
		ids = append(ids, aws.ToString(k.KeyId))
	}
	if d := cmp.Diff([]string{keyID, offID}, ids); d != "" {
		t.Errorf("ListKeys in us-east-1 (-want +got):\n%s", d)
	}
	la, err := admin.ListAliases(ctx, &kms.ListAliasesInput{})
	if err != nil || len(la.Aliases) != 1 || aws.ToString(la.Aliases[0].AliasName) != "alias/logs" || aws.ToString(la.Aliases[0].TargetKeyId) != keyID {
		t.Errorf("ListAliases = %+v, %v", la, err)
	}
	dk, err := admin.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/logs")})
	if err != nil || aws.ToString(dk.KeyMetadata.Arn) != keyARN || string(dk.KeyMetadata.KeyState) != "Enabled" || string(dk.KeyMetadata.KeyManager) != "CUSTOMER" {
		t.Errorf("DescribeKey(alias/logs) = %+v, %v", dk, err)
	}
	gp, err := admin.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil || !strings.Contains(aws.ToString(gp.Policy), `"Sid":"Vendor"`) {
		t.Errorf("GetKeyPolicy = %v, %v", gp, err)
	}
	lg, err := admin.ListGrants(ctx, &kms.ListGrantsInput{KeyId: aws.String(keyARN)})
	if err != nil || len(lg.Grants) != 1 || aws.ToString(lg.Grants[0].GranteePrincipal) != "arn:aws:iam::222222222222:role/Nobody" {
		t.Errorf("ListGrants = %+v, %v", lg, err)
	}
	// A grant for DescribeKey lets Nobody describe, and nothing else.
	if _, err := c("ASIANOBODY").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyARN)}); err != nil {
		t.Errorf("DescribeKey through a grant: %v", err)
	}
	if _, err := admin.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/nope")}); !strings.HasPrefix(errText(err), "NotFoundException") {
		t.Errorf("DescribeKey(alias/nope) = %v, want NotFoundException", err)
	}
}

// TestKeyPolicySemantics checks the decisions KMS makes: the key policy
// delegates to the account, so same-account roles need an identity policy
// too; another account's role needs both the key policy and its own
// policy, here only through S3 (kms:ViaService).
func TestKeyPolicySemantics(t *testing.T) {
	srv, c := clients(t)
	ctx := context.Background()
	ec := map[string]string{"aws:s3:arn": "arn:aws:s3:::logs/a.json.gz"}
	enc, err := c("AKIDADMIN").Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/logs"), Plaintext: []byte("x"), EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	_, err = c("ASIAREADER").Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	got["reader decrypt"] = errText(err)
	_, err = c("ASIAREADER").Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	got["reader decrypt, context missing"] = errText(err)
	_, err = c("ASIAREADER").Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(keyARN), Plaintext: []byte("x")})
	got["reader encrypt"] = errText(err)
	_, err = c("ASIANOBODY").Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	got["nobody decrypt"] = errText(err)
	_, err = c("ASIAVENDOR").Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ec})
	got["vendor decrypt, direct"] = errText(err)
	_, err = c("AKIDADMIN").Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(offID), Plaintext: []byte("x")})
	got["disabled key"] = errText(err)

	vendor := awstest.Caller{PrincipalARN: "arn:aws:sts::444444444444:assumed-role/Vendor/smoke", Account: "444444444444", Region: "us-east-1", Service: "s3"}
	_, ae := srv.UseKey(vendor, "kms:Decrypt", keyARN, "222222222222", "us-east-1", ec)
	got["vendor decrypt, via S3"] = ""
	if ae != nil {
		got["vendor decrypt, via S3"] = ae.Error()
	}
	_, ae = srv.UseKey(vendor, "kms:Decrypt", "alias/logs", "222222222222", "us-east-1", ec)
	got["vendor via S3, alias in the bucket owner's account"] = ""
	if ae != nil {
		got["vendor via S3, alias in the bucket owner's account"] = ae.Error()
	}

	want := map[string]string{
		"reader decrypt":                  "",
		"reader decrypt, context missing": "InvalidCiphertextException: ",
		"reader encrypt":                  "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/Reader/smoke is not authorized to perform: kms:Encrypt on resource: " + keyARN + " because no identity-based policy allows the kms:Encrypt action",
		"nobody decrypt":                  "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/Nobody/smoke is not authorized to perform: kms:Decrypt on resource: " + keyARN + " because no identity-based policy allows the kms:Decrypt action",
		"vendor decrypt, direct":          "AccessDeniedException: User: arn:aws:sts::444444444444:assumed-role/Vendor/smoke is not authorized to perform: kms:Decrypt on resource: " + keyARN + " because no resource-based policy allows the kms:Decrypt action",
		"disabled key":                    "DisabledException: arn:aws:kms:us-east-1:222222222222:key/" + offID + " is disabled.",
		"vendor decrypt, via S3":          "",
		"vendor via S3, alias in the bucket owner's account": "",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got):\n%s", d)
	}
}

// TestAuthorizeResource covers the generic decision s3srv asks for: an
// account's own administrator needs no bucket policy, another account's
// principal does, and an explicit deny in the bucket policy wins.
func TestAuthorizeResource(t *testing.T) {
	w := world()
	srv := kmssrv.NewServer(w)
	admin := awstest.Caller{PrincipalARN: "arn:aws:iam::222222222222:user/admin", Account: "222222222222", Region: "us-east-1", Service: "s3"}
	outsider := awstest.Caller{PrincipalARN: "arn:aws:iam::555555555555:user/admin", Account: "555555555555", Region: "us-east-1", Service: "s3"}
	reader := awstest.Caller{PrincipalARN: "arn:aws:sts::222222222222:assumed-role/Reader/smoke", Account: "222222222222", Region: "us-east-1", Service: "s3"}
	allowOutsider := pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::555555555555:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	denyReader := pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"` + readerRA + `"},"Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`)
	ctx := map[string][]string{"aws:SecureTransport": {"true"}}
	got := map[string]string{}
	for name, tc := range map[string]struct {
		c   awstest.Caller
		pol *snapshot.Policy
	}{
		"admin, no bucket policy":          {admin, nil},
		"outsider, no bucket policy":       {outsider, nil},
		"outsider, bucket policy allows":   {outsider, allowOutsider},
		"reader session, role denied":      {reader, denyReader},
		"reader, no identity grant for s3": {reader, nil},
	} {
		got[name] = ""
		w.Update(func(s *snapshot.Snapshot) {
			s.Accounts[0].Buckets = []snapshot.Bucket{{Name: "b", ARN: "arn:aws:s3:::b", Region: "us-east-1", Policy: tc.pol}}
		})
		if ae := srv.Authorize(tc.c, "s3:GetObject", "arn:aws:s3:::b/k", ctx); ae != nil {
			got[name] = ae.Code + ": " + strings.SplitN(ae.Message, "\" ", 2)[1]
		}
	}
	want := map[string]string{
		"admin, no bucket policy":          "",
		"outsider, no bucket policy":       "AccessDenied: because no resource-based policy allows the s3:GetObject action",
		"outsider, bucket policy allows":   "",
		"reader session, role denied":      "AccessDenied: with an explicit deny in a resource-based policy",
		"reader, no identity grant for s3": "AccessDenied: because no identity-based policy allows the s3:GetObject action",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("decisions (-want +got):\n%s", d)
	}
}

// TestProtocolErrors checks the JSON 1.1 error shapes the SDK decodes.
func TestProtocolErrors(t *testing.T) {
	_, c := clients(t)
	ctx := context.Background()
	_, err := c("AKIDADMIN").GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("other")})
	if got := errText(err); got != "NotFoundException: No such policy exists" {
		t.Errorf("GetKeyPolicy(other) = %q", got)
	}
	_, err = c("AKIDADMIN").DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:us-east-1:222222222222:key/nope")})
	if got := errText(err); !strings.HasPrefix(got, "NotFoundException: Invalid keyId") {
		t.Errorf("DescribeKey(missing) = %q", got)
	}
	_, err = c("AKIDADMIN").Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: []byte("garbage")})
	if got := errText(err); !strings.HasPrefix(got, "InvalidCiphertextException") {
		t.Errorf("Decrypt(garbage) = %q", got)
	}
}

// fullAWSAccess is the default SCP AWS attaches to every target.
var fullAWSAccess = snapshot.OrgPolicy{ID: "p-FullAWSAccess", Type: snapshot.PolicyTypeSCP, AWSManaged: true, Targets: []string{"r-root", "222222222222"},
	Document: *pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}

// TestOrganizationPolicies: an RCP that keeps key use inside the
// organization stops the vendor (catalog OR02), while RCPFullAWSAccess,
// which the world lists wherever AWS attaches it (awstest.Complete), lets
// everything else through.
func TestOrganizationPolicies(t *testing.T) {
	w := world()
	w.Update(func(s *snapshot.Snapshot) {
		s.Organization = &snapshot.Organization{
			ID: "o-abc", ManagementAccountID: "999999999999", RootID: "r-root",
			EnabledPolicyTypes: []string{snapshot.PolicyTypeSCP, snapshot.PolicyTypeRCP},
			Members:            []snapshot.OrgAccount{{ID: "222222222222", ParentID: "r-root"}},
			Policies:           []snapshot.OrgPolicy{fullAWSAccess},
		}
	})
	srv := kmssrv.NewServer(w)
	vendor := awstest.Caller{PrincipalARN: "arn:aws:sts::444444444444:assumed-role/Vendor/smoke", Account: "444444444444", Region: "us-east-1", Service: "s3"}
	ec := map[string]string{"aws:s3:arn": "arn:aws:s3:::logs/a.json.gz"}
	if _, ae := srv.UseKey(vendor, "kms:Decrypt", keyARN, "222222222222", "us-east-1", ec); ae != nil {
		t.Fatalf("no policies listed: %v", ae)
	}
	w.Update(func(s *snapshot.Snapshot) {
		s.Organization.Policies = append(s.Organization.Policies, snapshot.OrgPolicy{ID: "p-perimeter", Type: snapshot.PolicyTypeRCP, Targets: []string{"r-root"},
			Document: *pol(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*",
		  "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`)})
	})
	srv = kmssrv.NewServer(w)
	_, ae := srv.UseKey(vendor, "kms:Decrypt", keyARN, "222222222222", "us-east-1", ec)
	if ae == nil || !strings.HasSuffix(ae.Message, "with an explicit deny in a resource control policy") {
		t.Errorf("vendor outside the org under a perimeter RCP: %v", ae)
	}
	reader := awstest.Caller{PrincipalARN: "arn:aws:sts::222222222222:assumed-role/Reader/smoke", Account: "222222222222", Region: "us-east-1"}
	if _, ae := srv.UseKey(reader, "kms:Decrypt", keyARN, "222222222222", "us-east-1", ec); ae != nil {
		t.Errorf("a member's role under the perimeter RCP: %v", ae)
	}
}
