// Package awstest is the common ground of trailgate's loopback AWS test
// servers: a World (the snapshot the servers serve, the credentials they
// accept, the faults they inject and the record of every call they answer),
// SigV4 caller identification, reading, beginning and dispatching a call of
// each AWS wire protocol (ServeJSON, ServeQuery, ServeREST), pagination tokens, the error shapes of
// each protocol (query/XML, JSON 1.0/1.1, REST-JSON, REST-XML), the one
// authorization every server asks (World.Authorize: the policy set and
// request context analyzer/authz assembles for the same question, with the
// endpoint's region, decided by analyzer/iam), and Start,
// which serves the named services on 127.0.0.1 and hands back an aws.Config
// pointed at them.
//
// Each service lives in its own subpackage (stssrv, iamsrv, orgsrv, …) whose
// Service (made with JSONService, QueryService or RESTService, or a Service
// with its own handler) is built from AWS's API reference shapes, so that
// aws-sdk-go-v2 clients talk to them exactly as they talk to AWS.
//
// It is for tests only: it must never be imported by code that ships in the
// trailgate binary, and it must never listen on anything but loopback.
package awstest
