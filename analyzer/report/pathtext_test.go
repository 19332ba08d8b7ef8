package report

import (
	"bytes"
	"testing"

	"github.com/trailgate/trailgate/analyzer/authz"
	"github.com/trailgate/trailgate/analyzer/datapath"
	"github.com/trailgate/trailgate/collectors/connector"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

// The Control Tower path of analyzer/datapath's test data, answered by the
// real evaluator, as the text PATHS line and --explain draw it: every hop
// granted except the queue key, whose policy lets S3 but not SNS use it.
func TestPathTextGolden(t *testing.T) {
	snap, err := snapshot.LoadFile("../datapath/testdata/controltower.json")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := connector.Parse("connector.yaml", []byte("profile: expel\nrole: arn:aws:iam::222222222222:role/ExpelRole\n"+
		"trusted_principal: arn:aws:iam::012345678901:root\nexternal_id: \"8d3c0c6e-example\"\n"+
		"queue: arn:aws:sqs:us-east-1:222222222222:expel-cloudtrail\nregion: us-east-1\nsources: [cloudtrail]\n"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := authz.NewIndex(snap)
	if err != nil {
		t.Fatal(err)
	}
	paths := datapath.Evaluate(datapath.Build(snap, conn), datapath.AuthzAsker(ix))
	if len(paths) != 1 {
		t.Fatalf("paths = %d", len(paths))
	}
	var b bytes.Buffer
	b.WriteString(PathLine(paths[0]) + "\n")
	ExplainPath(&b, paths[0])
	golden(t, "path-explain.txt", b.Bytes())
}
