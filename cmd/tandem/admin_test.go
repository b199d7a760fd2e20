package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/config"
	"github.com/tandem-sync/tandem/handlers"
	"github.com/tandem-sync/tandem/internal/logging"
	"github.com/tandem-sync/tandem/internal/testredis"
	"github.com/tandem-sync/tandem/jobs"
)

// liveSystems is configuration for a real org and account: live mode, so
// there is no default admin token. Nothing here reaches them.
var liveSystems = []string{"TANDEM_SF_LOGIN_URL", "https://acme.my.salesforce.com", "TANDEM_SF_CLIENT_ID", "id", "TANDEM_SF_CLIENT_SECRET", "s",
	"TANDEM_SF_ORG_IDS", "00D5e000000ACMEEA2", "TANDEM_NS_ACCOUNT_ID", "1234567", "TANDEM_NS_CONSUMER_KEY", "ck", "TANDEM_NS_CONSUMER_SECRET", "cs",
	"TANDEM_NS_TOKEN_ID", "tk", "TANDEM_NS_TOKEN_SECRET", "ts"}

func adminApp(t *testing.T, env ...string) (*app, *bytes.Buffer) {
	t.Helper()
	db := testredis.New(t)
	vars := map[string]string{"REDIS_URL": db.URL()}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	r, err := jobs.OpenRedis(cfg.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	a := &app{cfg: cfg, log: logging.New(logs, "json", "info"), redis: r}
	t.Cleanup(a.close)
	return a, logs
}

// adminStatus serves a's admin routes and asks GET /admin/jobs with token.
func adminStatus(t *testing.T, a *app, token string) int {
	t.Helper()
	admin, monitoring, auth, err := a.adminRoutes()
	if err != nil || admin == nil || monitoring == nil || auth == nil {
		t.Fatalf("adminRoutes: %v", err)
	}
	srv := httptest.NewServer(handlers.NewRouter(handlers.RouterDeps{Admin: admin, Monitoring: monitoring, AdminAuth: auth, Logger: a.log}))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+handlers.PathAdminJobs, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestSandboxModeHasADocumentedAdminToken(t *testing.T) {
	t.Parallel()
	a, _ := adminApp(t)
	if got := adminStatus(t, a, sandboxAdminToken); got != http.StatusOK {
		t.Errorf("sandbox token: %d", got)
	}
	if got := adminStatus(t, a, "guess-guess-guess-guess"); got != http.StatusUnauthorized {
		t.Errorf("wrong token: %d", got)
	}
	if b := adminBanner(a.cfg, "http://x"); !strings.Contains(b, "password "+sandboxAdminToken) {
		t.Errorf("banner:\n%s", b)
	}
}

func TestNoDefaultAdminTokenInLiveMode(t *testing.T) {
	t.Parallel()
	a, logs := adminApp(t, liveSystems...)
	admin, monitoring, auth, err := a.adminRoutes()
	if err != nil || admin != nil || monitoring != nil || auth != nil {
		t.Fatalf("adminRoutes without a token outside sandbox mode: %v %v %v %v", admin, monitoring, auth != nil, err)
	}
	if !strings.Contains(logs.String(), "admin routes off") || !strings.Contains(logs.String(), "TANDEM_ADMIN_TOKEN") {
		t.Errorf("start-up does not say why the admin routes are off:\n%s", logs)
	}
	if b := adminBanner(a.cfg, "http://x"); !strings.Contains(b, "off (set TANDEM_ADMIN_TOKEN)") {
		t.Errorf("banner:\n%s", b)
	}
	if got := adminStatus(t, mustAdminApp(t, append(liveSystems, "TANDEM_ADMIN_TOKEN", specAdminToken)...), specAdminToken); got != http.StatusOK {
		t.Errorf("with TANDEM_ADMIN_TOKEN: %d", got)
	}
}

func TestShortAdminTokenRefused(t *testing.T) {
	t.Parallel()
	a, _ := adminApp(t, "TANDEM_ADMIN_TOKEN", "hunter2")
	if _, _, _, err := a.adminRoutes(); err == nil || !strings.Contains(err.Error(), "TANDEM_ADMIN_TOKEN") {
		t.Errorf("a 7-character token: %v", err)
	}
}

func mustAdminApp(t *testing.T, env ...string) *app {
	a, _ := adminApp(t, env...)
	return a
}
