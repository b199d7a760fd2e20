package sandbox

import (
	"math/rand/v2"
	"net/http"
	"sync"
)

type faultKind int

const (
	faultNone faultKind = iota
	fault429
	fault5xx
	faultTimeout
)

// faultPlan is what to do to one request.
type faultPlan struct {
	kind    faultKind
	after   bool   // apply the write first, then fail: the commit happened, the answer is lost
	errorID string // the 500's "Error ID"
}

// faultInjector draws faults from a seeded RNG: a given seed and request
// order always give the same faults.
type faultInjector struct {
	mu  sync.Mutex
	f   Faults
	rng *rand.Rand
}

func newFaultInjector(f Faults) *faultInjector {
	fi := &faultInjector{}
	fi.set(f)
	return fi
}

func (fi *faultInjector) set(f Faults) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.f = f.withDefaults()
	fi.rng = rand.New(rand.NewPCG(uint64(f.Rand), 0x6e657473756974)) // "netsuit"
}

func (fi *faultInjector) faults() Faults {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.f
}

// next decides the fate of one request. Every request draws the same
// number of values, so outcomes depend only on the seed and the order.
func (fi *faultInjector) next(write bool) faultPlan {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	u, half := fi.rng.Float64(), fi.rng.IntN(2) == 1
	id := fi.errorID()
	f := fi.f
	switch {
	case u < f.Rate429:
		return faultPlan{kind: fault429}
	case u < f.Rate429+f.Rate5xx:
		return faultPlan{kind: fault5xx, after: half && write, errorID: id}
	case u < f.Rate429+f.Rate5xx+f.RateTimeout:
		return faultPlan{kind: faultTimeout, after: half && write}
	}
	return faultPlan{}
}

// errorID looks like NetSuite's: twenty lower-case letters.
func (fi *faultInjector) errorID() string {
	b := make([]byte, 20)
	for i := range b {
		b[i] = byte('a' + fi.rng.IntN(26))
	}
	return string(b)
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// discardResponse swallows the answer of a write whose reply a fault loses.
type discardResponse struct{ header http.Header }

func (d *discardResponse) Header() http.Header {
	if d.header == nil {
		d.header = http.Header{}
	}
	return d.header
}

func (d *discardResponse) Write(p []byte) (int, error) { return len(p), nil }

func (d *discardResponse) WriteHeader(int) {}
