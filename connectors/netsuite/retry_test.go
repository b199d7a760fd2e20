package netsuite

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

// How often each kind of request is sent when NetSuite keeps failing, with
// the default MaxAttempts of 3.
func TestInPlaceAttemptsPerMethod(t *testing.T) {
	body := map[string]string{"companyName": "Tandem"}
	ops := map[string]func(c *Client) error{
		"POST create": func(c *Client) error { _, err := c.CreateRecord(context.Background(), "customer", body); return err },
		"PATCH update": func(c *Client) error {
			return c.UpdateRecord(context.Background(), "salesOrder", "5001", body, nil)
		},
		"PUT upsert": func(c *Client) error {
			_, err := c.UpsertRecord(context.Background(), "customer", "CID002", body, nil)
			return err
		},
		"GET":    func(c *Client) error { _, err := c.GetRecord(context.Background(), "customer", "107", nil); return err },
		"DELETE": func(c *Client) error { return c.DeleteRecord(context.Background(), "customer", "107") },
		"SuiteQL POST": func(c *Client) error {
			_, err := c.SuiteQLAll(context.Background(), "SELECT id FROM customer", nil)
			return err
		},
	}
	cases := []struct {
		op       string
		fixture  string
		status   int
		attempts int
	}{
		{"POST create", "oracle-rest-error-500-unexpected.json", 500, 1},
		{"PATCH update", "oracle-rest-error-500-unexpected.json", 500, 1},
		{"PUT upsert", "oracle-rest-error-500-unexpected.json", 500, 3},
		{"GET", "oracle-rest-error-500-unexpected.json", 500, 3},
		{"DELETE", "oracle-rest-error-500-unexpected.json", 500, 3},
		{"SuiteQL POST", "oracle-rest-error-500-unexpected.json", 500, 3},
		{"POST create", "oracle-rest-error-429-concurrency.as-published.txt", 429, 3},
		{"PATCH update", "oracle-rest-error-429-concurrency.as-published.txt", 429, 3},
		{"GET", "oracle-rest-error-400-invalid-request.json", 400, 1},
		{"PUT upsert", "oracle-rest-error-400-invalid-content.response.json", 400, 1},
		{"DELETE", "oracle-rest-error-404-nonexistent-id.json", 404, 1},
	}
	for _, tc := range cases {
		t.Run(tc.op+" "+tc.fixture, func(t *testing.T) {
			ns := newFakeNS(t, fail(t, tc.status, tc.fixture))
			err := ops[tc.op](ns.client())
			if err == nil {
				t.Fatal("no error")
			}
			if got := len(ns.seen()); got != tc.attempts {
				t.Errorf("%d attempts, want %d (%v)", got, tc.attempts, err)
			}
			if tc.status == 429 && !connectors.IsThrottle(err) {
				t.Errorf("429 after the in-place attempts is %T, want a ThrottleError", err)
			}
		})
	}
}

func TestRetriedRequestsSucceed(t *testing.T) {
	ns := newFakeNS(t, sequence(
		fail(t, 429, "oracle-rest-error-429-concurrency.as-published.txt"),
		fail(t, 429, "oracle-rest-error-429-concurrency.as-published.txt"),
		func(w http.ResponseWriter, r *http.Request) { created(w, r, "customer", "648") },
	))
	id, err := ns.client().CreateRecord(context.Background(), "customer", map[string]string{"companyName": "x"})
	if err != nil || id != "648" || len(ns.seen()) != 3 {
		t.Errorf("create after two 429s = %q, %v in %d requests", id, err, len(ns.seen()))
	}

	ns = newFakeNS(t, sequence(fail(t, 500, "oracle-rest-error-500-unexpected.json"), noContent))
	if _, err := ns.client().UpsertRecord(context.Background(), "customer", "CID002", map[string]string{"firstName": "John"}, nil); err != nil || len(ns.seen()) != 2 {
		t.Errorf("upsert after a 500: %v in %d requests", err, len(ns.seen()))
	}
	// Every attempt was signed afresh (the fake refuses a reused nonce).
}

// A lost answer (a dropped connection, a timeout) is retried only where
// sending twice is harmless.
func TestLostAnswersAreRetriedOnlyWhenIdempotent(t *testing.T) {
	drop := func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}
	hang := func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }
	record := func(w http.ResponseWriter, r *http.Request) {
		answer(w, 200, typeSingular, []byte(`{"links":[],"id":"107","companyName":"Tandem"}`))
	}
	// A fresh connection per request, so net/http never replays a GET on
	// its own; a timeout generous enough for a loaded machine.
	setup := func(c *Config) {
		c.HTTPClient = &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		c.Timeout = time.Second
	}
	for name, lose := range map[string]http.HandlerFunc{"dropped": drop, "timeout": hang} {
		ns := newFakeNS(t, sequence(lose, record))
		rec, err := ns.client(setup).GetRecord(context.Background(), "customer", "107", nil)
		if err != nil || rec.String("companyName") != "Tandem" || len(ns.seen()) != 2 {
			t.Errorf("%s: GET = %v, %v in %d requests, want success in 2", name, rec, err, len(ns.seen()))
		}

		ns = newFakeNS(t, sequence(lose, record))
		_, err = ns.client(setup).CreateRecord(context.Background(), "customer", map[string]string{"companyName": "x"})
		if err == nil || len(ns.seen()) != 1 {
			t.Errorf("%s: POST = %v in %d requests, want an error after 1", name, err, len(ns.seen()))
		}
		if connectors.IsPermanent(err) {
			t.Errorf("%s: a lost answer is not permanent: %v", name, err)
		}
	}
}

func TestCancelledContextStopsRetrying(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ns := newFakeNS(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		answer(w, 503, "text/html", []byte("<html>Service Unavailable</html>"))
	})
	_, err := ns.client().GetRecord(ctx, "customer", "107", nil)
	if !errors.Is(err, context.Canceled) || len(ns.seen()) != 1 {
		t.Errorf("err %v after %d requests", err, len(ns.seen()))
	}
}

// The Limiter slot is held during each HTTP request, given back after it
// (so a back-off never holds it), and taken again for every attempt.
func TestLimiterIsBalanced(t *testing.T) {
	lim := &countingLimiter{}
	checked := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { lim.check(); h(w, r) }
	}
	ns := newFakeNS(t, sequence(
		checked(fail(t, 429, "oracle-rest-error-429-concurrency.as-published.txt")),
		checked(fail(t, 500, "oracle-rest-error-500-unexpected.json")),
		checked(func(w http.ResponseWriter, r *http.Request) {
			answer(w, 200, typeSingular, []byte(`{"links":[],"id":"1"}`))
		}),
		checked(fail(t, 500, "oracle-rest-error-500-unexpected.json")),
	))
	c := ns.client(func(c *Config) { c.Limiter = lim })
	if _, err := c.GetRecord(context.Background(), "customer", "1", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRecord(context.Background(), "customer", map[string]string{}); err == nil {
		t.Fatal("create answered 500 succeeded")
	}

	lim.mu.Lock()
	defer lim.mu.Unlock()
	if lim.inUse != 0 || lim.doubleReleases != 0 || lim.acquired != len(ns.seen()) || lim.acquired != 4 {
		t.Errorf("in use %d, double releases %d, acquired %d for %d requests", lim.inUse, lim.doubleReleases, lim.acquired, len(ns.seen()))
	}
	for i, n := range lim.inUseAtEachCheck {
		if n != 1 {
			t.Errorf("request %d ran holding %d slots, want 1", i, n)
		}
	}
}

func TestLimiterRefusalIsReturnedWithoutSending(t *testing.T) {
	refusal := &connectors.ThrottleError{System: "netsuite", Reason: "concurrency slot", Wait: 3 * time.Second}
	ns := newFakeNS(t, noContent)
	c := ns.client(func(c *Config) { c.Limiter = &countingLimiter{refuse: refusal} })
	err := c.DeleteRecord(context.Background(), "customer", "1")
	if wait, ok := connectors.RetryAfter(err); !ok || wait != 3*time.Second || len(ns.seen()) != 0 {
		t.Errorf("err %v (wait %v), %d requests", err, wait, len(ns.seen()))
	}
}

func TestBackoffIsCappedFullJitter(t *testing.T) {
	b := connectors.Backoff{Base: retryBaseDelay, Cap: retryMaxDelay}
	for attempt := 1; attempt <= 40; attempt++ {
		ceiling := min(retryBaseDelay<<min(attempt-1, 20), retryMaxDelay)
		for range 50 {
			if d := b.Delay(attempt); d < 0 || d >= ceiling {
				t.Fatalf("attempt %d: delay %v outside [0, %v)", attempt, d, ceiling)
			}
		}
	}
}
