package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// StepResult is what one rate step measured.
type StepResult struct {
	Rate       float64       // target requests per second
	Sent       int           // requests due in the step
	Accepted   int           // answered 200
	Records    int           // notifications and events in accepted requests
	Duplicates int           // requests that re-sent an earlier one's ids
	Elapsed    time.Duration // from the first due time to the last answer
	// P50, P99 and Max are latencies of accepted requests, from the time
	// each was due to its answer.
	P50, P99, Max time.Duration
	Errors        map[string]int // by kind: HTTP status, "timeout", "refused", …
	// GeneratorCPU is the CPU time the load generator itself used.
	GeneratorCPU time.Duration
	// RawPerSecond is the raw jobs.Enqueuer rate measured right after the
	// step; 0 when there is no baseline.
	RawPerSecond float64
}

// AcceptedPerSecond is the achieved rate of accepted requests.
func (r StepResult) AcceptedPerSecond() float64 { return perSecond(r.Accepted, r.Elapsed) }

// RecordsPerSecond is the achieved rate of accepted notifications and
// events, each one job.
func (r StepResult) RecordsPerSecond() float64 { return perSecond(r.Records, r.Elapsed) }

// GeneratorCores is the generator's CPU use in cores over the step.
func (r StepResult) GeneratorCores() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return r.GeneratorCPU.Seconds() / r.Elapsed.Seconds()
}

// ErrorCount is the number of requests not accepted.
func (r StepResult) ErrorCount() int {
	n := 0
	for _, c := range r.Errors {
		n += c
	}
	return n
}

// ErrorShare is the share of the step's requests not accepted.
func (r StepResult) ErrorShare() float64 {
	if r.Sent == 0 {
		return 0
	}
	return float64(r.ErrorCount()) / float64(r.Sent)
}

// Ratio is accepted jobs per second over raw enqueues per second.
func (r StepResult) Ratio() float64 {
	if r.RawPerSecond == 0 {
		return 0
	}
	return r.RecordsPerSecond() / r.RawPerSecond
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// recorder collects the outcomes of one step from many goroutines.
type recorder struct {
	mu         sync.Mutex
	latencies  []time.Duration
	records    int
	duplicates int
	errors     map[string]int
}

func newRecorder(expected int) *recorder {
	return &recorder{latencies: make([]time.Duration, 0, expected), errors: map[string]int{}}
}

// accepted records a 200 answer.
func (r *recorder) accepted(latency time.Duration, records int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latencies = append(r.latencies, latency)
	r.records += records
}

// failed records a request not accepted, by kind.
func (r *recorder) failed(kind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors[kind]++
}

func (r *recorder) duplicate() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.duplicates++
}

// result summarises the step.
func (r *recorder) result(rate float64, sent int, elapsed time.Duration) StepResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	sorted := slices.Clone(r.latencies)
	slices.Sort(sorted)
	return StepResult{
		Rate: rate, Sent: sent, Accepted: len(sorted), Records: r.records, Duplicates: r.duplicates, Elapsed: elapsed,
		P50: percentile(sorted, 50), P99: percentile(sorted, 99), Max: percentile(sorted, 100),
		Errors: maps.Clone(r.errors),
	}
}

// percentile is the nearest-rank p-th percentile of sorted values: the
// smallest value with at least p% of the values at or below it. Zero for
// no values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Error kinds besides HTTP status codes.
const (
	kindTimeout   = "timeout"   // no answer within the timeout
	kindRefused   = "refused"   // nothing listening
	kindReset     = "reset"     // connection dropped mid-request
	kindNoPorts   = "no-ports"  // the generator ran out of local ports
	kindShed      = "shed"      // not sent: MaxInFlight requests already unanswered
	kindTransport = "transport" // any other client-side failure
)

// errorKind names why a request got no answer.
func errorKind(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return kindTimeout
	case errors.Is(err, syscall.ECONNREFUSED):
		return kindRefused
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return kindReset
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return kindNoPorts
	}
	return kindTransport
}

// statusKind names a non-200 answer by its code.
func statusKind(code int) string { return strconv.Itoa(code) }

// formatErrors lists kinds most frequent first: "503:120 timeout:3".
func formatErrors(errs map[string]int) string {
	if len(errs) == 0 {
		return "-"
	}
	kinds := slices.SortedFunc(maps.Keys(errs), func(a, b string) int {
		return cmp.Or(cmp.Compare(errs[b], errs[a]), strings.Compare(a, b))
	})
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s:%d", k, errs[k])
	}
	return strings.Join(parts, " ")
}
