// Package maciesrv is a loopback Amazon Macie (REST-JSON) server for
// awstest, serving the classification export configurations of a World's
// snapshot (GetClassificationExportConfiguration). A region without one
// answers as a region where Macie is not enabled.
package maciesrv
