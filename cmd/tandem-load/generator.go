package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// generator sends the requests of a run, step by step. Request numbers
// run on across steps, so no two requests of a run share ids.
type generator struct {
	cfg      Config
	plan     plan
	build    *builder
	clients  []*http.Client // one per target, with its share of the connections
	clock    clock
	next     uint64       // number of the first request of the next step
	inFlight atomic.Int64 // requests sent and not yet answered
}

func newGenerator(cfg Config) *generator {
	g := &generator{cfg: cfg, plan: plan{mix: cfg.Mix, duplicateShare: cfg.DuplicateShare},
		build: newBuilder(cfg), clock: wallClock{}}
	perTarget := cfg.Connections / len(cfg.Targets)
	for range cfg.Targets {
		g.clients = append(g.clients, &http.Client{Timeout: cfg.Timeout, Transport: &http.Transport{
			MaxConnsPerHost: perTarget, MaxIdleConnsPerHost: perTarget, DisableCompression: true,
		}})
	}
	return g
}

// close drops the idle connections.
func (g *generator) close() {
	for _, c := range g.clients {
		c.CloseIdleConnections()
	}
}

// step holds rate for d and waits for every answer.
func (g *generator) step(ctx context.Context, rate float64, d time.Duration) StepResult {
	s := newSchedule(rate, d)
	rec := newRecorder(s.n)
	var wg sync.WaitGroup
	first := g.next
	start, cpuBefore := g.clock.Now(), processCPU()
	sent := s.run(ctx, g.clock, func(i int, due time.Time) {
		if g.inFlight.Load() >= int64(g.cfg.MaxInFlight) {
			rec.failed(kindShed)
			return
		}
		g.inFlight.Add(1)
		wg.Go(func() {
			defer g.inFlight.Add(-1)
			g.send(ctx, first+uint64(i), due, rec)
		})
	})
	wg.Wait()
	g.next += uint64(sent)
	res := rec.result(rate, sent, g.clock.Now().Sub(start))
	res.GeneratorCPU = processCPU() - cpuBefore
	return res
}

// processCPU is the CPU time this process has used, user and system: the
// generator's share of the cores it shares with Tandem.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// send makes request i and records how it went.
func (g *generator) send(ctx context.Context, i uint64, due time.Time, rec *recorder) {
	seq, dup := g.plan.source(i)
	if dup {
		rec.duplicate()
	}
	p := g.build.build(g.plan.endpoint(i), seq, time.Now())
	target := int(i % uint64(len(g.cfg.Targets)))
	status, err := g.do(ctx, g.clients[target], g.cfg.Targets[target]+p.path, p)
	latency := g.clock.Now().Sub(due)
	switch {
	case err != nil:
		rec.failed(errorKind(err))
	case status != http.StatusOK:
		rec.failed(statusKind(status))
	default:
		rec.accepted(latency, p.records)
	}
}

// do posts p and reads the whole answer, so the connection is reused.
func (g *generator) do(ctx context.Context, client *http.Client, url string, p post) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(p.body))
	if err != nil {
		return 0, fmt.Errorf("building %s request: %w", p.endpoint, err)
	}
	req.Header = p.header
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
