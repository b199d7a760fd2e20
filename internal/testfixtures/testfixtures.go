// Package testfixtures finds the module root and the shared fixtures
// beside it (../shared/fixtures: real captured Salesforce and NetSuite
// payloads, read-only, present wherever the tests run). A missing directory
// fails the test rather than skipping it: a skipped conformance test proves
// nothing.
package testfixtures

import (
	"bytes"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// ModuleRoot is the directory holding go.mod, found by walking up from the
// test's working directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("locating the module root: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("locating the module root: no go.mod above the test's directory")
		}
		dir = parent
	}
}

// Dir is ../shared/fixtures, joined with parts.
func Dir(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{ModuleRoot(t), "..", "shared", "fixtures"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared fixtures (../shared/fixtures must exist beside the module): %v", err)
	}
	return p
}

// Read returns one fixture file's bytes.
func Read(t testing.TB, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(Dir(t, parts...))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return b
}

// pollInterval is how often WaitUntil looks again.
const pollInterval = 20 * time.Millisecond

// WaitUntil polls cond until it holds. limit only keeps a broken build from
// hanging: it asserts nothing about speed.
func WaitUntil(t testing.TB, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	WaitUntilExplained(t, what, limit, cond, nil)
}

// WaitUntilExplained is WaitUntil whose failure also says what lastSeen
// reports (for example what was still busy).
func WaitUntilExplained(t testing.TB, what string, limit time.Duration, cond func() bool, lastSeen func() string) {
	t.Helper()
	for deadline := time.Now().Add(limit); !cond(); time.Sleep(pollInterval) {
		if time.Now().After(deadline) {
			if lastSeen != nil {
				t.Fatalf("gave up waiting for %s (last seen: %s)", what, lastSeen())
			}
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}

// LogBuffer is a log sink that goroutines can write to while a test reads
// it.
type LogBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *LogBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *LogBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
