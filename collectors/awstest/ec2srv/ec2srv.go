package ec2srv

import (
	"encoding/xml"
	"net/http"

	"github.com/trailgate/trailgate/collectors/awstest"
)

const xmlns = "http://ec2.amazonaws.com/doc/2016-11-15/"

// Service is EC2 for awstest.Start.
var Service = awstest.Service{ID: awstest.EC2, New: New}

// New returns the EC2 handler.
func New(w *awstest.World) http.Handler { return &server{w: w} }

type server struct{ w *awstest.World }

// writeError writes the EC2 protocol's error document, which differs from
// the query protocol's: <Response><Errors><Error>…</Error></Errors><RequestID/></Response>.
func writeError(rw http.ResponseWriter, e *awstest.APIError) {
	doc := struct {
		XMLName xml.Name `xml:"Response"`
		Errors  []struct {
			Code    string
			Message string
		} `xml:"Errors>Error"`
		RequestID string
	}{RequestID: awstest.RequestID()}
	doc.Errors = append(doc.Errors, struct {
		Code    string
		Message string
	}{e.Code, e.Message})
	rw.Header().Set("Content-Type", "text/xml")
	rw.WriteHeader(e.Status)
	_ = xml.NewEncoder(rw).Encode(doc)
}

func (s *server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	form, c, ae := s.w.BeginQuery(r, "ec2", nil)
	if ae != nil {
		writeError(rw, ae)
		return
	}
	action := form.Get("Action")
	if action != "DescribeRegions" {
		writeError(rw, awstest.Errorf(400, "InvalidAction", "The action %s is not valid for this web service.", action))
		return
	}
	type item struct {
		RegionName  string `xml:"regionName"`
		Endpoint    string `xml:"regionEndpoint"`
		OptInStatus string `xml:"optInStatus"`
	}
	out := struct {
		XMLName   xml.Name `xml:"DescribeRegionsResponse"`
		Xmlns     string   `xml:"xmlns,attr"`
		RequestID string   `xml:"requestId"`
		Regions   []item   `xml:"regionInfo>item"`
	}{Xmlns: xmlns, RequestID: awstest.RequestID()}
	if a := s.w.Account(c.Account); a != nil {
		for _, region := range a.Regions {
			out.Regions = append(out.Regions, item{region, "ec2." + region + ".amazonaws.com", "opt-in-not-required"})
		}
	}
	rw.Header().Set("Content-Type", "text/xml")
	_ = xml.NewEncoder(rw).Encode(out)
}
