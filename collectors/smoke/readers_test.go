package smoke

import (
	"strings"
	"testing"

	"github.com/trailgate/trailgate/collectors/connector"
)

// TestOtherReadersWarned: a connector file naming a queue_role or
// object_role other than role gets one warning per principal the smoke
// test cannot act as; one naming only role, or repeating it, gets none.
func TestOtherReadersWarned(t *testing.T) {
	const role = "arn:aws:iam::222222222222:role/Reader"
	const fn = "arn:aws:iam::222222222222:role/forwarder-exec"
	for _, c := range []struct {
		name string
		conn connector.Connector
		want []string
	}{
		{"role only", connector.Connector{Role: role}, nil},
		{"same role repeated", connector.Connector{Role: role, QueueRole: role, ObjectRole: role}, nil},
		{"lambda polls the queue", connector.Connector{Role: role, QueueRole: fn}, []string{"queue_role " + fn + " receives from the queue"}},
		{"both", connector.Connector{Role: role, QueueRole: fn, ObjectRole: fn}, []string{"queue_role " + fn, "object_role " + fn + " reads and decrypts"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := otherReaders(&c.conn)
			if len(got) != len(c.want) {
				t.Fatalf("warnings %q, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) || !strings.Contains(got[i], "acts only as role "+role) {
					t.Errorf("warning %q lacks %q or the role it acts as", got[i], w)
				}
			}
		})
	}
}
