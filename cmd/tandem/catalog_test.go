package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/config"
)

// TestSyncCatalogCommand: `tandem sync catalog --full` against the
// sandboxes writes the seeded items' products and prices and says so in
// its summary; run again, it writes nothing.
func TestSyncCatalogCommand(t *testing.T) {
	t.Parallel()
	cfg, _ := startSandboxesOnly(t, "TANDEM_CATALOG_PRICE_LEVELS", "1", "TANDEM_CATALOG_CURRENCIES", "USD")

	var out bytes.Buffer
	if err := syncCommand(context.Background(), cfg, []string{"catalog", "--full"}, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	// the 11 seeded items: their products exist (updated), their USD standard entries are adopted
	for _, want := range []string{"catalog sync (full): 11 items", "updated      22", "failed       0", "API calls    Salesforce"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := syncCommand(context.Background(), cfg, []string{"catalog", "--full"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"created      0\n  updated      0\n  deactivated  0\n  unchanged    22", "(0 writes)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second run's summary lacks %q:\n%s", want, out.String())
		}
	}
	t.Log("\n" + out.String())
}

// startSandboxesOnly serves both sandboxes (no Tandem process: nothing
// reacts to their changes) and returns the configuration of a command
// that talks to them, from the env pairs given, and the sandboxes.
func startSandboxesOnly(t *testing.T, env ...string) (*config.Config, *sandboxes) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	cfg := commandConfig(t, "http://"+srv.Listener.Addr().String(), env...)
	sb, err := newSandboxes(cfg, slog.New(slog.DiscardHandler), cfg.BaseURL(), "", "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.close)
	srv.Config.Handler = mountAll(sb.mounts())
	srv.Start()
	t.Cleanup(srv.Close)
	return cfg, sb
}

// commandConfig is a command's configuration for the sandboxes at base,
// with the env pairs given.
func commandConfig(t *testing.T, base string, env ...string) *config.Config {
	t.Helper()
	vars := map[string]string{"TANDEM_PUBLIC_URL": base, "TANDEM_LOG_LEVEL": "error"}
	for i := 0; i+1 < len(env); i += 2 {
		vars[env[i]] = env[i+1]
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := vars[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}
