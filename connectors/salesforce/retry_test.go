package salesforce

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

// Every client call, each given an answer that fails the same way.
var calls = []struct {
	name       string
	idempotent bool
	call       func(context.Context, *Client) error
}{
	{"Get", true, func(ctx context.Context, c *Client) error {
		_, err := c.Get(ctx, "Account", "001Dn00000ZBr4TIAT")
		return err
	}},
	{"GetByExternalID", true, func(ctx context.Context, c *Client) error {
		_, err := c.GetByExternalID(ctx, "Account", "NetSuite_Id__c", "42")
		return err
	}},
	{"Query", true, func(ctx context.Context, c *Client) error {
		_, err := c.Query(ctx, "SELECT Id FROM Account")
		return err
	}},
	{"Update", true, func(ctx context.Context, c *Client) error {
		return c.Update(ctx, "Account", "001Dn00000ZBr4TIAT", map[string]any{"Name": "Acme"})
	}},
	{"Upsert", true, func(ctx context.Context, c *Client) error {
		_, err := c.Upsert(ctx, "Account", "NetSuite_Id__c", "42", map[string]any{"Name": "Acme"})
		return err
	}},
	{"UpsertCollection", true, func(ctx context.Context, c *Client) error {
		_, err := c.UpsertCollection(ctx, "Account", "NetSuite_Id__c", []map[string]any{{"NetSuite_Id__c": "42"}}, false)
		return err
	}},
	{"Delete", true, func(ctx context.Context, c *Client) error {
		return c.Delete(ctx, "Account", "001Dn00000ZBr4TIAT")
	}},
	{"Create", false, func(ctx context.Context, c *Client) error {
		_, err := c.Create(ctx, "Account", map[string]any{"Name": "Acme"})
		return err
	}},
}

func TestInPlaceRetryCounts(t *testing.T) {
	for _, failure := range []struct {
		name   string
		answer http.HandlerFunc
	}{
		{"500 row lock", answer(http.StatusInternalServerError, bodyLockRow)},
		{"503 unavailable", answer(http.StatusServiceUnavailable, bodyServerDown)},
		{"timeout", func(_ http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body) // until the body is read, the server cannot see the client leave
			<-r.Context().Done()
		}},
	} {
		for _, tc := range calls {
			t.Run(failure.name+"/"+tc.name, func(t *testing.T) {
				org := newFakeOrg(t)
				org.api = failure.answer
				c := org.client(func(cfg *Config) { cfg.Timeout = 100 * time.Millisecond })

				err := tc.call(context.Background(), c)
				if err == nil || connectors.IsPermanent(err) {
					t.Fatalf("err = %v, want a retryable error", err)
				}
				want := 1 // a create may have committed: never re-sent
				if tc.idempotent {
					want = defaultMaxAttempts
				}
				if n := org.apiRequests(); n != want {
					t.Errorf("API requests = %d, want %d", n, want)
				}
			})
		}
	}
}

func TestNotRetriedInPlace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		answer http.HandlerFunc
		check  func(error) bool
	}{
		{"validation error", answer(http.StatusBadRequest, bodyRequiredField), connectors.IsPermanent},
		{"request limit", answer(http.StatusForbidden, bodyConcurrent), connectors.IsThrottle},
		{"Retry-After beyond the in-place cap", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "60")
			writeBody(w, http.StatusServiceUnavailable, bodyServerDown)
		}, func(err error) bool {
			wait, ok := connectors.RetryAfter(err)
			return ok && wait == time.Minute && !connectors.IsPermanent(err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.api = tc.answer
			err := org.client(nil).Update(context.Background(), "Account", "001Dn00000ZBr4TIAT", map[string]any{"Name": "Acme"})
			if !tc.check(err) {
				t.Errorf("err = %v", err)
			}
			if n := org.apiRequests(); n != 1 {
				t.Errorf("API requests = %d, want 1", n)
			}
		})
	}
}

func TestRetryRecovers(t *testing.T) {
	org := newFakeOrg(t)
	var mu sync.Mutex
	failures := 2
	org.api = func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if failures > 0 {
			failures--
			w.Header().Set("Retry-After", "0") // present but asks for no wait: back-off applies
			writeBody(w, http.StatusInternalServerError, bodyLockRow)
			return
		}
		writeBody(w, http.StatusOK, bodyUpsertUpdated)
	}
	res, err := org.client(nil).Upsert(context.Background(), "Account", "NetSuite_Id__c", "42", map[string]any{"Name": "Acme"})
	if err != nil || !res.Success {
		t.Fatalf("Upsert = %+v, %v", res, err)
	}
	if n := org.apiRequests(); n != 3 {
		t.Errorf("API requests = %d, want 3", n)
	}
}

func TestThrottleError(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusForbidden, bodyDailyLimit)
	_, err := org.client(nil).Query(context.Background(), "SELECT Id FROM Account")
	var te *connectors.ThrottleError
	if !errors.As(err, &te) {
		t.Fatalf("err = %v, want *connectors.ThrottleError", err)
	}
	if te.System != "salesforce" || te.Reason != CodeRequestLimitExceeded || te.Wait < dailyLimitWait/2 {
		t.Errorf("throttle = %+v", te)
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Message != "TotalRequests Limit exceeded." {
		t.Errorf("remote error lost: %v", err)
	}
}

func TestCancelledContextStopsRetries(t *testing.T) {
	org := newFakeOrg(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	org.api = func(w http.ResponseWriter, _ *http.Request) {
		cancel()
		writeBody(w, http.StatusServiceUnavailable, bodyServerDown)
	}
	if _, err := org.client(nil).Get(ctx, "Account", "001Dn00000ZBr4TIAT"); err == nil {
		t.Fatal("want an error")
	}
	if n := org.apiRequests(); n != 1 {
		t.Errorf("API requests = %d, want 1", n)
	}
}

// countingLimiter counts slots taken and given back, and how many are held.
type countingLimiter struct {
	mu                          sync.Mutex
	acquired, released, holding int
	refuse                      error
}

func (l *countingLimiter) Acquire(context.Context) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refuse != nil {
		return nil, l.refuse
	}
	l.acquired++
	l.holding++
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.released++
		l.holding--
	}, nil
}

func (l *countingLimiter) held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holding
}

// Every attempt takes its own slot and gives it back before the next one
// (and before any back-off sleep), including the attempt after a renewal.
func TestLimiterSlotPerAttempt(t *testing.T) {
	org := newFakeOrg(t)
	lim := &countingLimiter{}
	var mu sync.Mutex
	var heldDuring []int
	org.api = func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		heldDuring = append(heldDuring, lim.held())
		n := len(heldDuring)
		mu.Unlock()
		switch n {
		case 2: // the second update finds its session expired,
			org.expireSessions()
			writeBody(w, http.StatusUnauthorized, bodyInvalidSession)
		case 3, 4: // then fails twice before it succeeds;
			writeBody(w, http.StatusInternalServerError, bodyLockRow)
		case 6: // the create fails once and is not re-sent.
			writeBody(w, http.StatusInternalServerError, bodyLockRow)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	}
	c := org.client(func(cfg *Config) { cfg.Limiter = lim })
	ctx := context.Background()
	for i := range 2 {
		if err := c.Update(ctx, "Account", "001Dn00000ZBr4TIAT", map[string]any{"Name": "Acme"}); err != nil {
			t.Fatalf("update %d: %v", i+1, err)
		}
	}
	if _, err := c.Create(ctx, "Account", map[string]any{"Name": "Acme"}); err == nil {
		t.Fatal("create: want the 500")
	}

	if len(heldDuring) != 6 {
		t.Fatalf("API requests = %d, want 6", len(heldDuring))
	}
	if lim.acquired != 6 || lim.released != 6 || lim.holding != 0 {
		t.Errorf("acquired %d, released %d, holding %d; want 6, 6, 0", lim.acquired, lim.released, lim.holding)
	}
	for i, h := range heldDuring {
		if h != 1 {
			t.Errorf("request %d went out with %d slots held, want 1", i+1, h)
		}
	}
}

func TestLimiterRefusal(t *testing.T) {
	org := newFakeOrg(t)
	wait := &connectors.ThrottleError{System: "salesforce", Reason: "request rate", Wait: 3 * time.Second}
	c := org.client(func(cfg *Config) { cfg.Limiter = &countingLimiter{refuse: wait} })
	_, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
	if !errors.Is(err, wait) {
		t.Fatalf("err = %v, want the limiter's throttle", err)
	}
	if n := org.apiRequests(); n != 0 {
		t.Errorf("API requests = %d, want 0", n)
	}
}
