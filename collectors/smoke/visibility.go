package smoke

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// zeroVisibility makes a ReceiveMessage call ask for VisibilityTimeout 0,
// so that the message it returns is never hidden from the real connector,
// whatever the queue's own timeout (up to 12 hours) and whether or not the
// role may call sqs:ChangeMessageVisibility afterwards
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
// The SDK leaves an int32 field of 0 out of the request, which then means
// "the queue's timeout"; this middleware writes the 0 into the serialized
// JSON body.
func zeroVisibility(o *sqs.Options) {
	o.APIOptions = append(o.APIOptions, func(stack *middleware.Stack) error {
		return stack.Serialize.Add(middleware.SerializeMiddlewareFunc("trailgateZeroVisibility", setZeroVisibility), middleware.After)
	})
}

func setZeroVisibility(ctx context.Context, in middleware.SerializeInput, next middleware.SerializeHandler) (middleware.SerializeOutput, middleware.Metadata, error) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("smoke: unexpected request type %T", in.Request)
	}
	var body []byte
	if s := req.GetStream(); s != nil {
		var err error
		if body, err = io.ReadAll(s); err != nil {
			return middleware.SerializeOutput{}, middleware.Metadata{}, err
		}
	}
	doc := map[string]json.RawMessage{}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &doc); err != nil {
			return middleware.SerializeOutput{}, middleware.Metadata{}, fmt.Errorf("smoke: ReceiveMessage body is not JSON: %w", err)
		}
	}
	doc["VisibilityTimeout"] = json.RawMessage("0")
	body, err := json.Marshal(doc)
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, err
	}
	r, err := req.SetStream(bytes.NewReader(body))
	if err != nil {
		return middleware.SerializeOutput{}, middleware.Metadata{}, err
	}
	in.Request = r
	return next.HandleSerialize(ctx, in)
}

// lowMaxReceiveCount: a queue whose redrive policy moves a message to its
// dead-letter queue after this many receives or fewer is at risk from the
// smoke test's own receive, which counts like any other: with 1 the
// connector's first receive of a message the smoke test saw moves it; with
// 2 or 3, one or two failed deliveries to the connector do.
const lowMaxReceiveCount = 3

// maxReceiveCount reads a queue's RedrivePolicy attribute; ok is false
// without one. AWS writes the count as a number or a numeric string.
func maxReceiveCount(redrive string) (n int, ok bool) {
	if redrive == "" {
		return 0, false
	}
	var p struct {
		MaxReceiveCount json.RawMessage `json:"maxReceiveCount"`
	}
	if json.Unmarshal([]byte(redrive), &p) != nil || len(p.MaxReceiveCount) == 0 {
		return 0, false
	}
	raw := string(bytes.Trim(p.MaxReceiveCount, `"`))
	n, err := strconv.Atoi(raw)
	return n, err == nil
}
