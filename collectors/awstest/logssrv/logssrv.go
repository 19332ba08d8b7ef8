package logssrv

import (
	"net/http"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = awstest.JSON11("logs", "Logs_20140328.")

// Service is CloudWatch Logs for awstest.Start.
var Service = awstest.JSONService(awstest.Logs, proto, func(req *request) awstest.Op {
	return awstest.Op{Resource: req.LogGroupName, Continuation: req.NextToken != ""}
}, func(w *awstest.World) awstest.JSONServe[request] { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type request struct {
	LogGroupName       string `json:"logGroupName"`
	LogGroupNamePrefix string `json:"logGroupNamePrefix"`
	NextToken          string `json:"nextToken"`
	Limit              int    `json:"limit"`
}

func (s *server) serve(rw http.ResponseWriter, op string, c awstest.Caller, req *request) {
	groups := awstest.Filter(s.w.Own(c).LogGroups, func(g *snapshot.LogGroup) bool { return g.Region == c.Region })
	switch op {
	case "DescribeLogGroups":
		list := []map[string]any{}
		for _, g := range groups {
			if !strings.HasPrefix(g.Name, req.LogGroupNamePrefix) {
				continue
			}
			// arn ends in :*; logGroupArn is the same without it.
			m := map[string]any{"logGroupName": g.Name, "arn": g.ARN, "logGroupArn": strings.TrimSuffix(g.ARN, ":*"),
				"creationTime": 1704067200000, "storedBytes": 0, "metricFilterCount": 0, "logGroupClass": "STANDARD"}
			if g.RetentionInDays > 0 {
				m["retentionInDays"] = g.RetentionInDays
			}
			if g.KmsKeyID != "" {
				m["kmsKeyId"] = g.KmsKeyID
			}
			list = append(list, m)
		}
		s.page(rw, list, "logGroups", req, 50)
	case "DescribeSubscriptionFilters":
		for _, g := range groups {
			if g.Name != req.LogGroupName {
				continue
			}
			list := []map[string]any{}
			for _, f := range g.SubscriptionFilters {
				m := map[string]any{"filterName": f.Name, "logGroupName": g.Name, "filterPattern": f.FilterPattern,
					"destinationArn": f.DestinationARN, "creationTime": 1704067200000}
				if f.RoleARN != "" {
					m["roleArn"] = f.RoleARN
				}
				if f.Distribution != "" {
					m["distribution"] = f.Distribution
				}
				list = append(list, m)
			}
			s.page(rw, list, "subscriptionFilters", req, 50)
			return
		}
		proto.Fail(rw, awstest.Errorf(400, "ResourceNotFoundException", "The specified log group does not exist."))
	default:
		proto.Fail(rw, awstest.Errorf(400, "UnknownOperationException", "unknown operation %s", op))
	}
}

func (s *server) page(rw http.ResponseWriter, list []map[string]any, key string, req *request, def int) {
	out, ae := awstest.JSONPage(s.w, list, key, "nextToken", req.NextToken, req.Limit, def)
	if ae != nil {
		proto.Fail(rw, awstest.Errorf(400, "InvalidParameterException", "%s", ae.Message))
		return
	}
	awstest.WriteJSON(rw, proto.ContentType, out)
}
