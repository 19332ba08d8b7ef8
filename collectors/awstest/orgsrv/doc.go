// Package orgsrv is a loopback AWS Organizations (JSON 1.1 protocol) serving
// the organization of a World's snapshot: the organization, its root, OU
// tree, accounts, SCPs and RCPs with their targets, trusted services and
// delegated administrators. Only the management account may list, as in
// AWS; members may describe the organization. It serves reads only.
package orgsrv
