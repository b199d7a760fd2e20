// Package observetest records what a client's Config.Observe is told, for
// both clients' tests.
package observetest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// Log records one "op status failed" line per observed attempt.
type Log struct {
	mu    sync.Mutex
	calls []string
}

// Observe is a Config.Observe.
func (l *Log) Observe(op string, status int, _ time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.calls = append(l.calls, fmt.Sprintf("%s %d %t", op, status, err != nil))
}

// Expect fails t unless the attempts observed are want, in order.
func (l *Log) Expect(t testing.TB, want []string) {
	t.Helper()
	l.mu.Lock()
	got := strings.Join(l.calls, "\n")
	l.mu.Unlock()
	if got != strings.Join(want, "\n") {
		t.Errorf("observed:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
}
