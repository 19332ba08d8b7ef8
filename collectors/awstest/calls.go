package awstest

import "sync"

// Call is one request a server answered.
type Call struct {
	Service      string
	Operation    string
	Account      string
	Region       string
	Principal    string
	Resource     string
	Continuation bool
	// Error is the error code answered, "" on success.
	Error string
}

// CallLog records calls, safe for concurrent servers.
type CallLog struct {
	mu    sync.Mutex
	calls []Call
}

// add records c; a nil log records nothing.
func (l *CallLog) add(c Call) {
	if l == nil {
		return
	}
	l.mu.Lock()
	l.calls = append(l.calls, c)
	l.mu.Unlock()
}

// All returns a copy of every call so far, in arrival order.
func (l *CallLog) All() []Call {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Call(nil), l.calls...)
}

// Len is the number of calls so far.
func (l *CallLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.calls)
}

// Reset forgets every call.
func (l *CallLog) Reset() {
	l.mu.Lock()
	l.calls = nil
	l.mu.Unlock()
}
