package stssrv

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

const xmlns = "https://sts.amazonaws.com/doc/2011-06-15/"

// Service is STS for awstest.Start.
var Service = awstest.Service{ID: awstest.STS, New: New}

// New returns the STS handler.
func New(w *awstest.World) http.Handler {
	return &server{w: w}
}

type server struct {
	w       *awstest.World
	counter atomic.Uint64
}

func (s *server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	form, c, ae := s.w.BeginQuery(r, "sts", func(form url.Values) awstest.Op { return awstest.Op{Resource: form.Get("RoleArn")} })
	if ae != nil {
		awstest.WriteQueryError(rw, xmlns, ae)
		return
	}
	action := form.Get("Action")
	switch action {
	case "GetCallerIdentity":
		awstest.WriteQueryResult(rw, xmlns, action, struct {
			Arn     string
			UserID  string `xml:"UserId"`
			Account string
		}{c.PrincipalARN, userID(c.PrincipalARN), c.Account})
	case "AssumeRole":
		s.assumeRole(rw, c, form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("ExternalId"), form.Get("DurationSeconds"))
	default:
		awstest.WriteQueryError(rw, xmlns, awstest.Errorf(400, "InvalidAction", "Could not find operation %s for version 2011-06-15", action))
	}
}

var sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func (s *server) assumeRole(rw http.ResponseWriter, c awstest.Caller, roleARN, session, externalID, duration string) {
	if !sessionNameRe.MatchString(session) {
		awstest.WriteQueryError(rw, xmlns, awstest.Errorf(400, "ValidationError",
			"1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", session))
		return
	}
	if duration != "" {
		if d, err := strconv.Atoi(duration); err != nil || d < 900 || d > 43200 {
			awstest.WriteQueryError(rw, xmlns, awstest.Errorf(400, "ValidationError",
				"1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", duration))
			return
		}
	}
	denied := awstest.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.PrincipalARN, roleARN)
	// AWS answers AccessDenied, not NoSuchEntity, for a role that does not
	// exist, so that callers cannot probe for role names.
	role, ok := s.findRole(roleARN)
	if !ok || role.TrustPolicy == nil {
		awstest.WriteQueryError(rw, xmlns, denied)
		return
	}
	var allowed bool
	var err error
	if s.w.AssumeRoleAllowed != nil {
		allowed, err = s.w.AssumeRoleAllowed(role.TrustPolicy, role, c, externalID)
	} else {
		allowed, err = decide(s.w, role, c, externalID)
	}
	if err != nil {
		awstest.WriteQueryError(rw, xmlns, &awstest.APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
		return
	}
	if !allowed {
		awstest.WriteQueryError(rw, xmlns, denied)
		return
	}
	n := s.counter.Add(1)
	akid := fmt.Sprintf("ASIA%016X", n)
	secret := fmt.Sprintf("loopback-secret-%d", n)
	token := fmt.Sprintf("loopback-session-token-%d", n)
	account := awstest.AccountOfARN(role.ARN)
	sessionARN := fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", s.w.PartitionName(), account, role.Name, session)
	s.w.Identities.Add(akid, secret, token, sessionARN)
	type credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}
	type assumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string
	}
	roleID := role.RoleID
	if roleID == "" {
		roleID = "AROA" + strings.ToUpper(fmt.Sprintf("%016x", n))
	}
	awstest.WriteQueryResult(rw, xmlns, "AssumeRole", struct {
		Credentials     credentials
		AssumedRoleUser assumedRoleUser
	}{
		credentials{akid, secret, token, time.Now().UTC().Add(time.Hour).Format(time.RFC3339)},
		assumedRoleUser{roleID + ":" + session, sessionARN},
	})
}

func (s *server) findRole(arn string) (snapshot.Role, bool) {
	a := s.w.Account(awstest.AccountOfARN(arn))
	if a == nil {
		return snapshot.Role{}, false
	}
	for _, r := range a.Roles {
		if r.ARN == arn {
			return r, true
		}
	}
	return snapshot.Role{}, false
}

// userID is GetCallerIdentity's UserId: the unique ID of the user, or
// ROLEID:SESSION for an assumed role; loopback principals have no unique IDs,
// so the principal's name stands in.
func userID(arn string) string {
	i := strings.LastIndex(arn, ":")
	res := arn[i+1:]
	if strings.HasPrefix(res, "assumed-role/") {
		parts := strings.Split(res, "/")
		if len(parts) == 3 {
			return "AROA" + strings.ToUpper(parts[1]) + ":" + parts[2]
		}
	}
	return "AIDA" + strings.ToUpper(strings.ReplaceAll(res, "/", ""))
}
