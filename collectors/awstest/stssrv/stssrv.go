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

var proto = &awstest.QueryProtocol{Service: "sts", Xmlns: "https://sts.amazonaws.com/doc/2011-06-15/", Version: "2011-06-15"}

// Service is STS for awstest.Start.
var Service = awstest.QueryService(awstest.STS, proto, describe, func(w *awstest.World) awstest.QueryServe { return (&server{w: w}).serve })

type server struct {
	w       *awstest.World
	counter atomic.Uint64
}

// describe is what the call log and the authorizer know of a call.
func describe(form url.Values) awstest.Op { return awstest.Op{Resource: form.Get("RoleArn")} }

func (s *server) serve(rw http.ResponseWriter, action string, c awstest.Caller, form url.Values) {
	switch action {
	case "GetCallerIdentity":
		proto.Answer(rw, action, struct {
			Arn     string
			UserID  string `xml:"UserId"`
			Account string
		}{c.PrincipalARN, userID(c.PrincipalARN), c.Account})
	case "AssumeRole":
		s.assumeRole(rw, c, form.Get("RoleArn"), form.Get("RoleSessionName"), form.Get("ExternalId"), form.Get("DurationSeconds"))
	default:
		proto.UnknownAction(rw, action)
	}
}

var sessionNameRe = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)

func (s *server) assumeRole(rw http.ResponseWriter, c awstest.Caller, roleARN, session, externalID, duration string) {
	if !sessionNameRe.MatchString(session) {
		proto.Fail(rw, awstest.Errorf(400, "ValidationError",
			"1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", session))
		return
	}
	if duration != "" {
		if d, err := strconv.Atoi(duration); err != nil || d < 900 || d > 43200 {
			proto.Fail(rw, awstest.Errorf(400, "ValidationError",
				"1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", duration))
			return
		}
	}
	denied := awstest.Errorf(403, "AccessDenied", "User: %s is not authorized to perform: sts:AssumeRole on resource: %s", c.PrincipalARN, roleARN)
	// AWS answers AccessDenied, not NoSuchEntity, for a role that does not
	// exist, so that callers cannot probe for role names.
	role, ok := s.findRole(roleARN)
	if !ok || role.TrustPolicy == nil {
		proto.Fail(rw, denied)
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
		proto.Fail(rw, &awstest.APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
		return
	}
	if !allowed {
		proto.Fail(rw, denied)
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
	proto.Answer(rw, "AssumeRole", struct {
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
