package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/tandem-sync/tandem/handlers"
)

// readyTimeout bounds the readiness check of each target before a run.
const readyTimeout = 5 * time.Second

// Run steps through cfg.Rates, printing a table row per step to out as it
// finishes, and stops stepping up after a step whose errors pass
// cfg.MaxErrorShare. It returns the steps measured.
func Run(ctx context.Context, cfg Config, out io.Writer) ([]StepResult, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	g := newGenerator(cfg)
	defer g.close()
	for _, t := range cfg.Targets {
		if err := checkReady(ctx, t); err != nil {
			return nil, err
		}
	}
	var bl *baseline
	if cfg.RedisURL != "" {
		var err error
		if bl, err = openBaseline(ctx, cfg, g.build); err != nil {
			return nil, err
		}
		defer bl.close()
	}
	tbl := table{out: out, baseline: bl != nil}
	tbl.header(cfg)
	if cfg.Warmup > 0 { // connections, caches and a just-started Tandem settle first
		g.step(ctx, cfg.Rates[0], cfg.Warmup)
	}
	var results []StepResult
	for _, rate := range cfg.Rates {
		res := g.step(ctx, rate, cfg.StepDuration)
		if bl != nil && ctx.Err() == nil {
			raw, err := bl.measure(ctx)
			if err != nil {
				return results, err
			}
			res.RawPerSecond = raw
		}
		tbl.row(res)
		results = append(results, res)
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
		if res.ErrorShare() > cfg.MaxErrorShare {
			tbl.note(fmt.Sprintf("stopped: %.1f%% of requests failed at %g req/s (threshold %.1f%%)",
				100*res.ErrorShare(), rate, 100*cfg.MaxErrorShare))
			break
		}
	}
	return results, nil
}

// checkReady asks a target's /readyz, which answers 200 once its Redis does.
func checkReady(ctx context.Context, target string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target+handlers.PathReady, nil)
	if err != nil {
		return fmt.Errorf("target %s: %w", target, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("target %s is not answering: %w", target, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("target %s is not ready: %s answers %d", target, handlers.PathReady, resp.StatusCode)
	}
	return nil
}
