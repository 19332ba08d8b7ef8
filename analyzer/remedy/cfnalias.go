package remedy

import (
	"maps"

	"go.yaml.in/yaml/v3"
)

// cfnAlias are properties a Fix names that a resource type may hold under
// another name: a Firehose stream written with the older
// S3DestinationConfiguration (which has the same BucketARN, Prefix and
// RoleARN) holds its destination there, and declaring an
// ExtendedS3DestinationConfiguration beside it would give the stream two
// destinations, which CloudFormation refuses
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-kinesisfirehose-deliverystream.html).
var cfnAlias = map[string]map[string]string{
	"AWS::KinesisFirehose::DeliveryStream": {"ExtendedS3DestinationConfiguration": "S3DestinationConfiguration"},
}

// aliased is set with each property the resource holds under its alias
// (and not under the Fix's name) renamed to that alias.
func aliased(typ string, props *yaml.Node, set map[string]any) map[string]any {
	out, copied := set, false
	for p, alias := range cfnAlias[typ] {
		v, ok := set[p]
		if !ok {
			continue
		}
		if _, has := mapGet(props, p); has != nil {
			continue
		}
		if _, has := mapGet(props, alias); has == nil {
			continue
		}
		if !copied {
			out, copied = maps.Clone(set), true
		}
		delete(out, p)
		out[alias] = v
	}
	return out
}
