package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hibiken/asynq"
	"github.com/hibiken/asynqmon"
	"github.com/redis/go-redis/v9"
	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/connectors/salesforce/pubsub"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/jobs"
)

// sandboxAdminToken is the admin token in sandbox mode when
// TANDEM_ADMIN_TOKEN is unset; the banner prints it. Live mode has no
// default and refuses this one (refuseSandboxValues).
const sandboxAdminToken = "tandem-sandbox-admin"

// minAdminTokenLen refuses tokens short enough to guess.
const minAdminTokenLen = 16

// registerQueuesTimeout bounds the start-up write that shows idle queues.
const registerQueuesTimeout = 5 * time.Second

// adminToken is TANDEM_ADMIN_TOKEN, or the sandbox token in sandbox mode:
// both systems are the built-in sandboxes there, nothing real can be
// reached, so a documented token is safe.
func adminToken(cfg *config.Config) string {
	if cfg.AdminToken == "" && !cfg.Live() {
		return sandboxAdminToken
	}
	return cfg.AdminToken
}

// adminRoutes builds the admin API and Asynqmon, both behind the admin
// token. Without a token in live mode it returns nil handlers
// (the routes are not served) and logs why.
func (a *app) adminRoutes() (admin, monitoring http.Handler, auth func(http.Handler) http.Handler, err error) {
	token := adminToken(a.cfg)
	switch {
	case token == "":
		a.log.Warn("admin routes off: TANDEM_ADMIN_TOKEN is unset in live mode, so /admin/ and /monitoring/ (Asynqmon) are not served")
		return nil, nil, nil, nil
	case len(token) < minAdminTokenLen:
		return nil, nil, nil, fmt.Errorf("TANDEM_ADMIN_TOKEN: %d characters; use at least %d (e.g. openssl rand -hex 24)", len(token), minAdminTokenLen)
	case a.redis == nil:
		return nil, nil, nil, fmt.Errorf("admin routes need Redis")
	}
	ctx, cancel := context.WithTimeout(context.Background(), registerQueuesTimeout)
	defer cancel()
	if err := jobs.RegisterQueues(ctx, a.redis.Client); err != nil {
		a.log.Warn("Asynqmon will show each queue only once it has had a job", "error", err)
	}
	deps := handlers.AdminDeps{
		Jobs:   jobs.NewReplayer(asynq.NewInspectorFromRedisClient(a.redis.Client)),
		Review: jobs.NewReviewStore(a.redis.Client),
		Drift:  a.lastDrift,
		PubSub: func(ctx context.Context) (pubsub.Status, error) {
			return pubsub.ReadStatus(ctx, a.redis.Client, a.pubsubTopics())
		},
		Logger: a.log,
	}
	reports := &lazyReconciler{a: a}
	deps.BookingsChart = handlers.ChartHandler(a.chartData(reports))
	deps.BookingsReport = a.bookingsReport(reports)
	admin = handlers.NewAdmin(deps)
	monitoring = asynqmon.New(asynqmon.Options{
		RootPath:     handlers.PrefixMonitoring,
		RedisConnOpt: sharedRedisConn{a.redis.Client},
	})
	return admin, monitoring, handlers.AdminAuth(token), nil
}

// sharedRedisConn hands Asynqmon the app's Redis client instead of a pool
// of its own that nothing would close; the app closes the client.
type sharedRedisConn struct{ client redis.UniversalClient }

func (s sharedRedisConn) MakeRedisClient() any { return s.client }

// adminBanner is the banner's lines for Asynqmon and the admin API.
func adminBanner(cfg *config.Config, base string) string {
	line := func(label, text string) string { return fmt.Sprintf("  %-26s %s\n", label, text) }
	switch token := adminToken(cfg); {
	case token == "":
		return line("Asynqmon, admin API", "off (set TANDEM_ADMIN_TOKEN)")
	case token == sandboxAdminToken:
		return line("Asynqmon", base+"/monitoring/ (any user name, password "+token+")") +
			line("admin API", base+"/admin/jobs (Authorization: Bearer "+token+")")
	default:
		return line("Asynqmon", base+"/monitoring/ (any user name, password TANDEM_ADMIN_TOKEN)") +
			line("admin API", base+"/admin/jobs (Authorization: Bearer TANDEM_ADMIN_TOKEN)")
	}
}
