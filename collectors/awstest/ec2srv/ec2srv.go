package ec2srv

import (
	"encoding/xml"
	"net/http"
	"net/url"

	"github.com/trailgate/trailgate/collectors/awstest"
)

var proto = &awstest.QueryProtocol{Service: "ec2", Xmlns: "http://ec2.amazonaws.com/doc/2016-11-15/", Version: "2016-11-15", WriteError: writeError}

// Service is EC2 for awstest.Start.
var Service = awstest.QueryService(awstest.EC2, proto, nil, func(w *awstest.World) awstest.QueryServe { return (&server{w: w}).serve })

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

func (s *server) serve(rw http.ResponseWriter, action string, c awstest.Caller, _ url.Values) {
	if action != "DescribeRegions" {
		proto.Fail(rw, awstest.Errorf(400, "InvalidAction", "The action %s is not valid for this web service.", action))
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
	}{Xmlns: proto.Xmlns, RequestID: awstest.RequestID()}
	if a := s.w.Account(c.Account); a != nil {
		for _, region := range a.Regions {
			out.Regions = append(out.Regions, item{region, "ec2." + region + ".amazonaws.com", "opt-in-not-required"})
		}
	}
	rw.Header().Set("Content-Type", "text/xml")
	_ = xml.NewEncoder(rw).Encode(out)
}
