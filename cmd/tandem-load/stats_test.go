package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, tc := range []struct {
		values []time.Duration
		p      float64
		want   time.Duration
	}{
		{hundred, 50, 50 * time.Millisecond},
		{hundred, 99, 99 * time.Millisecond},
		{hundred, 100, 100 * time.Millisecond},
		{hundred, 0, 1 * time.Millisecond},
		{hundred[:10], 99, 10 * time.Millisecond}, // too few values for a 99th: the largest
		{hundred[:10], 50, 5 * time.Millisecond},
		{hundred[:1], 50, 1 * time.Millisecond},
		{nil, 99, 0},
	} {
		if got := percentile(tc.values, tc.p); got != tc.want {
			t.Errorf("p%g of %d values = %s, want %s", tc.p, len(tc.values), got, tc.want)
		}
	}
}

func TestRecorderSummarisesAStep(t *testing.T) {
	rec := newRecorder(0)
	for i := 200; i >= 1; i-- { // out of order: the result sorts
		rec.accepted(time.Duration(i)*time.Millisecond, 2)
	}
	rec.failed("503")
	rec.failed("503")
	rec.failed(kindTimeout)
	rec.duplicate()
	r := rec.result(250, 203, 2*time.Second)
	if r.Accepted != 200 || r.Records != 400 || r.Duplicates != 1 || r.Sent != 203 {
		t.Fatalf("counts: %+v", r)
	}
	if r.P50 != 100*time.Millisecond || r.P99 != 198*time.Millisecond || r.Max != 200*time.Millisecond {
		t.Fatalf("p50 %s p99 %s max %s, want 100ms 198ms 200ms", r.P50, r.P99, r.Max)
	}
	if r.AcceptedPerSecond() != 100 || r.RecordsPerSecond() != 200 {
		t.Fatalf("rates %g req/s %g jobs/s, want 100 and 200", r.AcceptedPerSecond(), r.RecordsPerSecond())
	}
	if r.ErrorCount() != 3 || r.ErrorShare() != 3.0/203 {
		t.Fatalf("errors %d share %g", r.ErrorCount(), r.ErrorShare())
	}
	if got := formatErrors(r.Errors); got != "503:2 timeout:1" {
		t.Fatalf("errors column %q", got)
	}
	r.RawPerSecond = 800
	if r.Ratio() != 0.25 {
		t.Fatalf("ratio %g, want 200/800", r.Ratio())
	}
}

func TestFormatErrorsOrdersByCountThenName(t *testing.T) {
	if got := formatErrors(map[string]int{"timeout": 3, "503": 3, "reset": 7}); got != "reset:7 503:3 timeout:3" {
		t.Fatalf("got %q", got)
	}
	if got := formatErrors(nil); got != "-" {
		t.Fatalf("no errors: %q", got)
	}
}

func TestErrorKindNamesRealClientFailures(t *testing.T) {
	// Nothing listens on a port just freed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	ln.Close()
	_, err = http.Post(closed, "text/plain", nil)
	if got := errorKind(err); got != kindRefused {
		t.Errorf("refused connection: %q (%v)", got, err)
	}

	// A server that never answers, and a client that gives up.
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	_, err = (&http.Client{Timeout: 20 * time.Millisecond}).Post(slow.URL, "text/plain", nil)
	if got := errorKind(err); got != kindTimeout {
		t.Errorf("client timeout: %q (%v)", got, err)
	}

	// A server that drops the connection without answering.
	drop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer drop.Close()
	_, err = http.Post(drop.URL, "text/plain", nil)
	if got := errorKind(err); got != kindReset {
		t.Errorf("dropped connection: %q (%v)", got, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	<-ctx.Done()
	if got := errorKind(fmt.Errorf("posting: %w", ctx.Err())); got != kindTimeout {
		t.Errorf("deadline: %q", got)
	}
	if got := errorKind(errors.New("something else")); got != kindTransport {
		t.Errorf("other: %q", got)
	}
}
