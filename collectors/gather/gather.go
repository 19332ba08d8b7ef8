package gather

import "github.com/trailgate/trailgate/collectors/snapshot"

// Resources are one account's resources of the delivery path, in the
// order read.
type Resources struct {
	Roles               []*snapshot.Role
	ManagedPolicies     []*snapshot.ManagedPolicy
	Buckets             []*snapshot.Bucket
	Trails              []*snapshot.Trail
	Keys                []*snapshot.Key
	Topics              []*snapshot.Topic
	Queues              []*snapshot.Queue
	Detectors           []*snapshot.Detector
	EventSourceMappings []*snapshot.EventSourceMapping
}

// Fill appends the resources to a.
func (r *Resources) Fill(a *snapshot.Account) {
	a.Roles = AppendValues(a.Roles, r.Roles)
	a.ManagedPolicies = AppendValues(a.ManagedPolicies, r.ManagedPolicies)
	a.Buckets = AppendValues(a.Buckets, r.Buckets)
	a.Trails = AppendValues(a.Trails, r.Trails)
	a.Keys = AppendValues(a.Keys, r.Keys)
	a.Topics = AppendValues(a.Topics, r.Topics)
	a.Queues = AppendValues(a.Queues, r.Queues)
	a.Detectors = AppendValues(a.Detectors, r.Detectors)
	a.EventSourceMappings = AppendValues(a.EventSourceMappings, r.EventSourceMappings)
}

// LogSources are one account's resources of the log sources beyond the
// delivery path's own (EKS, CloudWatch Logs, Firehose, EventBridge, IAM
// users and instance profiles, Macie, Redshift), in the order read.
type LogSources struct {
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

// Fill appends the resources to a. A nil s has none.
func (s *LogSources) Fill(a *snapshot.Account) {
	if s == nil {
		return
	}
	a.EKSClusters = AppendValues(a.EKSClusters, s.EKSClusters)
	a.LogGroups = AppendValues(a.LogGroups, s.LogGroups)
	a.DeliveryStreams = AppendValues(a.DeliveryStreams, s.DeliveryStreams)
	a.EventRules = AppendValues(a.EventRules, s.EventRules)
	a.Users = AppendValues(a.Users, s.Users)
	a.InstanceProfiles = AppendValues(a.InstanceProfiles, s.InstanceProfiles)
	a.MacieExports = AppendValues(a.MacieExports, s.MacieExports)
	a.RedshiftClusters = AppendValues(a.RedshiftClusters, s.RedshiftClusters)
	a.RedshiftParameterGroups = AppendValues(a.RedshiftParameterGroups, s.RedshiftParameterGroups)
}

// AppendValues appends the values src points to, in src's order.
func AppendValues[T any](dst []T, src []*T) []T {
	for _, p := range src {
		dst = append(dst, *p)
	}
	return dst
}
