package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/trailgate/trailgate/analyzer/datapath"
)

// A trail's CloudWatch Logs path carries log events, not objects: the
// explanation says where they go, not that messages carry findings.
func TestExplainCloudWatchLogsPath(t *testing.T) {
	p := datapath.Path{ID: "arn:aws:cloudtrail:us-east-1:111111111111:trail/t -> arn:aws:logs:us-east-1:111111111111:log-group:g",
		Source: datapath.Source{Kind: datapath.SourceCloudWatchLogs, ARN: "arn:aws:cloudtrail:us-east-1:111111111111:trail/t", Account: "111111111111", Region: "us-east-1"},
		Hops:   []datapath.Hop{{Kind: datapath.HopWriter, Status: datapath.StatusOK}, {Kind: datapath.HopDeliveryRole, Status: datapath.StatusOK}, {Kind: datapath.HopLogGroup, Status: datapath.StatusOK}},
		Status: datapath.StatusOK, FirstBroken: -1}
	var b bytes.Buffer
	ExplainPath(&b, p)
	if got := b.String(); !strings.Contains(got, "log objects: none (the events go to the log group's streams)") || strings.Contains(got, "messages carry") {
		t.Errorf("explanation:\n%s", got)
	}
}
