// Package sandbox is an in-memory emulator of the NetSuite REST surface
// Tandem uses: the record service, SuiteQL, governance limits, TBA and
// OAuth 2.0 client-credentials authentication, the account concurrency
// governor, latency and fault injection. It answers with NetSuite's paths,
// status codes, headers and error bodies, so clients written against the
// real service work against it unchanged. Like an account with Tandem's
// SuiteScript deployed, it posts a signed webhook for every change
// (Config.Webhook), Tandem's own REST writes included.
package sandbox

import (
	"crypto"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Server is one sandbox NetSuite account.
type Server struct {
	cfg    Config
	log    *slog.Logger
	store  *store
	tba    *tbaVerifier
	m2m    *m2mIssuer
	gov    *governor
	faults *faultInjector
	stats  *statsCounter
	hooks  *webhooks
	mux    *http.ServeMux

	listenersMu sync.Mutex
	listeners   []func(ChangeEvent)

	closed    chan struct{}
	closeOnce sync.Once
}

// New builds a sandbox account with its seed data.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	m2m, err := newM2MIssuer(cfg)
	if err != nil {
		return nil, fmt.Errorf("netsuite sandbox: %w", err)
	}
	if err := cfg.Webhook.check(); err != nil {
		return nil, fmt.Errorf("netsuite sandbox: %w", err)
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, store: newStore(), tba: newTBAVerifier(cfg), m2m: m2m,
		gov:    newGovernor(cfg.ConcurrencyLimit, cfg.Latency),
		faults: newFaultInjector(cfg.Faults), stats: newStatsCounter(), closed: make(chan struct{}),
		hooks: newWebhooks(cfg.Webhook, cfg.Logger),
	}
	s.store.clock = cfg.Today
	if err := seed(s.store, cfg.Seed); err != nil {
		return nil, fmt.Errorf("netsuite sandbox: seeding: %w", err)
	}
	s.mux = s.routes()
	return s, nil
}

// Handler serves /services/rest/… relative to wherever it is mounted.
func (s *Server) Handler() http.Handler { return s.mux }

// Close releases requests held by latency or injected timeouts and stops
// posting webhooks.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closed)
		s.hooks.close()
	})
}

// RegisterCertificate maps an M2M certificate id (the JWT kid) to a public
// key: EC P-256/384/521 or RSA of at least 2048 bits. Other keys are
// refused with a logged warning, as NetSuite's setup page refuses them.
func (s *Server) RegisterCertificate(certID string, pub crypto.PublicKey) {
	if err := s.m2m.register(certID, pub); err != nil {
		s.log.Warn("netsuite sandbox: certificate not registered", "err", err)
	}
}

// SetFaults replaces the fault rates and reseeds their RNG.
func (s *Server) SetFaults(f Faults) { s.faults.set(f) }

// SetLatency changes the latency, also for requests waiting right now.
func (s *Server) SetLatency(d time.Duration) { s.gov.setLatency(d) }

// SetConcurrencyLimit changes the account limit: 0 = 5, negative = unlimited.
func (s *Server) SetConcurrencyLimit(n int) {
	if n == 0 {
		n = DefaultConcurrencyLimit
	}
	s.gov.setLimit(n)
}

// Stats reports what the sandbox has seen.
func (s *Server) Stats() Stats {
	st := s.stats.snapshot()
	st.InFlight, st.MaxInFlight = s.gov.counts()
	return st
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.stats.reset()
	s.gov.resetMax()
}

func (s *Server) routes() *http.ServeMux {
	api := http.NewServeMux()
	api.HandleFunc("/services/rest/record/v1/{type}", s.serveCollection)
	api.HandleFunc("/services/rest/record/v1/{type}/{id}", s.serveRecord)
	api.HandleFunc("/services/rest/record/v1/{type}/{id}/{sublist}", s.serveSublist)
	api.HandleFunc("/services/rest/record/v1/{type}/{id}/{sublist}/{line}", s.serveSublist)
	api.HandleFunc("/services/rest/record/v1/{type}/{id}/!transform/{toType}", s.serveTransform)
	api.HandleFunc("/services/rest/query/v1/suiteql", s.serveSuiteQL)
	api.HandleFunc("/services/rest/system/v1/governanceLimits", s.serveGovernanceLimits)
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		notFound(fmt.Sprintf("The requested resource %s was not found.", r.URL.Path)).write(w)
	})
	mux := http.NewServeMux()
	mux.HandleFunc(tokenPath, s.serveToken)
	mux.Handle("/services/rest/", s.apiMiddleware(api))
	return mux
}

// linkBase is <BaseURL>: the configured one, or the one the request came in on.
func (s *Server) linkBase(r *http.Request) string {
	if s.cfg.BaseURL != "" || r == nil {
		return s.defaultBase()
	}
	scheme, host := requestOrigin(r)
	mount := strings.TrimSuffix(requestPath(r), r.URL.EscapedPath())
	return scheme + "://" + host + mount
}

// defaultBase is the configured BaseURL, else the account's NetSuite domain.
func (s *Server) defaultBase() string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	host := strings.ReplaceAll(strings.ToLower(s.cfg.AccountID), "_", "-")
	return "https://" + host + ".suitetalk.api.netsuite.com"
}

func (s *Server) recordBase(r *http.Request) string {
	return s.linkBase(r) + "/services/rest/record/v1"
}
