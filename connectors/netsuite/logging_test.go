package netsuite

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/tandem-sync/tandem/internal/logging"
)

// Every path that logs (retries, 401s, token refreshes, throttling) runs at
// debug level; no credential, token or signature may appear.
func TestNoSecretsInLogs(t *testing.T) {
	var out logging.Buffer
	logger := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	withLog := func(c *Config) { c.Logger = logger }
	ctx := context.Background()

	ns := troubledNS(t)
	tbaClient := ns.client(withLog)
	tbaClient.GetRecord(ctx, "customer", "107", nil)
	tbaClient.DeleteRecord(ctx, "customer", "107")

	s, key := newES256Server(t)
	s.rejected[s.sampleToken()] = true
	m2mClient := s.client(key, withLog)
	if _, err := m2mClient.GetRecord(ctx, "customer", "107", nil); err != nil {
		t.Fatal(err)
	}

	logs := out.String()
	for _, want := range []string{"trying again", "fresh ones", "access token obtained"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the logs lack %q, so this test did not exercise that path:\n%s", want, logs)
		}
	}
	secrets := []string{testConsumerKey, testConsumerSecret, testTokenID, testTokenSecret, "oauth_signature", "Bearer"}
	s.tokenMu.Lock()
	secrets = append(secrets, s.issued...)
	s.tokenMu.Unlock()
	for _, r := range append(ns.seen(), s.seen()...) {
		if a := r.Header.Get("Authorization"); a != "" {
			secrets = append(secrets, a)
		}
		if r.Path == tokenPath { // the client assertion, by its signature part
			parts := strings.Split(r.Body, ".")
			secrets = append(secrets, parts[len(parts)-1])
		}
	}
	for _, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain a secret (%.12s…)", secret)
		}
	}
}
