// Package ekssrv is a loopback Amazon EKS (REST-JSON) server for awstest,
// serving the clusters of a World's snapshot: ListClusters and
// DescribeCluster with its control plane logging.
package ekssrv
