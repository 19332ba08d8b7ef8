package guarddutysrv

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// Service is GuardDuty for awstest.Start.
var Service = awstest.RESTService(awstest.GuardDuty, "guardduty", route, func(w *awstest.World) awstest.RESTServe { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

const (
	created  = "2024-01-01T00:00:00.000Z"
	jsonType = "application/json"
)

// route names a call by its path: the operation and the detector it is on.
func route(r *http.Request) (awstest.Op, bool) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) == 0 || parts[0] != "detector" || r.Method != http.MethodGet {
		return awstest.Op{}, false
	}
	var op, detectorID string
	switch {
	case len(parts) == 1:
		op = "ListDetectors"
	case len(parts) == 2:
		op, detectorID = "GetDetector", parts[1]
	case len(parts) == 3 && parts[2] == "publishingDestination":
		op, detectorID = "ListPublishingDestinations", parts[1]
	case len(parts) == 4 && parts[2] == "publishingDestination":
		op, detectorID = "DescribePublishingDestination", parts[1]
	case len(parts) == 3 && parts[2] == "member":
		op, detectorID = "ListMembers", parts[1]
	case len(parts) == 3 && parts[2] == "administrator":
		op, detectorID = "GetAdministratorAccount", parts[1]
	case len(parts) == 3 && parts[2] == "filter":
		op, detectorID = "ListFilters", parts[1]
	case len(parts) == 4 && parts[2] == "filter":
		op, detectorID = "GetFilter", parts[1]
	default:
		return awstest.Op{}, false
	}
	return awstest.Op{Name: op, Continuation: r.URL.Query().Get("nextToken") != "", Resource: detectorID}, true
}

func (s *server) serve(rw http.ResponseWriter, r *http.Request, c awstest.Caller, op awstest.Op) {
	q := r.URL.Query()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	a := s.w.Account(c.Account)
	if op.Name == "ListDetectors" {
		var ids []string
		if a != nil {
			for _, d := range a.Detectors {
				if d.Region == c.Region {
					ids = append(ids, d.ID)
				}
			}
		}
		s.page(rw, q, "detectorIds", ids)
		return
	}
	d := detector(a, c.Region, op.Resource)
	if d == nil {
		awstest.WriteRESTJSONError(rw, awstest.Errorf(400, "BadRequestException",
			"The request is rejected because the input detectorId is not owned by the current account."))
		return
	}
	switch op.Name {
	case "GetDetector":
		out := map[string]any{"createdAt": created, "updatedAt": created,
			"findingPublishingFrequency": d.FindingPublishingFrequency, "status": d.Status,
			"serviceRole": "arn:" + s.w.PartitionName() + ":iam::" + c.Account + ":role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"}
		if len(d.Features) > 0 {
			var fs []map[string]any
			for _, f := range d.Features {
				fs = append(fs, map[string]any{"name": f.Name, "status": f.Status, "updatedAt": 1.7040672e9})
			}
			out["features"] = fs
		}
		awstest.WriteJSON(rw, jsonType, out)
	case "ListPublishingDestinations":
		var ds []map[string]any
		for _, p := range d.PublishingDestinations {
			ds = append(ds, map[string]any{"destinationId": p.ID, "destinationType": p.DestinationType, "status": p.Status})
		}
		s.page(rw, q, "destinations", ds)
	case "DescribePublishingDestination":
		for _, p := range d.PublishingDestinations {
			if p.ID == parts[3] {
				awstest.WriteJSON(rw, jsonType, map[string]any{"destinationId": p.ID, "destinationType": p.DestinationType,
					"status": p.Status, "publishingFailureStartTimestamp": p.PublishingFailureStartTimestamp,
					"destinationProperties": map[string]string{"destinationArn": p.DestinationARN, "kmsKeyArn": p.KmsKeyARN}})
				return
			}
		}
		awstest.WriteRESTJSONError(rw, awstest.Errorf(400, "BadRequestException", "The request is rejected because the destinationId %s is invalid.", parts[3]))
	case "ListMembers":
		var ms []map[string]any
		for _, m := range d.Members {
			ms = append(ms, map[string]any{"accountId": m.AccountID, "masterId": c.Account, "administratorId": c.Account,
				"email": m.AccountID + "@example.com", "relationshipStatus": m.RelationshipStatus, "updatedAt": created})
		}
		s.page(rw, q, "members", ms)
	case "GetAdministratorAccount":
		out := map[string]any{}
		if d.AdministratorAccountID != "" {
			out["administrator"] = map[string]any{"accountId": d.AdministratorAccountID, "relationshipStatus": "Enabled", "invitedAt": created}
		}
		awstest.WriteJSON(rw, jsonType, out)
	case "ListFilters":
		s.page(rw, q, "filterNames", d.SuppressionRules)
	case "GetFilter":
		for i, name := range d.SuppressionRules {
			if name == parts[3] {
				awstest.WriteJSON(rw, jsonType, map[string]any{"name": name, "action": "ARCHIVE", "rank": i + 1,
					"findingCriteria": map[string]any{"criterion": map[string]any{}}})
				return
			}
		}
		awstest.WriteRESTJSONError(rw, awstest.Errorf(400, "BadRequestException", "The request is rejected because the filter %s does not exist.", parts[3]))
	}
}

func detector(a *snapshot.Account, region, id string) *snapshot.Detector {
	if a == nil {
		return nil
	}
	return awstest.Find(a.Detectors, func(d *snapshot.Detector) bool { return d.ID == id && d.Region == region })
}

func page[T any](s *server, rw http.ResponseWriter, q map[string][]string, key string, items []T) {
	max := 0
	if v := q["maxResults"]; len(v) > 0 {
		max, _ = strconv.Atoi(v[0])
	}
	token := ""
	if v := q["nextToken"]; len(v) > 0 {
		token = v[0]
	}
	out, ae := awstest.JSONPage(s.w, items, key, "nextToken", token, max, 50)
	if ae != nil {
		awstest.WriteRESTJSONError(rw, awstest.Errorf(400, "BadRequestException", "%s", ae.Message))
		return
	}
	awstest.WriteJSON(rw, jsonType, out)
}

func (s *server) page(rw http.ResponseWriter, q map[string][]string, key string, items any) {
	switch v := items.(type) {
	case []string:
		page(s, rw, q, key, v)
	case []map[string]any:
		page(s, rw, q, key, v)
	}
}
