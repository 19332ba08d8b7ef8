package iam

import (
	"fmt"
	"testing"
)

type condCase struct {
	doc  string
	cond string // the Condition element's JSON
	ctx  map[string][]string
	want bool
}

func c(doc, cond string, ctx map[string][]string, want bool) condCase {
	return condCase{doc: doc, cond: cond, ctx: ctx, want: want}
}

type kv = map[string][]string

// TestConditionOperators evaluates one Allow statement carrying the
// condition: Allowed when the condition holds, ImplicitlyDenied otherwise.
func TestConditionOperators(t *testing.T) {
	cases := []condCase{
		// String operators.
		c(docCondOps, `{"StringEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{"aws:PrincipalTag/team": {"ops"}}, true),
		c(docCondOps, `{"StringEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{"aws:PrincipalTag/team": {"dev"}}, false),
		c(docCondOps, `{"StringEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{"aws:PrincipalTag/team": {"OPS"}}, false),
		c(docCondition, `{"StringEquals":{"AWS:PRINCIPALTAG/TEAM":"ops"}}`, kv{"aws:PrincipalTag/team": {"ops"}}, true),
		c(docCondition, `{"StringEquals":{"aws:principaltag/team":"ops"}}`, kv{"AWS:PrincipalTag/Team": {"ops"}}, true),
		c(docCondition, `{"StringEquals":{"aws:PrincipalTag/team":["dev","ops"]}}`, kv{"aws:PrincipalTag/team": {"ops"}}, true),
		c(docCondition, `{"StringEquals":{"aws:PrincipalTag/team":["dev","qa"]}}`, kv{"aws:PrincipalTag/team": {"ops"}}, false),
		c(docCondOps, `{"StringEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{}, false),
		c(docCondOps, `{"StringNotEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{"aws:PrincipalTag/team": {"dev"}}, true),
		c(docCondOps, `{"StringNotEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{"aws:PrincipalTag/team": {"ops"}}, false),
		c(docCondOps, `{"StringNotEquals":{"aws:PrincipalTag/team":"ops"}}`, kv{}, true),
		c(docCondition, `{"StringNotEquals":{"aws:PrincipalTag/team":["dev","ops"]}}`, kv{"aws:PrincipalTag/team": {"ops"}}, false),
		c(docCondition, `{"StringNotEquals":{"aws:PrincipalTag/team":["dev","ops"]}}`, kv{"aws:PrincipalTag/team": {"qa"}}, true),
		c(docCondOps, `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"OPS"}}`, kv{"aws:PrincipalTag/team": {"ops"}}, true),
		c(docCondOps, `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"OPS"}}`, kv{"aws:PrincipalTag/team": {"dev"}}, false),
		c(docCondOps, `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"OPS"}}`, kv{"aws:PrincipalTag/team": {"ops"}}, false),
		c(docCondOps, `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"OPS"}}`, kv{"aws:PrincipalTag/team": {"dev"}}, true),
		c(docCondOps, `{"StringLike":{"s3:prefix":"home/*"}}`, kv{"s3:prefix": {"home/alice/x"}}, true),
		c(docCondOps, `{"StringLike":{"s3:prefix":"home/*"}}`, kv{"s3:prefix": {"work/alice"}}, false),
		c(docCondOps, `{"StringLike":{"s3:prefix":"home/?"}}`, kv{"s3:prefix": {"home/a"}}, true),
		c(docCondOps, `{"StringLike":{"s3:prefix":"home/?"}}`, kv{"s3:prefix": {"home/ab"}}, false),
		c(docCondOps, `{"StringLike":{"s3:prefix":"*"}}`, kv{"s3:prefix": {""}}, true),
		c(docCondOps, `{"StringLike":{"s3:prefix":"Home/*"}}`, kv{"s3:prefix": {"home/a"}}, false),
		c(docCondOps, `{"StringLike":{"s3:prefix":["", "home/", "home/*"]}}`, kv{"s3:prefix": {""}}, true),
		c(docCondOps, `{"StringNotLike":{"s3:prefix":"home/*"}}`, kv{"s3:prefix": {"work/a"}}, true),
		c(docCondOps, `{"StringNotLike":{"s3:prefix":"home/*"}}`, kv{"s3:prefix": {"home/a"}}, false),
		c(docCondOps, `{"StringNotLike":{"s3:prefix":"home/*"}}`, kv{}, true),
		c(docCondOps, `{"StringEquals":{"s3:prefix":"home/*"}}`, kv{"s3:prefix": {"home/alice"}}, false),
		c(docCondOps, `{"StringEquals":{"s3:prefix":"home/*"}}`, kv{"s3:prefix": {"home/*"}}, true),
		c(docCondOps, `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, kv{}, true),
		c(docCondOps, `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, kv{"ec2:InstanceType": {"m5.large"}}, false),
		c(docCondOps, `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, kv{"ec2:InstanceType": {"t3.micro"}}, true),
		c(docCondOps, `{"StringNotEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, kv{}, true),
		c(docCondOps, `{"StringLikeIfExists":{"ec2:InstanceType":"t3.*"}}`, kv{"ec2:InstanceType": {"t3.nano"}}, true),
		// Numeric.
		c(docCondOps, `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10"}}, true),
		c(docCondOps, `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"11"}}, false),
		c(docCondOps, `{"NumericLessThan":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10"}}, false),
		c(docCondOps, `{"NumericLessThan":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"9"}}, true),
		c(docCondOps, `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10"}}, false),
		c(docCondOps, `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10.5"}}, true),
		c(docCondOps, `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10"}}, true),
		c(docCondOps, `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"9.99"}}, false),
		c(docCondOps, `{"NumericEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10.0"}}, true),
		c(docCondOps, `{"NumericEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"11"}}, false),
		c(docCondOps, `{"NumericNotEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"11"}}, true),
		c(docCondOps, `{"NumericNotEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"10"}}, false),
		c(docCondOps, `{"NumericEquals":{"s3:max-keys":10}}`, kv{"s3:max-keys": {"10"}}, true),
		c(docCondOps, `{"NumericEquals":{"s3:max-keys":"10"}}`, kv{"s3:max-keys": {"ten"}}, false),
		c(docCondOps, `{"NumericEquals":{"s3:max-keys":"10"}}`, kv{}, false),
		c(docCondOps, `{"NumericLessThanIfExists":{"s3:max-keys":"10"}}`, kv{}, true),
		c(docCondOps, `{"NumericEquals":{"s3:max-keys":["5","10"]}}`, kv{"s3:max-keys": {"5"}}, true),
		c(docCondOps, `{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`, kv{"aws:MultiFactorAuthAge": {"120"}}, true),
		// Date.
		c(docCondOps, `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-06-30T00:00:00Z"}}, true),
		c(docCondOps, `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-03-30T00:00:00Z"}}, false),
		c(docCondOps, `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-04-01T00:00:00Z"}}, false),
		c(docCondOps, `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-04-01T00:00:00Z"}}, true),
		c(docCondOps, `{"DateLessThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-03-31T23:59:59Z"}}, true),
		c(docCondOps, `{"DateLessThanEquals":{"aws:CurrentTime":"2020-04-01"}}`, kv{"aws:CurrentTime": {"2020-04-01T00:00:00Z"}}, true),
		c(docCondOps, `{"DateEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"1585699200"}}, true),
		c(docCondOps, `{"DateLessThan":{"aws:EpochTime":"1585699200"}}`, kv{"aws:EpochTime": {"2020-03-01T00:00:00Z"}}, true),
		c(docCondOps, `{"DateEquals":{"aws:CurrentTime":"2020-04-01T02:00:00+02:00"}}`, kv{"aws:CurrentTime": {"2020-04-01T00:00:00Z"}}, true),
		c(docCondOps, `{"DateEquals":{"aws:CurrentTime":"2020-04-01T00:00:00.5Z"}}`, kv{"aws:CurrentTime": {"2020-04-01T00:00:00Z"}}, false),
		c(docCondOps, `{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-04-02T00:00:00Z"}}, true),
		c(docCondOps, `{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"2020-04-01T00:00:00Z"}}, false),
		c(docCondOps, `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-04-01T00:00:00Z"}}`, kv{}, false),
		c(docCondOps, `{"DateGreaterThanIfExists":{"aws:TokenIssueTime":"2020-04-01T00:00:00Z"}}`, kv{}, true),
		c(docCondOps, `{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}`, kv{"aws:CurrentTime": {"not a date"}}, false),
		// Bool.
		c(docCondOps, `{"Bool":{"aws:SecureTransport":"true"}}`, kv{"aws:SecureTransport": {"true"}}, true),
		c(docCondOps, `{"Bool":{"aws:SecureTransport":"true"}}`, kv{"aws:SecureTransport": {"false"}}, false),
		c(docCondOps, `{"Bool":{"aws:SecureTransport":"false"}}`, kv{"aws:SecureTransport": {"false"}}, true),
		c(docCondOps, `{"Bool":{"aws:SecureTransport":"TRUE"}}`, kv{"aws:SecureTransport": {"true"}}, true),
		c(docCondOps, `{"Bool":{"aws:SecureTransport":false}}`, kv{"aws:SecureTransport": {"false"}}, true),
		c(docCondOps, `{"Bool":{"aws:SecureTransport":"true"}}`, kv{}, false),
		c(docCondOps, `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, kv{}, true),
		c(docCondOps, `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, kv{"aws:MultiFactorAuthPresent": {"true"}}, false),
		// Binary.
		c(docCondOps, `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv{"key": {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}, true),
		c(docCondOps, `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv{"key": {"b3RoZXI="}}, false),
		c(docCondOps, `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}`, kv{}, false),
		// IP address.
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{"aws:SourceIp": {"203.0.113.7"}}, true),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{"aws:SourceIp": {"203.0.114.7"}}, false),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, kv{"aws:SourceIp": {"203.0.113.7"}}, true),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, kv{"aws:SourceIp": {"203.0.113.8"}}, false),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}}`, kv{"aws:SourceIp": {"203.0.113.9"}}, true),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, kv{"aws:SourceIp": {"2001:db8:1234:5678::1"}}, true),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"2001:DB8:1234:5678::/64"}}`, kv{"aws:SourceIp": {"2001:db8:1234:5679::1"}}, false),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{"aws:SourceIp": {"not-an-ip"}}, false),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{}, false),
		c(docCondOps, `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{"aws:SourceIp": {"198.51.100.1"}}, true),
		c(docCondOps, `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{"aws:SourceIp": {"203.0.113.1"}}, false),
		c(docCondOps, `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{}, true),
		c(docCondOps, `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, kv{"aws:SourceIp": {"::ffff:203.0.113.7"}}, true),
		// ARN.
		c(docCondOps, `{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}`, kv{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}, true),
		c(docCondOps, `{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111111111111:trail/org"}}`, kv{"aws:SourceArn": {"arn:aws:cloudtrail:us-east-1:111111111111:trail/other"}}, false),
		c(docCondOps, `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111111111111:trail/*"}}`, kv{"aws:SourceArn": {"arn:aws:cloudtrail:eu-west-1:111111111111:trail/org"}}, true),
		c(docCondOps, `{"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111111111111:trail/*"}}`, kv{"aws:SourceArn": {"arn:aws:cloudtrail:eu-west-1:222222222222:trail/org"}}, false),
		c(docCondOps, `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:t"}}, false),
		c(docCondOps, `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::bucket"}}`, kv{"aws:SourceArn": {"arn:aws:s3:::Bucket"}}, false),
		c(docCondOps, `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin*"}}`, kv{"aws:PrincipalArn": {"arn:aws:iam::111111111111:role/AdminOps"}}, true),
		c(docCondOps, `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`, kv{"aws:PrincipalArn": {"arn:aws:iam::111111111111:role/path/x"}}, true),
		c(docCondOps, `{"ArnLike":{"aws:SourceArn":"arn:aws:*:us-east-1:111111111111:*"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:topic"}}, true),
		c(docCondOps, `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:*"}}`, kv{"aws:SourceArn": {"not-an-arn"}}, false),
		c(docCondOps, `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:t"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:u"}}, true),
		c(docCondOps, `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:t"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:t"}}, false),
		c(docCondOps, `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:*"}}`, kv{}, true),
		c(docCondOps, `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:*"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:t"}}, false),
		c(docCondOps, `{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:111111111111:*"}}`, kv{}, true),
		// Null.
		c(docCondOps, `{"Null":{"aws:TokenIssueTime":"true"}}`, kv{}, true),
		c(docCondOps, `{"Null":{"aws:TokenIssueTime":"true"}}`, kv{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}, false),
		c(docCondOps, `{"Null":{"aws:TokenIssueTime":"false"}}`, kv{"aws:TokenIssueTime": {"2020-01-01T00:00:00Z"}}, true),
		c(docCondOps, `{"Null":{"aws:TokenIssueTime":"false"}}`, kv{}, false),
		c(docCondOps, `{"Null":{"aws:TagKeys":"true"}}`, kv{"aws:TagKeys": {}}, true),
		c(docCondOps, `{"Null":{"aws:TokenIssueTime":true}}`, kv{}, true),
		// Set prefixes on Null: the key's absence decides first, as for
		// every set operator ("The ForAllValues set operator also returns
		// true if there are no context keys in the request"; ForAnyValue
		// false); a present key is tested as by Null.
		c(docMultiValued, `{"ForAllValues:Null":{"aws:TagKeys":"false"}}`, kv{}, true),
		c(docMultiValued, `{"ForAllValues:Null":{"aws:TagKeys":"false"}}`, kv{"aws:TagKeys": {"a"}}, true),
		c(docMultiValued, `{"ForAllValues:Null":{"aws:TagKeys":"true"}}`, kv{}, true),
		c(docMultiValued, `{"ForAllValues:Null":{"aws:TagKeys":"true"}}`, kv{"aws:TagKeys": {"a"}}, false),
		c(docMultiValued, `{"ForAllValues:Null":{"aws:TagKeys":"false"}}`, kv{"aws:TagKeys": {}}, true),
		c(docMultiValued, `{"ForAnyValue:Null":{"aws:TagKeys":"true"}}`, kv{}, false),
		c(docMultiValued, `{"ForAnyValue:Null":{"aws:TagKeys":"true"}}`, kv{"aws:TagKeys": {"a"}}, false),
		c(docMultiValued, `{"ForAnyValue:Null":{"aws:TagKeys":"false"}}`, kv{}, false),
		c(docMultiValued, `{"ForAnyValue:Null":{"aws:TagKeys":"false"}}`, kv{"aws:TagKeys": {"a", "b"}}, true),
		c(docMultiValued, `{"ForAnyValue:Null":{"aws:TagKeys":"true"}}`, kv{"aws:TagKeys": {}}, false),
		// Set operators on multivalued keys.
		c(docMultiValued, `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"owner", "team"}}, true),
		c(docMultiValued, `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"owner", "cost"}}, false),
		c(docMultiValued, `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{}, false),
		c(docMultiValued, `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {}}, false),
		c(docMultiValued, `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"env", "team"}}, true),
		c(docMultiValued, `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"env"}}, true),
		c(docMultiValued, `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"env", "owner"}}, false),
		c(docMultiValued, `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{}, true),
		c(docMultiValued, `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {}}, true),
		c(docMultiValued, `{"ForAllValues:StringLike":{"aws:TagKeys":["env*","team"]}}`, kv{"aws:TagKeys": {"env-prod", "team"}}, true),
		c(docMultiValued, `{"ForAllValues:StringLike":{"aws:TagKeys":["env*","team"]}}`, kv{"aws:TagKeys": {"env-prod", "x"}}, false),
		c(docMultiValued, `{"ForAnyValue:StringLike":{"aws:TagKeys":"cost*"}}`, kv{"aws:TagKeys": {"env", "costcenter"}}, true),
		c(docMultiValued, `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"env", "owner"}}, true),
		c(docMultiValued, `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"env", "team"}}, false),
		c(docMultiValued, `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env","team"]}}`, kv{}, false),
		c(docMultiValued, `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"owner", "cost"}}, true),
		c(docMultiValued, `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["env","team"]}}`, kv{"aws:TagKeys": {"owner", "env"}}, false),
		c(docMultiValued, `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["env","team"]}}`, kv{}, true),
		c(docMultiValued, `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"env"}}`, kv{}, true),
		c(docMultiValued, `{"ForAllValues:StringEquals":{"AWS:TAGKEYS":["env"]}}`, kv{"aws:TagKeys": {"env"}}, true),
		c(docMultiValued, `{"ForAnyValue:StringEqualsIgnoreCase":{"aws:TagKeys":"ENV"}}`, kv{"aws:TagKeys": {"env"}}, true),
		c(docMultiValued, `{"ForAnyValue:ArnLike":{"aws:PrincipalServiceNamesList":"arn:aws:iam::*:role/x"}}`, kv{"aws:PrincipalServiceNamesList": {"arn:aws:iam::1:role/x"}}, true),
		c(docMultiValued, `{"StringEquals":{"aws:TagKeys":"env"}}`, kv{"aws:TagKeys": {"owner", "env"}}, true),
		c(docMultiValued, `{"StringNotEquals":{"aws:TagKeys":"env"}}`, kv{"aws:TagKeys": {"owner", "env"}}, false),
		c(docMultiValued, `{"ForAllValues:NumericLessThan":{"k":"10"}}`, kv{"k": {"1", "9"}}, true),
		c(docMultiValued, `{"ForAllValues:NumericLessThan":{"k":"10"}}`, kv{"k": {"1", "19"}}, false),
		c(docMultiValued, `{"ForAnyValue:IpAddress":{"k":"10.0.0.0/8"}}`, kv{"k": {"192.168.0.1", "10.1.1.1"}}, true),
		// Several keys in one block and several blocks are ANDed.
		c(docCondition, `{"StringEquals":{"aws:PrincipalTag/team":"ops","aws:RequestedRegion":"us-east-1"}}`, kv{"aws:PrincipalTag/team": {"ops"}, "aws:RequestedRegion": {"us-east-1"}}, true),
		c(docCondition, `{"StringEquals":{"aws:PrincipalTag/team":"ops","aws:RequestedRegion":"us-east-1"}}`, kv{"aws:PrincipalTag/team": {"ops"}, "aws:RequestedRegion": {"eu-west-1"}}, false),
		c(docCondition, `{"StringEquals":{"aws:PrincipalTag/team":"ops"},"Bool":{"aws:SecureTransport":"true"}}`, kv{"aws:PrincipalTag/team": {"ops"}, "aws:SecureTransport": {"true"}}, true),
		c(docCondition, `{"StringEquals":{"aws:PrincipalTag/team":"ops"},"Bool":{"aws:SecureTransport":"true"}}`, kv{"aws:PrincipalTag/team": {"ops"}, "aws:SecureTransport": {"false"}}, false),
		c(docCondition, `{}`, kv{}, true),
		c(docCondition, `{"StringEquals":{}}`, kv{}, true),
		// Policy variables in condition values.
		c(docVariables, `{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`, kv{"s3:prefix": {"home/alice"}}, true),
		c(docVariables, `{"StringEquals":{"s3:prefix":"home/${aws:username}"}}`, kv{"s3:prefix": {"home/bob"}}, false),
		c(docVariables, `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, kv{"s3:prefix": {"home/alice/docs"}}, true),
		c(docVariables, `{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/owner}"}}`, kv{"aws:ResourceTag/owner": {"x"}}, false),
		c(docVariables, `{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/owner}"}}`, kv{"aws:ResourceTag/owner": {"x"}, "aws:PrincipalTag/owner": {"x"}}, true),
		c(docVariables, `{"StringEquals":{"aws:ResourceTag/owner":"${aws:PrincipalTag/owner, 'nobody'}"}}`, kv{"aws:ResourceTag/owner": {"nobody"}}, true),
		c(docVariables, `{"StringLike":{"s3:prefix":"${*}"}}`, kv{"s3:prefix": {"anything"}}, false),
		c(docVariables, `{"StringLike":{"s3:prefix":"${*}"}}`, kv{"s3:prefix": {"*"}}, true),
		c(docVariables, `{"StringEquals":{"s3:prefix":"a${$}b"}}`, kv{"s3:prefix": {"a$b"}}, true),
		c(docVariables, `{"StringEquals":{"s3:prefix":"a${?}b"}}`, kv{"s3:prefix": {"a?b"}}, true),
		// "Policy variables with no value": positive operators do not
		// match and the statement does not take effect; inverted ones "do
		// match against a null value".
		c(docVarsNoValue, `{"StringNotEquals":{"s3:prefix":"${aws:PrincipalTag/missing}"}}`, kv{"s3:prefix": {"x"}}, true),
		c(docVarsNoValue, `{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}`, kv{"s3:ExistingObjectTag/Team": {"blue"}}, true),
		c(docVarsNoValue, `{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}`, kv{"s3:ExistingObjectTag/Team": {"blue"}, "aws:PrincipalTag/Team": {"blue"}}, false),
		c(docVarsNoValue, `{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}`, kv{}, true),
		c(docVarsNoValue, `{"StringNotEquals":{"s3:prefix":["x","${aws:PrincipalTag/missing}"]}}`, kv{"s3:prefix": {"x"}}, false),
		c(docVarsNoValue, `{"StringNotEqualsIgnoreCase":{"s3:prefix":"${aws:PrincipalTag/missing}"}}`, kv{"s3:prefix": {"x"}}, true),
		c(docVarsNoValue, `{"StringNotLike":{"s3:prefix":"home/${aws:PrincipalTag/missing}/*"}}`, kv{"s3:prefix": {"home/a/b"}}, true),
		c(docVarsNoValue, `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:${aws:PrincipalTag/missing}"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:t"}}, true),
		c(docVarsNoValue, `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:${aws:PrincipalTag/missing}"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:t"}}, true),
		c(docVarsNoValue, `{"ForAllValues:StringNotEquals":{"aws:TagKeys":"${aws:PrincipalTag/missing}"}}`, kv{"aws:TagKeys": {"a", "b"}}, true),
		c(docVarsNoValue, `{"StringNotEqualsIfExists":{"s3:prefix":"${aws:PrincipalTag/missing}"}}`, kv{"s3:prefix": {"x"}}, true),
		c(docVarsNoValue, `{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/missing}"}}`, kv{"s3:prefix": {"x"}}, false),
		c(docVarsNoValue, `{"StringLike":{"s3:prefix":"${aws:PrincipalTag/missing}*"}}`, kv{"s3:prefix": {"x"}}, false),
		c(docVarsNoValue, `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111111111111:${aws:PrincipalTag/missing}"}}`, kv{"aws:SourceArn": {"arn:aws:sns:us-east-1:111111111111:t"}}, false),
		c(docVariables, `{"StringEquals":{"aws:PrincipalTag/x":"${aws:TagKeys}"}}`, kv{"aws:PrincipalTag/x": {"a"}, "aws:TagKeys": {"a", "b"}}, false),
		// Keys AWS derives from the principal.
		c(docGlobalKeys, `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:user/alice"}}`, kv{}, true),
		c(docGlobalKeys, `{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}`, kv{}, true),
		c(docGlobalKeys, `{"StringEquals":{"aws:PrincipalAccount":"222222222222"}}`, kv{}, false),
		c(docGlobalKeys, `{"Bool":{"aws:PrincipalIsAWSService":"false"}}`, kv{}, true),
		c(docGlobalKeys, `{"StringEquals":{"aws:PrincipalType":"User"}}`, kv{}, true),
		c(docGlobalKeys, `{"StringEquals":{"aws:username":"alice"}}`, kv{}, true),
		c(docGlobalKeys, `{"StringEquals":{"aws:PrincipalAccount":"333333333333"}}`, kv{"aws:PrincipalAccount": {"333333333333"}}, true),
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%03d", i), func(t *testing.T) {
			policy := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + tc.cond + `}}`
			p := mustParse(t, policy, KindIdentity)
			req := Request{Principal: "arn:aws:iam::111111111111:user/alice", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", ResourceAccount: "111111111111", Context: tc.ctx}
			got := Evaluate(req, PolicySet{Identity: []*Policy{p}}).Decision == Allowed
			if got != tc.want {
				t.Errorf("condition %s with context %v: got %v, want %v (%s)", tc.cond, tc.ctx, got, tc.want, tc.doc)
			}
		})
	}
	t.Logf("%d condition cases", len(cases))
}

// TestUnresolvedVariableDeny: an ABAC deny guardrail whose StringNotEquals
// names a tag the principal does not carry denies, as in the example of
// "Policy variables with no value" (docVarsNoValue): "Access is explicitly
// denied when aws:principaltag/Team is not set." The same statement with
// the tag set denies only on a mismatch, and a positive operator with a
// variable without value never takes effect.
func TestUnresolvedVariableDeny(t *testing.T) {
	guard := mustParse(t, stmts(
		`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		`{"Sid":"TeamOnly","Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*","Condition":{"StringNotEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}`,
	), KindIdentity)
	positive := mustParse(t, stmts(
		`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`,
		`{"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/Team":"${aws:PrincipalTag/Team}"}}}`,
	), KindIdentity)
	cases := []struct {
		name   string
		policy *Policy
		ctx    kv
		want   Decision
	}{
		{"no Team tag on the principal: denied", guard, kv{"s3:ExistingObjectTag/Team": {"blue"}}, ExplicitlyDenied},
		{"no Team tag anywhere: denied", guard, kv{}, ExplicitlyDenied},
		{"tags differ: denied", guard, kv{"s3:ExistingObjectTag/Team": {"blue"}, "aws:PrincipalTag/Team": {"red"}}, ExplicitlyDenied},
		{"tags agree: allowed", guard, kv{"s3:ExistingObjectTag/Team": {"blue"}, "aws:PrincipalTag/Team": {"blue"}}, Allowed},
		{"positive operator with no value does not take effect", positive, kv{"s3:ExistingObjectTag/Team": {"blue"}}, Allowed},
		{"positive operator with a value takes effect", positive, kv{"s3:ExistingObjectTag/Team": {"blue"}, "aws:PrincipalTag/Team": {"blue"}}, ExplicitlyDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := Request{Principal: userA, Action: "s3:GetObject", Resource: "arn:aws:s3:::amzn-s3-demo-bucket/k", ResourceAccount: acctA, Context: tc.ctx}
			if got := Evaluate(req, PolicySet{Identity: []*Policy{tc.policy}}); got.Decision != tc.want {
				t.Fatalf("got %s, want %s (%s)\n%s", got.Decision, tc.want, docVarsNoValue, dumpSteps(got))
			}
		})
	}
}
