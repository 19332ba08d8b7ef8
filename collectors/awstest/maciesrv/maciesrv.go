package maciesrv

import (
	"net/http"

	"github.com/trailgate/trailgate/collectors/awstest"
)

// Service is Macie for awstest.Start.
var Service = awstest.RESTService(awstest.Macie2, "macie2", route, func(w *awstest.World) awstest.RESTServe { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

// NotEnabled is what Macie answers every call in a region where it is not
// enabled: AccessDeniedException with this message.
const NotEnabled = "Macie is not enabled."

// route names a call by its path; the one Macie call trailgate makes is
// GetClassificationExportConfiguration.
func route(r *http.Request) (awstest.Op, bool) {
	ok := r.Method == http.MethodGet && r.URL.Path == "/classification-export-configuration"
	return awstest.Op{Name: "GetClassificationExportConfiguration"}, ok
}

func (s *server) serve(rw http.ResponseWriter, _ *http.Request, c awstest.Caller, _ awstest.Op) {
	if a := s.w.Account(c.Account); a != nil {
		for _, m := range a.MacieExports {
			if m.Region != c.Region {
				continue
			}
			d := map[string]any{"bucketName": m.BucketName}
			if m.KeyPrefix != "" {
				d["keyPrefix"] = m.KeyPrefix
			}
			if m.KmsKeyARN != "" {
				d["kmsKeyArn"] = m.KmsKeyARN
			}
			awstest.WriteJSON(rw, "application/json", map[string]any{"configuration": map[string]any{"s3Destination": d}})
			return
		}
	}
	awstest.WriteRESTJSONError(rw, awstest.Errorf(403, "AccessDeniedException", NotEnabled))
}
