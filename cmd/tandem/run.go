package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/internal/redisurl"
)

// httpShutdownTimeout bounds how long requests in flight get on shutdown.
const httpShutdownTimeout = 20 * time.Second

// run serves HTTP and runs the workers in one process.
func run(ctx context.Context, cfg *config.Config) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("TANDEM_ADDR: %w", err)
	}
	p, err := startProcess(ctx, cfg, ln, newLogger(cfg))
	if err != nil {
		return err
	}
	printBanner(cfg, cfg.BaseURL(), p.sandboxes)
	return p.wait(ctx)
}

// process is a running `tandem run`: what tests and run share.
type process struct {
	app       *app
	sandboxes *sandboxes
	http      *http.Server
	worker    *asynq.Server
	serveErr  chan error
	closers   []func()
}

// startProcess starts everything `tandem run` runs, serving on ln.
func startProcess(ctx context.Context, cfg *config.Config, ln net.Listener, log *slog.Logger) (p *process, err error) {
	p = &process{serveErr: make(chan error, 1)}
	defer func() {
		if err != nil {
			p.stop()
		}
	}()
	if p.app, err = newAppLogging(cfg, redisEmbedded, log); err != nil {
		return p, err
	}
	p.closers = append(p.closers, p.app.close)
	maps, err := p.app.loadMappings()
	if err != nil {
		return p, err
	}
	base := cfg.BaseURL()
	p.sandboxes = &sandboxes{} // live mode: none
	if !cfg.Live() {
		if p.sandboxes, err = newSandboxes(cfg, p.app.log, base, outboundURL(cfg, base), base); err != nil {
			return p, err
		}
		p.closers = append(p.closers, p.sandboxes.close)
		p.sandboxes.servePubSub(cfg.Sandbox.PubSubAddr, p.app.log)
	}
	enq := p.app.enqueuer()
	p.http = &http.Server{Handler: p.app.router(enq, p.sandboxes), ReadHeaderTimeout: 10 * time.Second}
	go func() { p.serveErr <- p.http.Serve(ln) }()

	sf, ns, err := p.app.connectors(ctx, base)
	if err != nil {
		return p, err
	}
	worker, mux, err := p.app.worker(sf, ns, maps)
	if err != nil {
		return p, err
	}
	if err := worker.Start(mux); err != nil {
		return p, fmt.Errorf("starting workers: %w", err)
	}
	p.worker = worker
	p.closers = append(p.closers, p.app.startPubSub(sf, enq, p.sandboxes, p.sandboxes.pubsubAddr))
	stopScheduler, err := p.app.startScheduler()
	if err != nil {
		return p, err
	}
	p.closers = append(p.closers, stopScheduler)
	p.app.log.Info("tandem running", "addr", ln.Addr().String(), "redis", redisLabel(cfg), "mode", cfg.Mode, "mode_reason", cfg.ModeReason())
	return p, nil
}

// wait blocks until ctx ends or the HTTP server fails, then stops.
func (p *process) wait(ctx context.Context) error {
	var err error
	select {
	case <-ctx.Done():
	case err = <-p.serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
	}
	p.stop()
	return err
}

// stop stops taking requests, lets those in flight finish, stops the
// workers (unfinished jobs go back to the queue for another worker) and
// closes what was opened, last first.
func (p *process) stop() {
	if p.http != nil {
		shutdownHTTP(p.http)
	}
	if p.worker != nil {
		p.worker.Shutdown()
	}
	for i := len(p.closers) - 1; i >= 0; i-- {
		p.closers[i]()
	}
	p.closers = nil
}

// waitAndStop is wait for the single-role commands (serve, work, sandbox).
func waitAndStop(ctx context.Context, serveErr <-chan error, srv *http.Server, worker *asynq.Server) error {
	var err error
	select {
	case <-ctx.Done():
	case err = <-serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
	}
	if srv != nil {
		shutdownHTTP(srv)
	}
	if worker != nil {
		worker.Shutdown()
	}
	return err
}

func shutdownHTTP(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), httpShutdownTimeout)
	defer cancel()
	_ = srv.Shutdown(ctx)
}

func outboundURL(cfg *config.Config, base string) string {
	u := base + "/webhooks/salesforce/outbound"
	if cfg.Salesforce.OutboundToken != "" {
		u += "?token=" + cfg.Salesforce.OutboundToken
	}
	return u
}

func redisLabel(cfg *config.Config) string {
	if cfg.RedisURL == "" {
		return "embedded"
	}
	return redisurl.Redacted(cfg.RedisURL) // every form, never the password
}
