// Package redshiftsrv is a loopback Amazon Redshift (AWS query protocol,
// XML answers) server for awstest, serving the clusters and parameter
// groups of a World's snapshot: DescribeClusters, DescribeLoggingStatus
// (database audit logging) and DescribeClusterParameters.
package redshiftsrv
