package ekssrv

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Service is EKS for awstest.Start.
var Service = awstest.RESTService(awstest.EKS, "eks", route, func(w *awstest.World) awstest.RESTServe { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

const jsonType = "application/json"

// logTypes are every control plane log type, in the order EKS lists them
// (https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html).
var logTypes = []string{"api", "audit", "authenticator", "controllerManager", "scheduler"}

// route names a call by its path: the operation and the cluster it is on.
func route(r *http.Request) (awstest.Op, bool) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet || len(parts) == 0 || parts[0] != "clusters" || len(parts) > 2 {
		return awstest.Op{}, false
	}
	op, name := "ListClusters", ""
	if len(parts) == 2 {
		op, name = "DescribeCluster", parts[1]
	}
	return awstest.Op{Name: op, Continuation: r.URL.Query().Get("nextToken") != "", Resource: name}, true
}

func (s *server) serve(rw http.ResponseWriter, r *http.Request, c awstest.Caller, op awstest.Op) {
	q, name := r.URL.Query(), op.Resource
	clusters := awstest.Filter(s.w.Own(c).EKSClusters, func(k *snapshot.EKSCluster) bool { return k.Region == c.Region })
	if op.Name == "ListClusters" {
		names := []string{}
		for _, cl := range clusters {
			names = append(names, cl.Name)
		}
		max, _ := strconv.Atoi(q.Get("maxResults"))
		out, ae := awstest.JSONPage(s.w, names, "clusters", "nextToken", q.Get("nextToken"), max, 100)
		if ae != nil {
			awstest.WriteRESTJSONError(rw, awstest.Errorf(400, "InvalidParameterException", "%s", ae.Message))
			return
		}
		awstest.WriteJSON(rw, jsonType, out)
		return
	}
	for _, cl := range clusters {
		if cl.Name == name {
			awstest.WriteJSON(rw, jsonType, map[string]any{"cluster": describe(cl)})
			return
		}
	}
	awstest.WriteRESTJSONError(rw, awstest.Errorf(404, "ResourceNotFoundException", "No cluster found for name: %s.", name))
}

// describe answers DescribeCluster: logging lists one entry of the enabled
// types and one of the disabled ones, as EKS does.
func describe(cl *snapshot.EKSCluster) map[string]any {
	var on, off []string
	for _, t := range logTypes {
		if slices.Contains(cl.EnabledLogTypes, t) {
			on = append(on, t)
		} else {
			off = append(off, t)
		}
	}
	var logging []map[string]any
	if len(on) > 0 {
		logging = append(logging, map[string]any{"types": on, "enabled": true})
	}
	if len(off) > 0 {
		logging = append(logging, map[string]any{"types": off, "enabled": false})
	}
	return map[string]any{"name": cl.Name, "arn": cl.ARN, "status": "ACTIVE", "version": "1.31",
		"createdAt": 1.7040672e9, "logging": map[string]any{"clusterLogging": logging}}
}
