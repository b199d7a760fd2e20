package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// DefaultFaultTimeout is how long an injected timeout holds a request.
const DefaultFaultTimeout = 30 * time.Second

// Faults makes the org misbehave like Salesforce on a bad day, for
// Tandem's REST calls under /services/data (the token endpoint and the Go
// API are spared). Rates are probabilities per request, drawn from a RNG
// seeded with Rand, so a seed and a request order always fail alike.
type Faults struct {
	Rate5xx     float64       // 500 UNKNOWN_EXCEPTION; half of them after applying a write
	Rate429     float64       // 403 REQUEST_LIMIT_EXCEEDED for the concurrent long-request limit: Salesforce's "too many requests"
	RateTimeout float64       // hold the request for Timeout, then drop the connection; half after applying a write
	Timeout     time.Duration // default DefaultFaultTimeout
	Rand        int64         // RNG seed
}

// FaultStats counts the faults injected so far.
type FaultStats struct {
	Injected5xx, Injected429, InjectedTimeouts int
}

type sfFault int

const (
	sfFaultNone sfFault = iota
	sfFault5xx
	sfFault429
	sfFaultTimeout
)

// faultInjector decides the fate of each API request.
type faultInjector struct {
	mu    sync.Mutex
	f     Faults
	rng   *rand.Rand
	stats FaultStats
}

func newFaultInjector(f Faults) *faultInjector {
	fi := &faultInjector{}
	fi.set(f)
	return fi
}

func (fi *faultInjector) set(f Faults) {
	if f.Timeout <= 0 {
		f.Timeout = DefaultFaultTimeout
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.f, fi.rng = f, rand.New(rand.NewPCG(uint64(f.Rand), 0x73666f726365)) // "sforce"
}

// next draws one request's fault, whether it strikes after the write is
// applied, and its error id. Every request draws the same number of values.
func (fi *faultInjector) next() (kind sfFault, after bool, errorID string, hold time.Duration) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	u, half := fi.rng.Float64(), fi.rng.IntN(2) == 1
	errorID = fmt.Sprintf("%d-%d (%d)", fi.rng.Int32(), fi.rng.IntN(100000), -fi.rng.Int32())
	f := fi.f
	switch {
	case u < f.Rate429:
		fi.stats.Injected429++
		return sfFault429, false, "", 0
	case u < f.Rate429+f.Rate5xx:
		fi.stats.Injected5xx++
		return sfFault5xx, half, errorID, 0
	case u < f.Rate429+f.Rate5xx+f.RateTimeout:
		fi.stats.InjectedTimeouts++
		return sfFaultTimeout, half, "", f.Timeout
	}
	return sfFaultNone, false, "", 0
}

// faultMiddleware injects the configured faults into authenticated API
// requests, answering with Salesforce's own error bodies.
func (s *Server) faultMiddleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		kind, after, errorID, hold := s.faults.next()
		if kind == sfFaultNone {
			next.ServeHTTP(w, r)
			return
		}
		if after && r.Method != http.MethodGet && !strings.Contains(r.URL.Path, "/query") {
			next.ServeHTTP(discardWriter{}, r) // the write commits; its answer is lost
		}
		switch kind {
		case sfFault429:
			writeAPIError(w, apiErr(http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded."))
		case sfFault5xx:
			writeAPIError(w, apiErr(http.StatusInternalServerError, "UNKNOWN_EXCEPTION",
				"An unexpected error occurred. Please include this ErrorId if you contact support: %s", errorID))
		case sfFaultTimeout:
			s.holdRequest(r, hold)
			panic(http.ErrAbortHandler) // drop the connection without an answer
		}
	})
}

// holdRequest keeps a request hanging until d passes, the client gives up
// or the sandbox closes.
func (s *Server) holdRequest(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	case <-s.outbound.ctx.Done():
	}
}

// SetFaults replaces the fault rates and reseeds their RNG.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// FaultStats reports the faults injected so far.
func (s *Server) FaultStats() FaultStats {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	return s.faults.stats
}

// discardWriter swallows the answer of a write whose reply a fault loses.
type discardWriter struct{}

func (discardWriter) Header() http.Header         { return http.Header{} }
func (discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (discardWriter) WriteHeader(int)             {}
