package gather

import "github.com/trailgate/trailgate/collectors/snapshot"

// Account is one account's resources, in the order read: the delivery
// path's own, then the other log sources (EKS, CloudWatch Logs, Firehose,
// EventBridge, IAM users and instance profiles, Macie, Redshift).
type Account struct {
	Roles                   []*snapshot.Role
	ManagedPolicies         []*snapshot.ManagedPolicy
	Buckets                 []*snapshot.Bucket
	Trails                  []*snapshot.Trail
	Keys                    []*snapshot.Key
	Topics                  []*snapshot.Topic
	Queues                  []*snapshot.Queue
	Detectors               []*snapshot.Detector
	EventSourceMappings     []*snapshot.EventSourceMapping
	EKSClusters             []*snapshot.EKSCluster
	LogGroups               []*snapshot.LogGroup
	DeliveryStreams         []*snapshot.DeliveryStream
	EventRules              []*snapshot.EventRule
	Users                   []*snapshot.User
	InstanceProfiles        []*snapshot.InstanceProfile
	MacieExports            []*snapshot.MacieExport
	RedshiftClusters        []*snapshot.RedshiftCluster
	RedshiftParameterGroups []*snapshot.RedshiftParameterGroup
}

// Fill appends the resources to a.
func (r *Account) Fill(a *snapshot.Account) {
	a.Roles = AppendValues(a.Roles, r.Roles)
	a.ManagedPolicies = AppendValues(a.ManagedPolicies, r.ManagedPolicies)
	a.Buckets = AppendValues(a.Buckets, r.Buckets)
	a.Trails = AppendValues(a.Trails, r.Trails)
	a.Keys = AppendValues(a.Keys, r.Keys)
	a.Topics = AppendValues(a.Topics, r.Topics)
	a.Queues = AppendValues(a.Queues, r.Queues)
	a.Detectors = AppendValues(a.Detectors, r.Detectors)
	a.EventSourceMappings = AppendValues(a.EventSourceMappings, r.EventSourceMappings)
	a.EKSClusters = AppendValues(a.EKSClusters, r.EKSClusters)
	a.LogGroups = AppendValues(a.LogGroups, r.LogGroups)
	a.DeliveryStreams = AppendValues(a.DeliveryStreams, r.DeliveryStreams)
	a.EventRules = AppendValues(a.EventRules, r.EventRules)
	a.Users = AppendValues(a.Users, r.Users)
	a.InstanceProfiles = AppendValues(a.InstanceProfiles, r.InstanceProfiles)
	a.MacieExports = AppendValues(a.MacieExports, r.MacieExports)
	a.RedshiftClusters = AppendValues(a.RedshiftClusters, r.RedshiftClusters)
	a.RedshiftParameterGroups = AppendValues(a.RedshiftParameterGroups, r.RedshiftParameterGroups)
}

// AppendValues appends the values src points to, in src's order.
func AppendValues[T any](dst []T, src []*T) []T {
	for _, p := range src {
		dst = append(dst, *p)
	}
	return dst
}
