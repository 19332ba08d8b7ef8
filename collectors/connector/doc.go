// Package connector reads the connector file (`--connector FILE`, YAML or
// JSON): which vendor profile, role, trusted principal, external ID, queue,
// region and log sources a SIEM/MDR connector is set up with. It validates
// the file and names the file and line of anything wrong; it knows nothing of
// AWS or of the rules that use it.
package connector
