package maciesrv

import (
	"net/http"

	"github.com/trailgate/trailgate/collectors/awstest"
)

// Service is Macie for awstest.Start.
var Service = awstest.Service{ID: awstest.Macie2, New: New}

// New returns the Macie handler.
func New(w *awstest.World) http.Handler { return &server{w: w} }

type server struct{ w *awstest.World }

// NotEnabled is what Macie answers every call in a region where it is not
// enabled: AccessDeniedException with this message.
const NotEnabled = "Macie is not enabled."

func (s *server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || r.URL.Path != "/classification-export-configuration" {
		awstest.WriteRESTJSONError(rw, awstest.Errorf(404, "UnknownOperationException", "no route for %s %s", r.Method, r.URL.Path))
		return
	}
	c, ae := s.w.Begin(r, awstest.Op{Service: "macie2", Name: "GetClassificationExportConfiguration"})
	if ae != nil {
		awstest.WriteRESTJSONError(rw, ae)
		return
	}
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
