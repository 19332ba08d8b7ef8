// Package sqssrv is a loopback Amazon SQS (JSON 1.0 protocol, query
// compatible error codes) serving the queues of a World's snapshot:
// ListQueues and GetQueueAttributes. It is the project's own server for
// collect (the smoke test uses fauxqs); it serves reads only and holds no
// messages.
package sqssrv
