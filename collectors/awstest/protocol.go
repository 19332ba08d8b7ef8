package awstest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// APIError is an error as a service answers it.
type APIError struct {
	Status  int
	Code    string
	Message string
	// Receiver marks a server-side fault (query protocol <Type>Receiver).
	Receiver bool
	// Shape is the modeled error shape a JSON protocol names in __type when
	// it differs from Code, the legacy query code that query-compatible
	// services (SQS) send in x-amzn-query-error.
	Shape string
}

func (e *APIError) Error() string { return e.Code + ": " + e.Message }

// Errorf builds a client-side APIError.
func Errorf(status int, code, format string, args ...any) *APIError {
	return &APIError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

var requestCounter atomic.Uint64

// RequestID returns a fresh request ID in AWS's UUID shape.
func RequestID() string {
	n := requestCounter.Add(1)
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", n)
}

// WriteQueryResult answers a query-protocol (IAM, STS, SNS) call:
// <OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…</OpResponse>.
// result is marshaled as the OpResult element; nil gives an empty one.
func WriteQueryResult(w http.ResponseWriter, xmlns, op string, result any) {
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", RequestID())
	w.WriteHeader(http.StatusOK)
	enc := xml.NewEncoder(w)
	start := xml.StartElement{Name: xml.Name{Local: op + "Response"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: xmlns}}}
	_ = enc.EncodeToken(start)
	if result != nil {
		_ = enc.EncodeElement(result, xml.StartElement{Name: xml.Name{Local: op + "Result"}})
	}
	_ = enc.EncodeElement(struct {
		RequestID string `xml:"RequestId"`
	}{RequestID()}, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	_ = enc.EncodeToken(start.End())
	_ = enc.Flush()
}

// WriteQueryError answers with the query protocol's error document:
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
func WriteQueryError(w http.ResponseWriter, xmlns string, e *APIError) {
	typ := "Sender"
	if e.Receiver {
		typ = "Receiver"
	}
	doc := struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Xmlns   string   `xml:"xmlns,attr"`
		Error   struct {
			Type    string
			Code    string
			Message string
		}
		RequestID string `xml:"RequestId"`
	}{Xmlns: xmlns, RequestID: RequestID()}
	doc.Error.Type, doc.Error.Code, doc.Error.Message = typ, e.Code, e.Message
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(e.Status)
	_ = xml.NewEncoder(w).Encode(doc)
}

// WriteJSON answers a JSON 1.0/1.1 or REST-JSON call with v.
func WriteJSON(w http.ResponseWriter, contentType string, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		WriteJSONError(w, contentType, "", false, &APIError{Status: 500, Code: "InternalFailure", Message: err.Error(), Receiver: true})
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", RequestID())
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// WriteJSONError answers a JSON 1.0/1.1 call with an error:
// {"__type":"<namespace>#Code","message":…}. With queryCompatible (SQS),
// the x-amzn-query-error header carries the legacy query error code, which
// is what the SDK reports as the error code.
func WriteJSONError(w http.ResponseWriter, contentType, namespace string, queryCompatible bool, e *APIError) {
	typ := e.Code
	if e.Shape != "" {
		typ = e.Shape
	}
	if namespace != "" {
		typ = namespace + "#" + typ
	}
	if queryCompatible {
		side := "Sender"
		if e.Receiver {
			side = "Receiver"
		}
		w.Header().Set("X-Amzn-Query-Error", e.Code+";"+side)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("X-Amzn-Requestid", RequestID())
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": e.Message})
}

// WriteRESTJSONError answers a REST-JSON call (GuardDuty) with an error: the
// X-Amzn-ErrorType header and a body carrying message and __type.
func WriteRESTJSONError(w http.ResponseWriter, e *APIError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", e.Code)
	w.Header().Set("X-Amzn-Requestid", RequestID())
	w.WriteHeader(e.Status)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": e.Code, "message": e.Message})
}

// WriteRESTXMLError answers a REST-XML call (S3) with
// <Error><Code/><Message/><Resource/><RequestId/><HostId/></Error>.
func WriteRESTXMLError(w http.ResponseWriter, resource string, e *APIError) {
	doc := struct {
		XMLName   xml.Name `xml:"Error"`
		Code      string
		Message   string
		Resource  string `xml:",omitempty"`
		RequestID string `xml:"RequestId"`
		HostID    string `xml:"HostId"`
	}{Code: e.Code, Message: e.Message, Resource: resource, RequestID: RequestID(), HostID: "loopback"}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(e.Status)
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(doc)
}

// Page cuts one page out of n items. token is the request's pagination
// token ("" for the first page), max the request's page-size parameter (0
// when absent) and def the service's default page size; World.PageSize, when
// set, caps the page so that small worlds paginate too. It returns the
// half-open range and the token of the next page ("" on the last).
func (w *World) Page(n int, token string, max, def int) (start, end int, next string, err *APIError) {
	size := def
	if max > 0 && max < size {
		size = max
	}
	if w.PageSize > 0 && w.PageSize < size {
		size = w.PageSize
	}
	if size <= 0 {
		size = n
	}
	if token != "" {
		raw, e := base64.RawURLEncoding.DecodeString(token)
		off, e2 := strconv.Atoi(string(raw))
		if e != nil || e2 != nil || off < 0 || off > n {
			return 0, 0, "", Errorf(400, "InvalidNextToken", "The specified pagination token is not valid.")
		}
		start = off
	}
	end = start + size
	if end >= n {
		return start, n, "", nil
	}
	return start, end, base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(end))), nil
}

// ReadBody reads a request body and puts it back, so that Begin can still
// hash it for the signature check.
func ReadBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return body, nil
}

// ReadForm reads a query-protocol request's form (Action, Version and the
// operation's parameters) and puts the body back.
func ReadForm(r *http.Request) (url.Values, error) {
	body, err := ReadBody(r)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, v := range r.URL.Query() {
		form[k] = append(form[k], v...)
	}
	return form, nil
}

// ListParam collects a query-protocol list parameter (Name.member.1,
// Name.member.2, …) in order.
func ListParam(form url.Values, name string) []string {
	var out []string
	for i := 1; ; i++ {
		v, ok := form[fmt.Sprintf("%s.member.%d", name, i)]
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

// JSONProtocol is how a JSON 1.0/1.1 service (CloudTrail, Organizations,
// SQS, KMS) frames calls and errors.
type JSONProtocol struct {
	// Service is the SigV4 signing name the call log records.
	Service     string
	ContentType string
	// Targets are the X-Amz-Target prefixes the service answers; the
	// operation name follows one of them.
	Targets []string
	// UnknownTarget is the error code for any other target.
	UnknownTarget string
	// Namespace and QueryCompatible shape errors (WriteJSONError).
	Namespace       string
	QueryCompatible bool
}

// JSON11 is the JSON 1.1 protocol of most services that speak JSON
// (CloudTrail, Organizations, KMS, CloudWatch Logs, Firehose, EventBridge):
// service is the signing name, targets the X-Amz-Target prefixes, and an
// unknown target is UnknownOperationException.
func JSON11(service string, targets ...string) *JSONProtocol {
	return &JSONProtocol{Service: service, ContentType: "application/x-amz-json-1.1", UnknownTarget: "UnknownOperationException", Targets: targets}
}

// ServeJSON is the handler of a JSON-protocol service: each call's body is
// read into a new In and the call begun (World.BeginJSON) as describe says
// (it may be nil); a call that cannot begin is answered in p's error shape,
// any other handed to serve with its operation and caller.
func ServeJSON[In any](w *World, p *JSONProtocol, describe func(*In) Op, serve func(rw http.ResponseWriter, op string, c Caller, in *In)) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		in := new(In)
		var d func() Op
		if describe != nil {
			d = func() Op { return describe(in) }
		}
		op, c, ae := w.BeginJSON(r, p, in, d)
		if ae != nil {
			p.Fail(rw, ae)
			return
		}
		serve(rw, op, c, in)
	})
}

// Fail answers with e in the protocol's error shape.
func (p *JSONProtocol) Fail(rw http.ResponseWriter, e *APIError) {
	WriteJSONError(rw, p.ContentType, p.Namespace, p.QueryCompatible, e)
}

// BeginJSON reads a JSON-protocol call, its operation from X-Amz-Target and
// its body (when not empty) into in, then begins it (World.Begin) as the Op
// describe returns, with Service and Name filled in; describe may be nil.
// A failure is to be answered with p.Fail.
func (w *World) BeginJSON(r *http.Request, p *JSONProtocol, in any, describe func() Op) (string, Caller, *APIError) {
	target := r.Header.Get("X-Amz-Target")
	op, known := "", false
	for _, prefix := range p.Targets {
		if op, known = strings.CutPrefix(target, prefix); known {
			break
		}
	}
	body, err := ReadBody(r)
	if err != nil || !known {
		return "", Caller{}, Errorf(400, p.UnknownTarget, "unknown target %q", target)
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, in); err != nil {
			return op, Caller{}, Errorf(400, "SerializationException", "%v", err)
		}
	}
	c, ae := w.begin(r, p.Service, op, describe)
	return op, c, ae
}

// BeginQuery reads a query-protocol call (IAM, STS, SNS, EC2), its form
// with the operation in Action, then begins it (World.Begin) as the Op
// describe returns for the form, with Service and Name filled in; describe
// may be nil.
func (w *World) BeginQuery(r *http.Request, service string, describe func(form url.Values) Op) (url.Values, Caller, *APIError) {
	form, err := ReadForm(r)
	if err != nil {
		return nil, Caller{}, Errorf(400, "MalformedQueryString", "%v", err)
	}
	var d func() Op
	if describe != nil {
		d = func() Op { return describe(form) }
	}
	c, ae := w.begin(r, service, form.Get("Action"), d)
	return form, c, ae
}

func (w *World) begin(r *http.Request, service, name string, describe func() Op) (Caller, *APIError) {
	var op Op
	if describe != nil {
		op = describe()
	}
	op.Service, op.Name = service, name
	return w.Begin(r, op)
}

// JSONPage cuts one page out of items (World.Page) as a JSON list answer:
// the page under key, and the next page's token under tokenKey unless it is
// the last.
func JSONPage[T any](w *World, items []T, key, tokenKey, token string, max, def int) (map[string]any, *APIError) {
	start, end, next, ae := w.Page(len(items), token, max, def)
	if ae != nil {
		return nil, ae
	}
	out := map[string]any{key: append([]T{}, items[start:end]...)}
	if next != "" {
		out[tokenKey] = next
	}
	return out, nil
}

// JSONServe answers one JSON-protocol call that has begun: its operation,
// caller and decoded body.
type JSONServe[In any] func(rw http.ResponseWriter, op string, c Caller, in *In)

// JSONService is a JSON-protocol service for Start: bind makes a World's
// server, whose calls ServeJSON begins as describe says and hands on.
func JSONService[In any](id string, p *JSONProtocol, describe func(*In) Op, bind func(*World) JSONServe[In]) Service {
	return Service{ID: id, New: func(w *World) http.Handler { return ServeJSON(w, p, describe, bind(w)) }}
}

// QueryProtocol is how a query-protocol service (IAM, STS, SNS, EC2)
// frames calls, answers and errors.
type QueryProtocol struct {
	// Service is the SigV4 signing name the call log records.
	Service string
	// Xmlns is the API version's namespace every answer carries.
	Xmlns string
	// Version is the API version an unknown action's error names.
	Version string
	// WriteError writes an error when the service's error document is not
	// the query protocol's (EC2); nil is WriteQueryError.
	WriteError func(http.ResponseWriter, *APIError)
}

// Fail answers with e in the protocol's error shape.
func (p *QueryProtocol) Fail(rw http.ResponseWriter, e *APIError) {
	if p.WriteError != nil {
		p.WriteError(rw, e)
		return
	}
	WriteQueryError(rw, p.Xmlns, e)
}

// Answer answers action with result (WriteQueryResult).
func (p *QueryProtocol) Answer(rw http.ResponseWriter, action string, result any) {
	WriteQueryResult(rw, p.Xmlns, action, result)
}

// UnknownAction answers an action the service does not have, as AWS words
// it for the query protocol's services.
func (p *QueryProtocol) UnknownAction(rw http.ResponseWriter, action string) {
	p.Fail(rw, Errorf(400, "InvalidAction", "Could not find operation %s for version %s", action, p.Version))
}

// QueryServe answers one query-protocol call that has begun: its Action,
// caller and form.
type QueryServe func(rw http.ResponseWriter, action string, c Caller, form url.Values)

// ServeQuery is the handler of a query-protocol service: each call is begun
// (World.BeginQuery) as describe says (it may be nil); a call that cannot
// begin is answered in p's error shape, any other handed to serve.
func ServeQuery(w *World, p *QueryProtocol, describe func(url.Values) Op, serve QueryServe) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		form, c, ae := w.BeginQuery(r, p.Service, describe)
		if ae != nil {
			p.Fail(rw, ae)
			return
		}
		serve(rw, form.Get("Action"), c, form)
	})
}

// QueryService is a query-protocol service for Start: bind makes a World's
// server, whose calls ServeQuery begins as describe says and hands on.
func QueryService(id string, p *QueryProtocol, describe func(url.Values) Op, bind func(*World) QueryServe) Service {
	return Service{ID: id, New: func(w *World) http.Handler { return ServeQuery(w, p, describe, bind(w)) }}
}

// RESTServe answers one REST-JSON call that has begun as op.
type RESTServe func(rw http.ResponseWriter, r *http.Request, c Caller, op Op)

// ServeREST is the handler of a REST-JSON service (GuardDuty, EKS, Macie):
// route names each request's operation (with service, the Op's Service,
// filled in), false for a path the service has no route for; the call is
// then begun (World.Begin) and, unless that fails, handed to serve. Errors
// are REST-JSON's (WriteRESTJSONError).
func ServeREST(w *World, service string, route func(*http.Request) (Op, bool), serve RESTServe) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		op, ok := route(r)
		if !ok {
			WriteRESTJSONError(rw, Errorf(404, "UnknownOperationException", "no route for %s %s", r.Method, r.URL.Path))
			return
		}
		op.Service = service
		c, ae := w.Begin(r, op)
		if ae != nil {
			WriteRESTJSONError(rw, ae)
			return
		}
		serve(rw, r, c, op)
	})
}

// RESTService is a REST-JSON service for Start: bind makes a World's
// server, whose calls ServeREST routes, begins and hands on.
func RESTService(id, service string, route func(*http.Request) (Op, bool), bind func(*World) RESTServe) Service {
	return Service{ID: id, New: func(w *World) http.Handler { return ServeREST(w, service, route, bind(w)) }}
}
