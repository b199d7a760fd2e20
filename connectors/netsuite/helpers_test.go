package netsuite

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/connectors/netsuite/tba"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

// Test credentials; the account is a sandbox so realm and host differ.
const (
	testAccount        = "123456_SB1"
	testConsumerKey    = "ck-3c1f0a9e7b5d4c2a"
	testConsumerSecret = "cs-secret-9f8e7d6c5b4a"
	testTokenID        = "tk-5a4b3c2d1e0f"
	testTokenSecret    = "ts-secret-0a1b2c3d4e5f"
)

// NetSuite's media types (REST API Browser; real responses).
const (
	typeSingular = "application/vnd.oracle.resource+json; type=singular"
	typeError    = "application/vnd.oracle.resource+json; type=error; charset=UTF-8"
)

// seen is one request as the fake NetSuite received it.
type seen struct {
	Method, Path, RawQuery string
	Header                 http.Header
	Body                   string
}

// fakeNS is an httptest server that checks TBA signatures the way NetSuite
// does (wrong signature, realm or reused nonce → 401 INVALID_LOGIN) and
// records every request before handing it to the test's handler.
type fakeNS struct {
	t      *testing.T
	srv    *httptest.Server
	handle http.HandlerFunc

	invalidLogin []byte // Oracle's 401 body

	mu       sync.Mutex
	requests []seen
	nonces   map[string]bool
	bases    []string // TBA base strings of verified requests
}

func newFakeNS(t *testing.T, handle http.HandlerFunc) *fakeNS {
	f := &fakeNS{t: t, handle: handle, nonces: map[string]bool{}, invalidLogin: testfixtures.Read(t, "netsuite", "oracle-rest-error-401-invalid-login.json")}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeNS) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	f.mu.Lock()
	f.requests = append(f.requests, seen{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Clone(), string(body)})
	f.mu.Unlock()
	if strings.HasPrefix(r.Header.Get("Authorization"), "OAuth ") && !f.verifyTBA(r) {
		f.reject(w, "token_rejected")
		return
	}
	f.handle(w, r)
}

var oauthParam = regexp.MustCompile(`(\w+)="([^"]*)"`)

// verifyTBA recomputes the signature from what arrived: method, host, path
// and every query parameter.
func (f *fakeNS) verifyTBA(r *http.Request) bool {
	p := map[string]string{}
	for _, m := range oauthParam.FindAllStringSubmatch(r.Header.Get("Authorization"), -1) {
		p[m[1]] = m[2]
	}
	base, err := tba.BaseString(r.Method, "http://"+r.Host+r.URL.RequestURI(), tba.Params{
		ConsumerKey: p["oauth_consumer_key"], Token: p["oauth_token"], Nonce: p["oauth_nonce"], Timestamp: p["oauth_timestamp"],
	})
	if err != nil {
		return false
	}
	want := tba.Encode(tba.Signature(base, testConsumerSecret, testTokenSecret))
	f.mu.Lock()
	defer f.mu.Unlock()
	fresh := !f.nonces[p["oauth_nonce"]]
	f.nonces[p["oauth_nonce"]] = true
	ok := fresh && p["realm"] == "123456_SB1" && p["oauth_signature"] == want &&
		p["oauth_consumer_key"] == testConsumerKey && p["oauth_token"] == testTokenID &&
		p["oauth_signature_method"] == "HMAC-SHA256" && p["oauth_version"] == "1.0"
	if ok {
		f.bases = append(f.bases, base)
	}
	return ok
}

func (f *fakeNS) seen() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.requests...)
}

// client is a TBA client for this server.
func (f *fakeNS) client(mutate ...func(*Config)) *Client {
	f.t.Helper()
	return newTestClient(f.t, Config{
		AccountID: testAccount,
		BaseURL:   f.srv.URL,
		TBA:       &TBAConfig{testConsumerKey, testConsumerSecret, testTokenID, testTokenSecret},
	}, mutate)
}

// newTestClient builds a client with a millisecond back-off.
func newTestClient(t *testing.T, cfg Config, mutate []func(*Config)) *Client {
	t.Helper()
	for _, m := range mutate {
		m(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	c.backoff = connectors.Backoff{Base: time.Millisecond, Cap: 2 * time.Millisecond}
	return c
}

// reject answers as NetSuite does to a bad signature or token.
func (f *fakeNS) reject(w http.ResponseWriter, reason string) {
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`OAuth realm="123456_SB1", error=%q, error_description="Invalid login attempt."`, reason))
	answer(w, http.StatusUnauthorized, typeError, f.invalidLogin)
}

// answer writes a fixture (or literal JSON) with NetSuite's headers.
func answer(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	w.Write(body)
}

// created answers a write with 204 and the record's Location.
func created(w http.ResponseWriter, r *http.Request, recordType, id string) {
	w.Header().Set("Location", "http://"+r.Host+recordPath+recordType+"/"+id)
	w.WriteHeader(http.StatusNoContent)
}

// sequence answers the n-th request with steps[n] (the last step repeats).
func sequence(steps ...http.HandlerFunc) http.HandlerFunc {
	var mu sync.Mutex
	n := 0
	return func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		step := steps[min(n, len(steps)-1)]
		n++
		mu.Unlock()
		step(w, r)
	}
}

// fail answers with one of Oracle's error bodies.
func fail(t *testing.T, status int, fixtureName string) http.HandlerFunc {
	body := testfixtures.Read(t, "netsuite", fixtureName)
	return func(w http.ResponseWriter, r *http.Request) {
		answer(w, status, typeError, body)
	}
}

func noContent(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }

// countingLimiter is a Limiter double that checks every slot is given back
// exactly once.
type countingLimiter struct {
	mu               sync.Mutex
	inUse, acquired  int
	doubleReleases   int
	refuse           error
	inUseAtEachCheck []int
}

func (l *countingLimiter) Acquire(ctx context.Context) (func(), error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.refuse != nil {
		return nil, l.refuse
	}
	l.inUse++
	l.acquired++
	released := false
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if released {
			l.doubleReleases++
			return
		}
		released = true
		l.inUse--
	}, nil
}

// check records how many slots are held right now (called from handlers).
func (l *countingLimiter) check() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inUseAtEachCheck = append(l.inUseAtEachCheck, l.inUse)
}
