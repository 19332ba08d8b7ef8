package redshiftsrv

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// proto is Redshift's query protocol (API version 2012-12-01).
var proto = &awstest.QueryProtocol{Service: "redshift", Xmlns: "http://redshift.amazonaws.com/doc/2012-12-01/", Version: "2012-12-01"}

// Service is Redshift for awstest.Start.
var Service = awstest.QueryService(awstest.Redshift, proto, describeCall, func(w *awstest.World) awstest.QueryServe { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

// engineDefaults are the values a parameter group holds for the
// parameters it does not set (Source engine-default), the audit-related
// ones of the redshift-1.0 family:
// https://docs.aws.amazon.com/redshift/latest/mgmt/working-with-parameter-groups.html
var engineDefaults = map[string]string{
	snapshot.RedshiftUserActivityParameter: "false",
	"require_ssl":                          "false",
	"use_fips_ssl":                         "false",
}

// describeCall is what the call log and the authorizer know of a call.
func describeCall(form url.Values) awstest.Op {
	return awstest.Op{Continuation: form.Get("Marker") != "", Resource: form.Get("ClusterIdentifier") + form.Get("ParameterGroupName")}
}

func (s *server) serve(rw http.ResponseWriter, action string, c awstest.Caller, form url.Values) {
	max, _ := strconv.Atoi(form.Get("MaxRecords"))
	if form.Get("MaxRecords") != "" && (max < 20 || max > 100) {
		// The documented range of MaxRecords.
		proto.Fail(rw, awstest.Errorf(400, "InvalidParameterValue", "MaxRecords must be between 20 and 100"))
		return
	}
	a := s.w.Account(c.Account)
	switch action {
	case "DescribeClusters":
		cs := awstest.Filter(s.w.Own(c).RedshiftClusters, func(k *snapshot.RedshiftCluster) bool {
			return k.Region == c.Region && (form.Get("ClusterIdentifier") == "" || k.Identifier == form.Get("ClusterIdentifier"))
		})
		if form.Get("ClusterIdentifier") != "" && len(cs) == 0 {
			proto.Fail(rw, awstest.Errorf(404, "ClusterNotFound", "Cluster %s not found.", form.Get("ClusterIdentifier")))
			return
		}
		start, end, next, ae := s.w.Page(len(cs), form.Get("Marker"), max, 100)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		out := struct {
			Clusters []cluster `xml:"Clusters>Cluster"`
			Marker   string    `xml:",omitempty"`
		}{Marker: next}
		for _, k := range cs[start:end] {
			out.Clusters = append(out.Clusters, describe(k))
		}
		proto.Answer(rw, action, out)
	case "DescribeLoggingStatus":
		k := s.cluster(a, c, form.Get("ClusterIdentifier"))
		if k == nil {
			proto.Fail(rw, awstest.Errorf(404, "ClusterNotFound", "Cluster %s not found.", form.Get("ClusterIdentifier")))
			return
		}
		proto.Answer(rw, action, loggingStatus(k.Logging))
	case "DescribeClusterParameters":
		g := s.group(a, c, form.Get("ParameterGroupName"))
		if g == nil {
			proto.Fail(rw, awstest.Errorf(404, "ClusterParameterGroupNotFound", "Cluster parameter group %s not found.", form.Get("ParameterGroupName")))
			return
		}
		ps := parameters(g, form.Get("Source"))
		start, end, next, ae := s.w.Page(len(ps), form.Get("Marker"), max, 100)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		proto.Answer(rw, action, struct {
			Parameters []parameter `xml:"Parameters>Parameter"`
			Marker     string      `xml:",omitempty"`
		}{ps[start:end], next})
	default:
		proto.UnknownAction(rw, action)
	}
}

type cluster struct {
	ClusterIdentifier      string
	ClusterStatus          string
	NodeType               string
	ClusterNamespaceArn    string
	ClusterParameterGroups []parameterGroupStatus `xml:"ClusterParameterGroups>ClusterParameterGroup"`
}

type parameterGroupStatus struct {
	ParameterGroupName   string
	ParameterApplyStatus string
}

// describe answers DescribeClusters for one cluster: a cluster created
// without a parameter group uses default.redshift-1.0.
func describe(k *snapshot.RedshiftCluster) cluster {
	out := cluster{ClusterIdentifier: k.Identifier, ClusterStatus: "available", NodeType: "ra3.xlplus",
		ClusterNamespaceArn: strings.Replace(k.ARN, ":cluster:", ":namespace:", 1)}
	groups := k.ParameterGroups
	if len(groups) == 0 {
		groups = []string{"default.redshift-1.0"}
	}
	for _, g := range groups {
		out.ClusterParameterGroups = append(out.ClusterParameterGroups, parameterGroupStatus{g, "in-sync"})
	}
	return out
}

// loggingStatus answers DescribeLoggingStatus. A cluster that never
// logged answers LoggingEnabled false and nothing else.
func loggingStatus(l *snapshot.RedshiftLogging) any {
	type status struct {
		LoggingEnabled     bool
		BucketName         string   `xml:",omitempty"`
		S3KeyPrefix        string   `xml:",omitempty"`
		LogDestinationType string   `xml:",omitempty"`
		LogExports         []string `xml:"LogExports>member,omitempty"`
		LastFailureMessage string   `xml:",omitempty"`
	}
	if l == nil || !l.Enabled {
		return status{}
	}
	return status{LoggingEnabled: true, BucketName: l.BucketName, S3KeyPrefix: l.S3KeyPrefix,
		LogDestinationType: l.DestinationType, LogExports: l.LogExports, LastFailureMessage: l.LastFailureMessage}
}

type parameter struct {
	ParameterName  string
	ParameterValue string
	Source         string
	DataType       string
	ApplyType      string
	IsModifiable   bool
}

// parameters are a group's parameters, by name: its own values (Source
// user) and the engine defaults of those it does not set; source filters
// them as DescribeClusterParameters' Source does.
func parameters(g *snapshot.RedshiftParameterGroup, source string) []parameter {
	var out []parameter
	for name, v := range g.Parameters {
		out = append(out, parameter{name, v, "user", dataType(v), "static", true})
	}
	for name, v := range engineDefaults {
		if _, set := g.Parameters[name]; !set {
			out = append(out, parameter{name, v, "engine-default", dataType(v), "static", true})
		}
	}
	slices.SortFunc(out, func(x, y parameter) int { return cmp.Compare(x.ParameterName, y.ParameterName) })
	if source == "" {
		return out
	}
	var kept []parameter
	for _, p := range out {
		if p.Source == source {
			kept = append(kept, p)
		}
	}
	return kept
}

func dataType(v string) string {
	if v == "true" || v == "false" {
		return "boolean"
	}
	return "string"
}

func (s *server) cluster(a *snapshot.Account, c awstest.Caller, id string) *snapshot.RedshiftCluster {
	if a == nil {
		return nil
	}
	for i := range a.RedshiftClusters {
		if k := &a.RedshiftClusters[i]; k.Identifier == id && k.Region == c.Region {
			return k
		}
	}
	return nil
}

func (s *server) group(a *snapshot.Account, c awstest.Caller, name string) *snapshot.RedshiftParameterGroup {
	if a == nil {
		return nil
	}
	for i := range a.RedshiftParameterGroups {
		if g := &a.RedshiftParameterGroups[i]; g.Name == name && (g.Region == c.Region || g.Region == "") {
			return g
		}
	}
	return nil
}
