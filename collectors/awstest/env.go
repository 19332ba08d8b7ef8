package awstest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// SDK service IDs, as AWS_ENDPOINT_URL_<ID> and the SDK's per-service
// endpoint configuration name them.
const (
	STS           = "STS"
	IAM           = "IAM"
	Organizations = "Organizations"
	CloudTrail    = "CloudTrail"
	GuardDuty     = "GuardDuty"
	SNS           = "SNS"
	SQS           = "SQS"
	S3            = "S3"
	KMS           = "KMS"
	EC2           = "EC2"
	EKS           = "EKS"
	Logs          = "CloudWatch Logs"
	Firehose      = "Firehose"
	EventBridge   = "EventBridge"
	Macie2        = "Macie2"
	Redshift      = "Redshift"
)

// Service is one loopback service: its SDK service ID and the handler
// constructor of its subpackage.
type Service struct {
	ID  string
	New func(*World) http.Handler
}

// Env is a set of running loopback services.
type Env struct {
	World *World
	// URLs maps SDK service IDs to base URLs (http://127.0.0.1:port).
	URLs map[string]string
}

// Start starts the named services on 127.0.0.1 and stops them when the test
// ends.
func Start(t testing.TB, w *World, services ...Service) *Env {
	t.Helper()
	e := &Env{World: w, URLs: map[string]string{}}
	for _, s := range services {
		srv := httptest.NewServer(s.New(w))
		t.Cleanup(srv.Close)
		e.URLs[s.ID] = srv.URL
	}
	return e
}

// Config returns an aws.Config signing with the registered credentials of
// akid, in region, with each started service's endpoint set the way
// AWS_ENDPOINT_URL_<SERVICE> sets it (a config source the SDK clients read
// when they are built).
func (e *Env) Config(akid, region string) aws.Config {
	id, _ := e.World.Identities.Lookup(akid)
	return aws.Config{
		Region:        region,
		Credentials:   aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(id.AccessKeyID, id.SecretAccessKey, id.SessionToken)),
		ConfigSources: []any{endpoints(e.URLs)},
	}
}

// Setenv points the standard per-service endpoint variables
// (AWS_ENDPOINT_URL_<SERVICE>) at the services, for code that loads the
// default configuration, and sets static credentials of akid.
func (e *Env) Setenv(t testing.TB, akid, region string) {
	t.Helper()
	id, _ := e.World.Identities.Lookup(akid)
	for svc, url := range e.URLs {
		t.Setenv(EndpointVar(svc), url)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", id.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", id.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", id.SessionToken)
	t.Setenv("AWS_REGION", region)
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

// EndpointVar is the environment variable overriding a service's endpoint.
func EndpointVar(serviceID string) string {
	return "AWS_ENDPOINT_URL_" + strings.ToUpper(strings.ReplaceAll(serviceID, " ", "_"))
}

// endpoints satisfies the SDK's ServiceBaseEndpointProvider config source.
type endpoints map[string]string

func (m endpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	u, ok := m[sdkID]
	return u, ok, nil
}
