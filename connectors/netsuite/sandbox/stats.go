package sandbox

import (
	"maps"
	"sync"
)

// Stats counts what the sandbox saw since it started or ResetStats.
type Stats struct {
	Requests         int            // every request under /services/rest/, token requests included
	ByOperation      map[string]int // e.g. "PUT salesOrder", "POST suiteql", "POST token"
	Rejected429      int            // refused because the account's concurrency limit was reached
	Injected5xx      int            // faults injected as 500 UNEXPECTED_ERROR
	Injected429      int            // faults injected as 429 though a slot was free
	Concurrency401   int            // of Rejected429 and Injected429, answered 401 INVALID_LOGIN (Config.Concurrency401)
	InjectedTimeouts int            // faults injected as a held, then dropped, request
	MaxInFlight      int            // most authenticated API requests in flight at once
	InFlight         int            // authenticated API requests in flight now
	AuthFailures     int            // requests refused with 401 INVALID_LOGIN or a token error
}

type statsCounter struct {
	mu sync.Mutex
	s  Stats
}

func newStatsCounter() *statsCounter {
	return &statsCounter{s: Stats{ByOperation: map[string]int{}}}
}

func (c *statsCounter) add(f func(*Stats)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.s)
}

func (c *statsCounter) request(op string) {
	c.add(func(s *Stats) {
		s.Requests++
		s.ByOperation[op]++
	})
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.s
	out.ByOperation = maps.Clone(c.s.ByOperation)
	return out
}

func (c *statsCounter) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s = Stats{ByOperation: map[string]int{}}
}
