package netsuite

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tandem-sync/tandem/connectors"
)

func okRecord(w http.ResponseWriter, r *http.Request) {
	answer(w, 200, typeSingular, []byte(`{"links":[],"id":"107"}`))
}

// The fake NetSuite verifies every signature, realm and nonce; these tests
// pass only if the client signs what it sends.
func TestTBASignedRequestsAreAccepted(t *testing.T) {
	for _, account := range []string{"123456_SB1", "123456-sb1", "123456_sb1"} {
		ns := newFakeNS(t, okRecord)
		c := ns.client(func(c *Config) { c.AccountID = account })
		for range 3 {
			if _, err := c.GetRecord(context.Background(), "customer", "107", &GetOptions{Fields: []string{"companyName", "email"}}); err != nil {
				t.Fatalf("account %s: %v", account, err)
			}
		}
		if auth := ns.seen()[0].Header.Get("Authorization"); !strings.HasPrefix(auth, `OAuth realm="123456_SB1", oauth_token="`+testTokenID+`"`) {
			t.Errorf("account %s: Authorization %s", account, auth)
		}
	}
}

func TestTBAWrongSecretIsRejected(t *testing.T) {
	ns := newFakeNS(t, okRecord)
	c := ns.client(func(c *Config) { c.TBA.TokenSecret = "not-the-secret" })
	_, err := c.GetRecord(context.Background(), "customer", "107", nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code() != "INVALID_LOGIN" || apiErr.AuthError != "token_rejected" || !connectors.IsPermanent(err) {
		t.Fatalf("err %v", err)
	}
	if n := len(ns.seen()); n != DefaultMaxAttempts {
		t.Errorf("%d requests, want %d (each with a fresh signature)", n, DefaultMaxAttempts)
	}
	if !strings.Contains(err.Error(), "Login Audit Trail") {
		t.Errorf("the 401 detail was lost: %v", err)
	}
}

// A 401 under load can be the concurrency governor, or the transport's
// re-send of a request whose kept-alive connection broke (it replays the
// nonce): fresh attempts, on any method (a refused request changed nothing).
func TestTBAOne401IsRetriedWithAFreshSignature(t *testing.T) {
	var ns *fakeNS
	ns = newFakeNS(t, sequence(
		func(w http.ResponseWriter, r *http.Request) { ns.reject(w, "token_rejected") },
		func(w http.ResponseWriter, r *http.Request) { created(w, r, "customer", "9") },
	))
	id, err := ns.client().CreateRecord(context.Background(), "customer", map[string]string{"companyName": "x"})
	if err != nil || id != "9" {
		t.Fatalf("CreateRecord = %q, %v", id, err)
	}
	reqs := ns.seen()
	if len(reqs) != 2 || reqs[0].Header.Get("Authorization") == reqs[1].Header.Get("Authorization") {
		t.Errorf("%d requests; the retry must carry a new header", len(reqs))
	}
}

// Found by the chaos suite: two refused copies in a row must not archive
// the job while attempts remain; every attempt signs with a new nonce.
func TestTBARepeated401sAreRetriedWithFreshNonces(t *testing.T) {
	var ns *fakeNS
	ns = newFakeNS(t, sequence(
		func(w http.ResponseWriter, r *http.Request) { ns.reject(w, "nonce_used") },
		func(w http.ResponseWriter, r *http.Request) { ns.reject(w, "nonce_used") },
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"id":"107","companyName":"Acme"}`))
		},
	))
	rec, err := ns.client().GetRecord(context.Background(), "customer", "107", nil)
	if err != nil || rec.String("companyName") != "Acme" {
		t.Fatalf("GetRecord = %v, %v", rec, err)
	}
	nonces := map[string]bool{}
	for _, r := range ns.seen() {
		nonces[r.Header.Get("Authorization")] = true
	}
	if len(nonces) != 3 {
		t.Errorf("%d distinct Authorization headers over 3 attempts", len(nonces))
	}
}

// A 401 that survives fresh signatures, from an account these credentials
// reached a moment ago, is NetSuite refusing a pile-up (or a nonce the
// transport replayed), not a bad secret: the job waits without counting a
// failure. The same 401 before any success stays permanent
// (TestTBAWrongSecretIsRejected).
func TestTBA401AfterASuccessIsAWait(t *testing.T) {
	var refuse atomic.Bool
	var ns *fakeNS
	ns = newFakeNS(t, func(w http.ResponseWriter, r *http.Request) {
		if refuse.Load() {
			ns.reject(w, "token_rejected")
			return
		}
		okRecord(w, r)
	})
	c := ns.client()
	if _, err := c.GetRecord(context.Background(), "customer", "107", nil); err != nil {
		t.Fatal(err)
	}
	refuse.Store(true)
	_, err := c.GetRecord(context.Background(), "customer", "107", nil)
	var apiErr *APIError
	if !connectors.IsThrottle(err) || connectors.IsPermanent(err) || !errors.As(err, &apiErr) || apiErr.Code() != "INVALID_LOGIN" {
		t.Fatalf("401 after a success: %v; want a throttle wait carrying NetSuite's INVALID_LOGIN", err)
	}
	if n := len(ns.seen()); n != 1+DefaultMaxAttempts {
		t.Errorf("%d requests, want 1 + %d (fresh signatures first)", n, DefaultMaxAttempts)
	}
}
