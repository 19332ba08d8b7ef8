package eventssrv

import (
	"cmp"
	"net/http"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = awstest.JSON11("events", "AWSEvents.")

// Service is EventBridge for awstest.Start.
var Service = awstest.JSONService(awstest.EventBridge, proto, func(req *request) awstest.Op {
	return awstest.Op{Resource: req.Rule, Continuation: req.NextToken != ""}
}, func(w *awstest.World) awstest.JSONServe[request] { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type request struct {
	Rule         string
	EventBusName string
	NextToken    string
	Limit        int
}

func (s *server) serve(rw http.ResponseWriter, op string, c awstest.Caller, req *request) {
	bus := cmp.Or(req.EventBusName, "default")
	rules := awstest.Filter(s.w.Own(c).EventRules, func(e *snapshot.EventRule) bool {
		b := cmp.Or(e.EventBusName, "default")
		return e.Region == c.Region && (b == bus || "arn:"+s.w.PartitionName()+":events:"+c.Region+":"+c.Account+":event-bus/"+b == bus)
	})
	switch op {
	case "ListRules":
		list := []map[string]any{}
		for _, e := range rules {
			m := map[string]any{"Name": e.Name, "Arn": e.ARN, "State": e.State, "EventBusName": e.EventBusName}
			if m["EventBusName"] == "" {
				m["EventBusName"] = "default"
			}
			if len(e.EventPattern) > 0 {
				// EventPattern is a JSON document in a string.
				m["EventPattern"] = string(e.EventPattern)
			}
			list = append(list, m)
		}
		s.page(rw, list, "Rules", req)
	case "ListTargetsByRule":
		for _, e := range rules {
			if e.Name != req.Rule {
				continue
			}
			list := []map[string]any{}
			for _, t := range e.Targets {
				m := map[string]any{"Id": t.ID, "Arn": t.ARN}
				if t.RoleARN != "" {
					m["RoleArn"] = t.RoleARN
				}
				list = append(list, m)
			}
			s.page(rw, list, "Targets", req)
			return
		}
		proto.Fail(rw, awstest.Errorf(400, "ResourceNotFoundException", "Rule %s does not exist on EventBus %s.", req.Rule, bus))
	default:
		proto.Fail(rw, awstest.Errorf(400, "UnknownOperationException", "unknown operation %s", op))
	}
}

func (s *server) page(rw http.ResponseWriter, list []map[string]any, key string, req *request) {
	out, ae := awstest.JSONPage(s.w, list, key, "NextToken", req.NextToken, req.Limit, 50)
	if ae != nil {
		proto.Fail(rw, awstest.Errorf(400, "ValidationException", "%s", ae.Message))
		return
	}
	awstest.WriteJSON(rw, proto.ContentType, out)
}
