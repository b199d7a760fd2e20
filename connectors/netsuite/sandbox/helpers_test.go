package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// testAccount is a sandbox behind a real HTTP server and a client that
// signs every request with TBA, as an integration would.
type testAccount struct {
	t      *testing.T
	srv    *Server
	ts     *httptest.Server
	cfg    Config
	nonces atomic.Int64
}

func newTestAccount(t *testing.T, cfg Config) *testAccount {
	t.Helper()
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	return &testAccount{t: t, srv: srv, ts: ts, cfg: cfg.withDefaults()}
}

// tbaHeader signs method+URL like an OAuth 1.0a client (oauth-1.0a, the
// Tandem client) does.
func tbaHeader(cfg Config, method, rawURL, nonce string, ts int64) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	oauth := map[string]string{
		"oauth_consumer_key": cfg.ConsumerKey, "oauth_token": cfg.TokenID, "oauth_nonce": nonce,
		"oauth_timestamp": strconv.FormatInt(ts, 10), "oauth_signature_method": "HMAC-SHA256", "oauth_version": "1.0",
	}
	base := baseString(method, u.Scheme+"://"+u.Host+u.EscapedPath(), u.Query(), oauth)
	sig := signHMACSHA256(base, cfg.ConsumerSecret, cfg.TokenSecret)
	var parts []string
	parts = append(parts, fmt.Sprintf(`realm="%s"`, cfg.AccountID))
	for _, k := range oauthSigned {
		parts = append(parts, fmt.Sprintf(`%s="%s"`, k, percentEncode(oauth[k])))
	}
	parts = append(parts, fmt.Sprintf(`oauth_signature="%s"`, percentEncode(sig)))
	return "OAuth " + strings.Join(parts, ", ")
}

func (a *testAccount) nonce() string {
	return fmt.Sprintf("nonce%020d", a.nonces.Add(1))
}

func (a *testAccount) now() time.Time { return a.cfg.Clock() }

// request builds a signed request; path is relative to the server root.
func (a *testAccount) request(method, path string, body any) *http.Request {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		raw, ok := body.(string)
		if !ok {
			b, err := json.Marshal(body)
			if err != nil {
				a.t.Fatalf("encoding body: %v", err)
			}
			raw = string(b)
		}
		rd = strings.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.ts.URL+path, rd)
	if err != nil {
		a.t.Fatalf("NewRequest: %v", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", tbaHeader(a.cfg, method, req.URL.String(), a.nonce(), a.now().Unix()))
	if strings.Contains(path, "/suiteql") {
		req.Header.Set("Prefer", "transient")
	}
	return req
}

// response is a decoded answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
}

func (a *testAccount) send(req *http.Request) response {
	a.t.Helper()
	res, err := a.roundTrip(a.ts.Client(), req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return res
}

// roundTrip sends req with c; safe to call from any goroutine.
func (a *testAccount) roundTrip(c *http.Client, req *http.Request) (response, error) {
	res, err := c.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return response{}, err
	}
	out := response{status: res.StatusCode, header: res.Header, raw: string(raw)}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			return out, fmt.Errorf("answer is not JSON: %w\n%s", err, raw)
		}
	}
	return out, nil
}

func (a *testAccount) do(method, path string, body any) response {
	a.t.Helper()
	return a.send(a.request(method, path, body))
}

// created POSTs a record and returns the id from the Location header.
func (a *testAccount) created(typ string, body any) string {
	a.t.Helper()
	res := a.do(http.MethodPost, "/services/rest/record/v1/"+typ, body)
	if res.status != http.StatusNoContent {
		a.t.Fatalf("POST %s: %d %s", typ, res.status, res.raw)
	}
	loc := res.header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// errorCode is the first o:errorCode of a NetSuite error body.
func errorCode(body map[string]any) string {
	d := errorDetail(body)
	code, _ := d["o:errorCode"].(string)
	return code
}

func errorDetail(body map[string]any) map[string]any {
	details, _ := body["o:errorDetails"].([]any)
	if len(details) == 0 {
		return nil
	}
	d, _ := details[0].(map[string]any)
	return d
}

// at walks a decoded JSON value: at(rec, "item", "items", 0, "amount").
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			s, _ := v.([]any)
			if k >= len(s) {
				return nil
			}
			v = s[k]
		}
	}
	return v
}

func moduleRoot(t *testing.T) string { return testfixtures.ModuleRoot(t) }

// fixtureDir is /work/shared/fixtures/netsuite: ../shared/fixtures beside
// the directory holding go.mod.
func fixtureDir(t *testing.T) string {
	t.Helper()
	fixtures := filepath.Join(moduleRoot(t), "..", "shared", "fixtures", "netsuite")
	if _, err := os.Stat(fixtures); err != nil {
		t.Fatalf("fixtures missing: %v", err)
	}
	return fixtures
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(fixtureDir(t), name))
	if err != nil {
		t.Fatalf("reading fixture: %v", err)
	}
	return string(raw)
}

// fixedClock is a settable clock for tests that move time.
type fixedClock struct{ now atomic.Int64 }

func newFixedClock(t time.Time) *fixedClock {
	c := &fixedClock{}
	c.now.Store(t.UnixNano())
	return c
}

func (c *fixedClock) Now() time.Time          { return time.Unix(0, c.now.Load()).UTC() }
func (c *fixedClock) Advance(d time.Duration) { c.now.Add(int64(d)) }

// The script's per-event nonce is random; tests pin it to what the JS
// harness's pinned Math.random (0.25) gives, so bodies compare byte for byte.
func init() { eventNonce = func() string { return "40000000" } }
