// Package termtext makes values from the input safe to print on a
// terminal or in a CI log: control characters, terminal escape sequences,
// bidirectional overrides and invalid UTF-8 are shown as Go escapes, so
// that a name cannot forge report lines or rewrite the terminal.
package termtext
