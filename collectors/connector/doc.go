// Package connector reads the connector file (`--connector FILE`, YAML or
// JSON): which vendor profile, role, trusted principal, external ID, queue,
// region and log sources a SIEM/MDR connector is set up with. It validates
// the file and names the file and line of anything wrong (a value of the
// wrong YAML type, a role ARN that is not an IAM role's, a trusted principal
// that is no principal); beyond the shape of ARNs and principals it knows
// nothing of AWS, nor of the rules that use it. Whether a role given as a
// logical ID is resolvable is the caller's question (check needs --iac).
package connector
