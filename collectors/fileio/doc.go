// Package fileio reads trailgate's input files and writes its outputs
// safely, whatever the path names: every read is bounded in size and ends
// when its context does (a FIFO with no writer, an endless device), and
// every write replaces only what trailgate may replace (a regular file,
// atomically, keeping its mode), writes straight to devices, FIFOs and
// stdout, and never overwrites one of the run's own inputs.
package fileio
