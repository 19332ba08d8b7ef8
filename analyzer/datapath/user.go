package datapath

import (
	"strings"

	"github.com/trailgate/trailgate/collectors/snapshot"
)

// userReader is the IAM user a connector signs as with its access key
// (SkyFormation K2 "Basic"), standing as the reader: the questions the
// reader hops ask are asked of the user's ARN, which the authorization
// index judges by the user's own policies. Only Name and ARN are set: a
// user has no trust policy, nobody assumes it. nil when the connector
// does not name a user of the snapshot.
func (b *builder) userReader() *snapshot.Role {
	if b.conn == nil || !isUserARN(b.conn.Role) {
		return nil
	}
	for _, a := range b.ix.accounts {
		for _, u := range a.Users {
			if u.ARN == b.conn.Role {
				return &snapshot.Role{Name: u.Name, ARN: u.ARN, Path: u.Path, Location: u.Location}
			}
		}
	}
	return nil
}

func isUserARN(s string) bool {
	a, ok := parseARN(s)
	return ok && a.Service == "iam" && strings.HasPrefix(a.Resource, "user/")
}

// principalType is aws:PrincipalType for a reader: an IAM user signs
// with its own credentials ("User"), every other reader is a role session
// ("AssumedRole")
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#principaltable).
func principalType(arn string) string {
	if isUserARN(arn) {
		return "User"
	}
	return "AssumedRole"
}
