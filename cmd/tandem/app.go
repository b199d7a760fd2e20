package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/connectors/netsuite"
	nssandbox "github.com/tandem-sync/tandem/connectors/netsuite/sandbox"
	"github.com/tandem-sync/tandem/connectors/salesforce"
	sfsandbox "github.com/tandem-sync/tandem/connectors/salesforce/sandbox"
	"github.com/tandem-sync/tandem/connectors/throttle"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/metrics"
	"github.com/tandem-sync/tandem/jobs"
	"github.com/tandem-sync/tandem/jobs/accountsync"
	"github.com/tandem-sync/tandem/jobs/batch"
	"github.com/tandem-sync/tandem/jobs/catalog"
	"github.com/tandem-sync/tandem/jobs/credithold"
	"github.com/tandem-sync/tandem/jobs/drift"
	"github.com/tandem-sync/tandem/jobs/invoices"
	"github.com/tandem-sync/tandem/jobs/onboarding"
	"github.com/tandem-sync/tandem/jobs/reconcile"
	"github.com/tandem-sync/tandem/jobs/salesorder"
	"github.com/tandem-sync/tandem/jobs/sweep"
	"github.com/tandem-sync/tandem/mapping"
)

// app is one Tandem process: its configuration, logger and Redis.
type app struct {
	cfg       *config.Config
	log       *slog.Logger
	redis     *jobs.Redis
	syncStats *accountsync.Stats // what the account sync did in this process
	metrics   *metrics.Metrics   // served at /metrics
}

// loadMappings reads and checks every mapping; an error stops start-up
// with each problem as file:line: field: message.
func (a *app) loadMappings() (*mapping.Set, error) {
	set, err := mapping.Load(mapping.Config{Dir: a.cfg.MappingsDir})
	if err != nil {
		return nil, fmt.Errorf("mappings:\n%w", err)
	}
	return set, nil
}

// openConnected opens the app of a command that talks to both systems
// (Redis as use says), with the checked mappings and the clients of both
// (sandboxBase: where the sandboxes are served in sandbox mode). The
// caller closes the app.
func openConnected(ctx context.Context, cfg *config.Config, use redisUse, sandboxBase string) (*app, *mapping.Set, *salesforce.Client, *netsuite.Client, error) {
	a, err := newApp(cfg, use)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	maps, err := a.loadMappings()
	if err == nil {
		var sf *salesforce.Client
		var ns *netsuite.Client
		if sf, ns, err = a.connectors(ctx, sandboxBase); err == nil {
			return a, maps, sf, ns, nil
		}
	}
	a.close()
	return nil, nil, nil, nil, err
}

// redisUse says what a command needs of Redis.
type redisUse int

const (
	redisShared   redisUse = iota // serve, work: REDIS_URL, shared with other processes
	redisEmbedded                 // run: REDIS_URL, or an in-process one
	redisNone                     // one-off commands: none (throttles stay in-process)
)

// newApp opens Redis as the command needs it.
func newApp(cfg *config.Config, use redisUse) (*app, error) {
	return newAppLogging(cfg, use, newLogger(cfg))
}

func newAppLogging(cfg *config.Config, use redisUse, log *slog.Logger) (*app, error) {
	var r *jobs.Redis
	var err error
	switch {
	case use == redisNone:
	case cfg.RedisURL != "":
		r, err = jobs.OpenRedis(cfg.RedisURL)
	case use == redisEmbedded:
		r, err = startEmbeddedRedis()
		if err == nil {
			log.Warn("REDIS_URL unset: using an embedded in-process Redis; queued jobs do not survive a restart")
		}
	default:
		err = errors.New("REDIS_URL: required for serve and work (they share Redis with each other)")
	}
	if err != nil {
		return nil, err
	}
	return &app{cfg: cfg, log: log, redis: r, syncStats: &accountsync.Stats{}, metrics: newMetrics(log, r)}, nil
}

func (a *app) close() {
	if a.redis != nil {
		a.redis.Close()
	}
}

// ready reports whether Redis answers.
func (a *app) ready(ctx context.Context) error { return a.redis.Client.Ping(ctx).Err() }

// allowedOrgs is TANDEM_SF_ORG_IDS, or the sandbox org in sandbox mode.
func (a *app) allowedOrgs() []string {
	if !a.cfg.Live() && len(a.cfg.Salesforce.OrgIDs) == 0 {
		return []string{sandboxOrgID}
	}
	return a.cfg.Salesforce.OrgIDs
}

// router is Tandem's HTTP surface, plus the sandboxes in sandbox mode
// (never in live mode, whatever sb holds).
func (a *app) router(enqueuer *jobs.Enqueuer, sb *sandboxes) http.Handler {
	deps := handlers.RouterDeps{
		SalesforceOutbound: &handlers.SalesforceOutbound{
			OrgIDs:   a.allowedOrgs(),
			Token:    a.cfg.Salesforce.OutboundToken,
			Enqueuer: enqueuer,
			Logger:   a.log,
		},
		Ready:  a.ready,
		Logger: a.log,
	}
	if !a.cfg.Live() {
		deps.Mounts = sb.mounts()
	}
	if ev := a.salesforceEvents(enqueuer, sb); ev != nil {
		deps.SalesforceEvents = ev
	}
	if wh := a.netsuiteWebhook(enqueuer); wh != nil {
		deps.NetSuiteWebhook = wh
	}
	if admin, monitoring, auth, err := a.adminRoutes(); err != nil {
		a.log.Error("admin routes off", "error", err)
	} else {
		deps.Admin, deps.Monitoring, deps.AdminAuth = admin, monitoring, auth
	}
	a.observeRouter(&deps)
	return handlers.NewRouter(deps)
}

// salesforceEvents is the CDC / platform event endpoint, or nil when it has
// no credential to check (TANDEM_SF_EVENTS_TOKEN / _SECRET unset in live
// mode).
func (a *app) salesforceEvents(enqueuer *jobs.Enqueuer, sb *sandboxes) *handlers.SalesforceEvents {
	c := a.cfg.Salesforce
	h := &handlers.SalesforceEvents{Auth: c.EventsAuth, Token: c.EventsToken, Secret: c.EventsSecret,
		OrgID: a.allowedOrgs()[0], IntegrationUserID: c.IntegrationUserID, Enqueuer: enqueuer, Logger: a.log,
		ForwardOwnChanges: true}
	if !a.cfg.Live() {
		if h.Token == "" {
			h.Token = sfsandbox.DefaultEventsToken
		}
		if h.Secret == "" {
			h.Secret = sfsandbox.DefaultEventsSecret
		}
		if h.IntegrationUserID == "" && sb != nil && sb.sf != nil {
			h.IntegrationUserID = sb.sf.IntegrationUser().ID
		}
	}
	if (h.Auth == handlers.EventsAuthHMAC && h.Secret == "") || (h.Auth != handlers.EventsAuthHMAC && h.Token == "") {
		a.log.Warn("/webhooks/salesforce/events off: no TANDEM_SF_EVENTS_TOKEN (or _SECRET for hmac)")
		return nil
	}
	return h
}

// netsuiteWebhook is the SuiteScript webhook endpoint, or nil without a
// secret in live mode.
func (a *app) netsuiteWebhook(enqueuer *jobs.Enqueuer) *handlers.NetSuiteWebhook {
	secret, account := a.cfg.NetSuite.WebhookSecret, a.cfg.NetSuite.AccountID
	if !a.cfg.Live() {
		account = sandboxNSAccount
		if secret == "" {
			secret = nssandbox.DefaultWebhookSecret
		}
	}
	if secret == "" {
		a.log.Warn("/webhooks/netsuite off: TANDEM_NS_WEBHOOK_SECRET is unset")
		return nil
	}
	return &handlers.NetSuiteWebhook{Secret: secret, AccountID: account, Enqueuer: enqueuer, Logger: a.log}
}

func (a *app) enqueuer() *jobs.Enqueuer {
	return jobs.NewEnqueuer(a.redis.Client, a.cfg.Worker.MaxRetry).WaitForReplicas(a.cfg.RedisReplicas)
}

// connectors builds the Salesforce and NetSuite clients with their shared
// Redis throttles. sandboxBase is where the sandboxes are served in
// sandbox mode.
func (a *app) connectors(ctx context.Context, sandboxBase string) (*salesforce.Client, *netsuite.Client, error) {
	sf, err := a.salesforceClient(sandboxBase)
	if err != nil {
		return nil, nil, err
	}
	a.watchSalesforceUsage(sf)
	ns, err := a.netsuiteClient(ctx, sandboxBase)
	if err != nil {
		return nil, nil, err
	}
	return sf, ns, nil
}

func (a *app) salesforceClient(sandboxBase string) (*salesforce.Client, error) {
	c := a.cfg.Salesforce
	sc := salesforce.Config{
		LoginURL: c.LoginURL, ClientID: c.ClientID, ClientSecret: c.ClientSecret, Username: c.Username, Audience: c.JWTAudience,
		APIVersion: c.APIVersion, Logger: a.log, Observe: a.metrics.RemoteCalls(systemSalesforce),
		BudgetShare: float64(c.APIBudgetPercent) / 100,
	}
	if !a.cfg.Live() {
		sc.LoginURL, sc.ClientID, sc.ClientSecret = sandboxBase+sandboxSalesforcePath, sandboxSFClientID, sandboxSFClientSecret
	}
	if c.JWTKeyFile != "" {
		key, err := readRSAKey(c.JWTKeyFile)
		if err != nil {
			return nil, fmt.Errorf("TANDEM_SF_JWT_KEY_FILE: %w", err)
		}
		sc.PrivateKey = key
	}
	if a.redis != nil {
		limiter, err := throttle.NewRate(a.redis.Client, throttle.RateConfig{
			Key: "tandem:throttle:salesforce:" + hostOf(sc.LoginURL) + ":requests", Rate: c.RateLimit, Per: time.Second,
			Burst: c.RateLimit, MaxWait: 2 * time.Second, System: systemSalesforce,
		})
		if err != nil {
			return nil, fmt.Errorf("salesforce rate limit: %w", err)
		}
		a.metrics.WatchThrottle(func() throttle.WaitStats { return limiter.Stats().WaitStats })
		sc.Limiter = limiter
	}
	return salesforce.New(sc)
}

func (a *app) netsuiteClient(ctx context.Context, sandboxBase string) (*netsuite.Client, error) {
	c := a.cfg.NetSuite
	nc := netsuite.Config{AccountID: c.AccountID, BaseURL: c.BaseURL, Logger: a.log, Observe: a.metrics.RemoteCalls(systemNetSuite)}
	switch {
	case !a.cfg.Live():
		nc.AccountID, nc.BaseURL = sandboxNSAccount, sandboxBase+sandboxNetSuitePath
		nc.TBA = &netsuite.TBAConfig{ConsumerKey: sandboxNSConsumerKey, ConsumerSecret: sandboxNSConsumerSecret, TokenID: sandboxNSTokenID, TokenSecret: sandboxNSTokenSecret}
	case a.cfg.NetSuiteUsesM2M():
		key, err := readSigner(c.PrivateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("TANDEM_NS_PRIVATE_KEY_FILE: %w", err)
		}
		nc.M2M = &netsuite.M2MConfig{ClientID: c.ClientID, CertificateID: c.CertificateID, PrivateKey: key}
	default:
		nc.TBA = &netsuite.TBAConfig{ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret, TokenID: c.TokenID, TokenSecret: c.TokenSecret}
	}
	if a.redis == nil {
		return netsuite.New(nc)
	}
	slots, err := throttle.NewSemaphore(a.redis.Client, throttle.SemaphoreConfig{
		Key: "tandem:throttle:netsuite:" + nc.AccountID + ":slots", Limit: max(c.Concurrency, 1), System: systemNetSuite,
	})
	if err != nil {
		return nil, fmt.Errorf("netsuite concurrency limit: %w", err)
	}
	a.metrics.WatchThrottle(func() throttle.WaitStats { return slots.Stats().WaitStats })
	nc.Limiter = slots
	client, err := netsuite.New(nc)
	if err != nil {
		return nil, err
	}
	if c.Concurrency == 0 {
		slots.SetLimit(a.netsuiteConcurrency(ctx, client))
	}
	return client, nil
}

// worker builds the asynq server and its handlers: the mappings are
// checked at start-up, and the handlers the jobs run are fitted to the org
// (orgFitted) when the first job comes. One line per flow.
func (a *app) worker(sf *salesforce.Client, ns *netsuite.Client, maps *mapping.Set) (*asynq.Server, asynq.Handler, error) {
	if _, err := a.flows(context.Background(), sf, ns, maps, a.catalogConfig()); err != nil {
		return nil, nil, err
	}
	fitted := &orgFitted{build: func(ctx context.Context) (asynq.Handler, error) {
		fit, catalogCfg, err := a.forOrg(ctx, sf, maps)
		if err != nil {
			return nil, err
		}
		return a.flows(ctx, sf, ns, fit, catalogCfg)
	}}
	srv := jobs.NewServer(a.redis.Asynq, jobs.WorkerConfig{
		Concurrency: a.cfg.Worker.Concurrency, ShutdownTimeout: a.cfg.Worker.ShutdownTimeout, Logger: a.log,
		Groups: batch.Groups(a.cfg.Worker.MaxRetry),
	})
	return srv, a.observeJobs(fitted), nil
}

// flows is the handlers of every flow over maps.
func (a *app) flows(ctx context.Context, sf *salesforce.Client, ns *netsuite.Client, maps *mapping.Set, catalogCfg catalog.Config) (*asynq.ServeMux, error) {
	deps := jobs.FlowDeps{Salesforce: sf, NetSuite: ns, Finder: jobs.ConnectorFinder{Salesforce: sf, NetSuite: ns},
		Mappings: maps, Redis: a.redis.Client, Logger: a.log, Context: ctx}
	if a.cfg.ExchangeRates == "netsuite" {
		deps.Rates = jobs.NetSuiteRates{NetSuite: ns}
	}
	return jobs.NewMux(deps,
		salesorder.Flow(),
		invoices.Flow(),
		accountsync.Flow(accountsync.Options{RulesFile: a.cfg.SyncRules, Stats: a.syncStats}),
		credithold.Flow(credithold.Options{RulesFile: a.cfg.CreditHoldRules}),
		sweep.Flow(a.sweepOptions()),
		drift.Flow(a.driftOptions()),
		reconcile.Flow(a.reconcileSchedule()),
		batch.Flow(batch.Options{BulkThreshold: a.cfg.Salesforce.BulkThreshold, MaxRetry: a.cfg.Worker.MaxRetry}),
		catalog.Flow(catalogCfg),
		onboarding.Flow(onboarding.Options{RulesFile: a.cfg.OnboardingRules, Off: a.cfg.Live() && a.cfg.OnboardingRules == ""}),
		jobs.UnusableFlow(),
	)
}
