package cloudtrailsrv

import (
	"net/http"
	"strings"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The SDK sends the short target; the long form is the one AWS's older
// documentation shows, and CloudTrail accepts both.
var proto = awstest.JSON11("cloudtrail", "CloudTrail_20131101.", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.")

// Service is CloudTrail for awstest.Start.
var Service = awstest.JSONService(awstest.CloudTrail, proto, func(req *request) awstest.Op {
	return awstest.Op{Resource: req.Name + req.TrailName}
}, func(w *awstest.World) awstest.JSONServe[request] { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type request struct {
	TrailNameList       []string `json:"trailNameList"`
	IncludeShadowTrails *bool    `json:"includeShadowTrails"`
	Name                string
	TrailName           string
}

func (s *server) serve(rw http.ResponseWriter, op string, c awstest.Caller, req *request) {
	switch op {
	case "DescribeTrails":
		shadow := req.IncludeShadowTrails == nil || *req.IncludeShadowTrails
		var list []map[string]any
		for _, t := range s.visible(c, shadow) {
			if len(req.TrailNameList) > 0 && !named(t, req.TrailNameList) {
				continue
			}
			list = append(list, describe(t))
		}
		if list == nil {
			list = []map[string]any{}
		}
		awstest.WriteJSON(rw, proto.ContentType, map[string]any{"trailList": list})
	case "GetTrailStatus":
		t := s.find(c, req.Name)
		if t == nil {
			s.notFound(rw, c, req.Name)
			return
		}
		st := t.Status
		if st == nil {
			st = &snapshot.TrailStatus{}
		}
		out := map[string]any{"IsLogging": st.IsLogging}
		if st.LatestDeliveryError != "" {
			out["LatestDeliveryError"] = st.LatestDeliveryError
		}
		if st.LatestNotificationError != "" {
			out["LatestNotificationError"] = st.LatestNotificationError
		}
		awstest.WriteJSON(rw, proto.ContentType, out)
	case "GetEventSelectors":
		t := s.find(c, req.TrailName)
		if t == nil {
			s.notFound(rw, c, req.TrailName)
			return
		}
		awstest.WriteJSON(rw, proto.ContentType, selectors(t))
	default:
		proto.Fail(rw, awstest.Errorf(400, "UnknownOperationException", "unknown operation %s", op))
	}
}

func (s *server) notFound(rw http.ResponseWriter, c awstest.Caller, name string) {
	proto.Fail(rw, awstest.Errorf(400, "TrailNotFoundException", "Unknown trail: %s for the user: %s", name, c.Account))
}

func named(t *snapshot.Trail, names []string) bool {
	for _, n := range names {
		if n == t.Name || n == t.ARN {
			return true
		}
	}
	return false
}

// visible lists the trails DescribeTrails shows in the caller's region. With
// shadow trails, AWS also lists the account's multi-region trails homed in
// other regions and the organization trails of the management account
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html).
func (s *server) visible(c awstest.Caller, shadow bool) []*snapshot.Trail {
	var out []*snapshot.Trail
	a := s.w.Account(c.Account)
	if a == nil {
		return nil
	}
	for i := range a.Trails {
		t := &a.Trails[i]
		if t.HomeRegion == c.Region || shadow && t.IsMultiRegionTrail && awstest.InRegion(a, c.Region) {
			out = append(out, t)
		}
	}
	if o := s.w.Snapshot.Organization; shadow && o != nil && o.ManagementAccountID != c.Account {
		if m := s.w.Account(o.ManagementAccountID); m != nil {
			for i := range m.Trails {
				t := &m.Trails[i]
				if t.IsOrganizationTrail && (t.HomeRegion == c.Region || t.IsMultiRegionTrail) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// find resolves a trail name or ARN as GetTrailStatus does: a name means a
// trail of the caller's account homed in the caller's region; an ARN may
// name any trail the caller can see.
func (s *server) find(c awstest.Caller, name string) *snapshot.Trail {
	for _, t := range s.visible(c, true) {
		if t.ARN == name || t.Name == name && t.HomeRegion == c.Region && awstest.AccountOfARN(t.ARN) == c.Account {
			return t
		}
	}
	return nil
}

func describe(t *snapshot.Trail) map[string]any {
	out := map[string]any{
		"Name": t.Name, "TrailARN": t.ARN, "HomeRegion": t.HomeRegion, "S3BucketName": t.S3BucketName,
		"IncludeGlobalServiceEvents": t.IncludeGlobalServiceEvents, "IsMultiRegionTrail": t.IsMultiRegionTrail,
		"IsOrganizationTrail": t.IsOrganizationTrail, "LogFileValidationEnabled": t.LogFileValidationEnabled,
		"HasCustomEventSelectors": len(t.EventSelectors)+len(t.AdvancedEventSelectors) > 0, "HasInsightSelectors": false,
	}
	if t.S3KeyPrefix != "" {
		out["S3KeyPrefix"] = t.S3KeyPrefix
	}
	if t.SnsTopicARN != "" {
		out["SnsTopicARN"] = t.SnsTopicARN
		out["SnsTopicName"] = t.SnsTopicARN[strings.LastIndex(t.SnsTopicARN, ":")+1:]
	}
	if t.KmsKeyID != "" {
		out["KmsKeyId"] = t.KmsKeyID
	}
	if t.CloudWatchLogsLogGroupARN != "" {
		out["CloudWatchLogsLogGroupArn"] = t.CloudWatchLogsLogGroupARN
	}
	if t.CloudWatchLogsRoleARN != "" {
		out["CloudWatchLogsRoleArn"] = t.CloudWatchLogsRoleARN
	}
	return out
}

func selectors(t *snapshot.Trail) map[string]any {
	out := map[string]any{"TrailARN": t.ARN}
	if len(t.AdvancedEventSelectors) > 0 {
		var adv []map[string]any
		for _, a := range t.AdvancedEventSelectors {
			var fs []map[string]any
			for _, f := range a.FieldSelectors {
				m := map[string]any{"Field": f.Field}
				for k, v := range map[string][]string{"Equals": f.Equals, "NotEquals": f.NotEquals, "StartsWith": f.StartsWith,
					"NotStartsWith": f.NotStartsWith, "EndsWith": f.EndsWith, "NotEndsWith": f.NotEndsWith} {
					if len(v) > 0 {
						m[k] = v
					}
				}
				fs = append(fs, m)
			}
			e := map[string]any{"FieldSelectors": fs}
			if a.Name != "" {
				e["Name"] = a.Name
			}
			adv = append(adv, e)
		}
		out["AdvancedEventSelectors"] = adv
		return out
	}
	es := []map[string]any{}
	for _, e := range t.EventSelectors {
		drs := []map[string]any{}
		for _, d := range e.DataResources {
			drs = append(drs, map[string]any{"Type": d.Type, "Values": d.Values})
		}
		m := map[string]any{"ReadWriteType": e.ReadWriteType, "IncludeManagementEvents": e.IncludeManagementEvents, "DataResources": drs}
		if len(e.ExcludeManagementEventSources) > 0 {
			m["ExcludeManagementEventSources"] = e.ExcludeManagementEventSources
		}
		es = append(es, m)
	}
	out["EventSelectors"] = es
	return out
}
