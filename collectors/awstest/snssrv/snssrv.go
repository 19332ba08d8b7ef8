package snssrv

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/trailgate/trailgate/collectors/awstest"
	"github.com/trailgate/trailgate/collectors/snapshot"
)

var proto = &awstest.QueryProtocol{Service: "sns", Xmlns: "http://sns.amazonaws.com/doc/2010-03-31/", Version: "2010-03-31"}

// Service is SNS for awstest.Start.
var Service = awstest.QueryService(awstest.SNS, proto, describe, func(w *awstest.World) awstest.QueryServe { return (&server{w: w}).serve })

type server struct{ w *awstest.World }

type entry struct {
	Key   string `xml:"key"`
	Value string `xml:"value"`
}

type attributes struct {
	Entries []entry `xml:"Attributes>entry"`
}

// describe is what the call log and the authorizer know of a call.
func describe(form url.Values) awstest.Op {
	return awstest.Op{Continuation: form.Get("NextToken") != "", Resource: form.Get("TopicArn") + form.Get("SubscriptionArn")}
}

func (s *server) serve(rw http.ResponseWriter, action string, c awstest.Caller, form url.Values) {
	a := s.w.Account(c.Account)
	switch action {
	case "ListTopics":
		var arns []string
		if a != nil {
			for _, t := range a.Topics {
				if t.Region == c.Region {
					arns = append(arns, t.ARN)
				}
			}
		}
		start, end, next, ae := s.w.Page(len(arns), form.Get("NextToken"), 0, 100)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		type member struct{ TopicArn string }
		out := struct {
			Topics    []member `xml:"Topics>member"`
			NextToken string   `xml:",omitempty"`
		}{NextToken: next}
		for _, arn := range arns[start:end] {
			out.Topics = append(out.Topics, member{arn})
		}
		proto.Answer(rw, action, out)
	case "GetTopicAttributes":
		t := s.topic(a, c, form.Get("TopicArn"))
		if t == nil {
			proto.Fail(rw, awstest.Errorf(404, "NotFound", "Topic does not exist"))
			return
		}
		proto.Answer(rw, action, topicAttributes(c, t))
	case "ListSubscriptionsByTopic":
		t := s.topic(a, c, form.Get("TopicArn"))
		if t == nil {
			proto.Fail(rw, awstest.Errorf(404, "NotFound", "Topic does not exist"))
			return
		}
		start, end, next, ae := s.w.Page(len(t.Subscriptions), form.Get("NextToken"), 0, 100)
		if ae != nil {
			proto.Fail(rw, ae)
			return
		}
		type member struct{ SubscriptionArn, Owner, Protocol, Endpoint, TopicArn string }
		out := struct {
			Subscriptions []member `xml:"Subscriptions>member"`
			NextToken     string   `xml:",omitempty"`
		}{NextToken: next}
		for _, sub := range t.Subscriptions[start:end] {
			out.Subscriptions = append(out.Subscriptions, member{sub.ARN, sub.Owner, sub.Protocol, sub.Endpoint, t.ARN})
		}
		proto.Answer(rw, action, out)
	case "GetSubscriptionAttributes":
		t, sub := s.subscription(a, c, form.Get("SubscriptionArn"))
		if sub == nil {
			proto.Fail(rw, awstest.Errorf(404, "NotFound", "Subscription does not exist"))
			return
		}
		proto.Answer(rw, action, subscriptionAttributes(t, sub))
	default:
		proto.UnknownAction(rw, action)
	}
}

// topic finds a topic of the caller's account in the caller's region; SNS
// answers NotFound for a topic ARN of another region.
func (s *server) topic(a *snapshot.Account, c awstest.Caller, arn string) *snapshot.Topic {
	if a == nil {
		return nil
	}
	return awstest.Find(a.Topics, func(t *snapshot.Topic) bool { return t.ARN == arn && t.Region == c.Region })
}

func (s *server) subscription(a *snapshot.Account, c awstest.Caller, arn string) (*snapshot.Topic, *snapshot.Subscription) {
	if a == nil {
		return nil, nil
	}
	for i := range a.Topics {
		t := &a.Topics[i]
		for j := range t.Subscriptions {
			sub := &t.Subscriptions[j]
			// Pending and deleted subscriptions have no ARN to ask about.
			if sub.ARN == arn && t.Region == c.Region && !sub.PendingConfirmation && sub.ARN != "Deleted" {
				return t, sub
			}
		}
	}
	return nil, nil
}

func topicAttributes(c awstest.Caller, t *snapshot.Topic) attributes {
	var confirmed, pending, deleted int
	for _, sub := range t.Subscriptions {
		switch {
		case sub.PendingConfirmation:
			pending++
		case sub.ARN == "Deleted":
			deleted++
		default:
			confirmed++
		}
	}
	es := []entry{
		{"TopicArn", t.ARN}, {"Owner", c.Account}, {"DisplayName", ""},
		{"SubscriptionsConfirmed", strconv.Itoa(confirmed)}, {"SubscriptionsPending", strconv.Itoa(pending)},
		{"SubscriptionsDeleted", strconv.Itoa(deleted)},
	}
	if t.Policy != nil {
		es = append(es, entry{"Policy", string(t.Policy.Document)})
	}
	if t.KmsMasterKeyID != "" {
		es = append(es, entry{"KmsMasterKeyId", t.KmsMasterKeyID})
	}
	if t.FifoTopic {
		es = append(es, entry{"FifoTopic", "true"})
	}
	return attributes{es}
}

func subscriptionAttributes(t *snapshot.Topic, sub *snapshot.Subscription) attributes {
	es := []entry{
		{"SubscriptionArn", sub.ARN}, {"TopicArn", t.ARN}, {"Owner", sub.Owner}, {"Protocol", sub.Protocol},
		{"Endpoint", sub.Endpoint}, {"ConfirmationWasAuthenticated", "true"},
		{"PendingConfirmation", strconv.FormatBool(sub.PendingConfirmation)},
		{"RawMessageDelivery", strconv.FormatBool(sub.RawMessageDelivery)},
	}
	if len(sub.FilterPolicy) > 0 {
		es = append(es, entry{"FilterPolicy", string(sub.FilterPolicy)})
	}
	if sub.FilterPolicyScope != "" {
		es = append(es, entry{"FilterPolicyScope", sub.FilterPolicyScope})
	}
	return attributes{es}
}
