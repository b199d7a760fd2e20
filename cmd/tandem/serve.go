package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/tandem-sync/tandem/config"
)

// serve runs the HTTP ingress only.
func serve(ctx context.Context, cfg *config.Config) error {
	a, err := newApp(cfg, redisShared)
	if err != nil {
		return err
	}
	defer a.close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("TANDEM_ADDR: %w", err)
	}
	enq := a.enqueuer()
	srv := &http.Server{Handler: a.router(enq, &sandboxes{}), ReadHeaderTimeout: 10 * time.Second}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	a.log.Info("tandem serving", "addr", cfg.Addr, "redis", redisLabel(cfg), "mode", cfg.Mode, "mode_reason", cfg.ModeReason())
	return waitAndStop(ctx, serveErr, srv, nil)
}

// work runs the job workers only. In sandbox mode they talk to the
// standalone sandboxes of `tandem sandbox`.
func work(ctx context.Context, cfg *config.Config) error {
	a, maps, sf, ns, err := openConnected(ctx, cfg, redisShared, "http://"+cfg.Sandbox.Addr)
	if err != nil {
		return err
	}
	defer a.close()
	worker, mux, err := a.worker(sf, ns, maps)
	if err != nil {
		return err
	}
	if err := worker.Start(mux); err != nil {
		return fmt.Errorf("starting workers: %w", err)
	}
	stopScheduler, err := a.startScheduler()
	if err != nil {
		worker.Shutdown()
		return err
	}
	defer stopScheduler()
	defer a.startPubSub(sf, a.enqueuer(), nil, cfg.Sandbox.PubSubAddr)()
	srv, serveErr, err := a.serveWorkerMetrics()
	if err != nil {
		worker.Shutdown()
		return err
	}
	a.log.Info("tandem working", "concurrency", cfg.Worker.Concurrency, "redis", redisLabel(cfg), "metrics", cfg.MetricsAddr,
		"mode", cfg.Mode, "mode_reason", cfg.ModeReason())
	return waitAndStop(ctx, serveErr, srv, worker)
}
