package sandbox

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// oracleVectors is tba-test-vectors.compiled.json: Oracle's published
// TBA example inputs and the signatures they give.
type oracleVectors struct {
	Credentials struct {
		ConsumerKey, ConsumerSecret, TokenID, TokenSecret, Nonce, Timestamp string
	}
	Vectors []struct {
		Name, Realm, Method, URL, BaseString, Signature string
	}
}

func loadVectors(t *testing.T) oracleVectors {
	t.Helper()
	var v oracleVectors
	if err := json.Unmarshal([]byte(readFixture(t, "tba-test-vectors.compiled.json")), &v); err != nil {
		t.Fatalf("decoding vectors: %v", err)
	}
	return v
}

func (v oracleVectors) oauth() map[string]string {
	c := v.Credentials
	return map[string]string{
		"oauth_consumer_key": c.ConsumerKey, "oauth_token": c.TokenID, "oauth_nonce": c.Nonce,
		"oauth_timestamp": c.Timestamp, "oauth_signature_method": "HMAC-SHA256", "oauth_version": "1.0",
	}
}

func TestTBABaseStringsAndSignaturesMatchOracle(t *testing.T) {
	v := loadVectors(t)
	ran := 0
	for _, vec := range v.Vectors {
		if vec.URL == "" {
			continue // the SOAP TokenPassport vector signs no URL
		}
		t.Run(vec.Name, func(t *testing.T) {
			u, err := url.Parse(vec.URL)
			if err != nil {
				t.Fatal(err)
			}
			base := baseString(vec.Method, u.Scheme+"://"+u.Host+u.EscapedPath(), u.Query(), v.oauth())
			if vec.BaseString != "" && base != vec.BaseString {
				t.Errorf("base string\n got %s\nwant %s", base, vec.BaseString)
			}
			if sig := signHMACSHA256(base, v.Credentials.ConsumerSecret, v.Credentials.TokenSecret); sig != vec.Signature {
				t.Errorf("signature %s, want %s", sig, vec.Signature)
			}
		})
		ran++
	}
	if ran < 6 {
		t.Fatalf("only %d vectors ran", ran)
	}
	for fixture, rawURL := range map[string]string{
		"oracle-tba-rest-base-string.example.txt":    "GET https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40",
		"oracle-tba-restlet-base-string.example.txt": "POST https://123456.restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=6&deploy=1&customParam=someValue&testParam=someOtherValue",
	} {
		method, raw, _ := strings.Cut(rawURL, " ")
		u, _ := url.Parse(raw)
		got := baseString(method, u.Scheme+"://"+u.Host+u.EscapedPath(), u.Query(), v.oauth())
		if want := strings.TrimSpace(readFixture(t, fixture)); got != want {
			t.Errorf("%s\n got %s\nwant %s", fixture, got, want)
		}
	}
}

// oracleAccount is a sandbox set up with Oracle's example account and
// credentials, its clock at the example's timestamp.
func oracleAccount(t *testing.T, v oracleVectors, clock *fixedClock) *Server {
	t.Helper()
	c := v.Credentials
	srv, err := New(Config{AccountID: "123456", ConsumerKey: c.ConsumerKey, ConsumerSecret: c.ConsumerSecret,
		TokenID: c.TokenID, TokenSecret: c.TokenSecret, Clock: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// TestTBAAcceptsOraclesPublishedHeader sends Oracle's example request with
// its published Authorization header: authentication passes (employee 40
// does not exist, so 404), and replaying it is refused.
func TestTBAAcceptsOraclesPublishedHeader(t *testing.T) {
	v := loadVectors(t)
	clock := newFixedClock(time.Unix(1508242306, 0))
	srv := oracleAccount(t, v, clock)
	header := strings.TrimPrefix(strings.TrimSpace(readFixture(t, "oracle-tba-rest-authorization-header.example.txt")), "Authorization: ")

	send := func() *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "https://123456.suitetalk.api.netsuite.com/services/rest/record/v1/employee/40", nil)
		r.Header.Set("Authorization", header)
		w := httptest.NewRecorder()
		srv.Handler().ServeHTTP(w, r)
		return w
	}
	if w := send(); w.Code != http.StatusNotFound {
		t.Fatalf("Oracle's header: %d %s, want 404 (authenticated, no such employee)", w.Code, w.Body)
	}
	w := send()
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("replayed header: %d, want 401", w.Code)
	}
	assertInvalidLoginBody(t, w.Body.String())
}

// assertInvalidLoginBody compares a 401 body with Oracle's published one.
func assertInvalidLoginBody(t *testing.T, body string) {
	t.Helper()
	var got, want map[string]any
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatalf("401 body is not JSON: %v", err)
	}
	if err := json.Unmarshal([]byte(readFixture(t, "oracle-rest-error-401-invalid-login.json")), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("401 body\n got %v\nwant %v", got, want)
	}
}

func TestTBARefusals(t *testing.T) {
	a := newTestAccount(t, Config{})
	path := recordPath + "customer/102"
	sign := func(mutate func(cfg *Config, method, u *string, ts *int64)) string {
		cfg, method, u, ts := a.cfg, http.MethodGet, a.ts.URL+path, a.now().Unix()
		mutate(&cfg, &method, &u, &ts)
		return tbaHeader(cfg, method, u, a.nonce(), ts)
	}
	tests := []struct {
		name   string
		header string
	}{
		{"wrong consumer secret", sign(func(c *Config, _, _ *string, _ *int64) { c.ConsumerSecret = "nope" })},
		{"wrong token secret", sign(func(c *Config, _, _ *string, _ *int64) { c.TokenSecret = "nope" })},
		{"signed for another path", sign(func(_ *Config, _, u *string, _ *int64) { *u = a.ts.URL + recordPath + "customer/103" })},
		{"signed for another method", sign(func(_ *Config, m, _ *string, _ *int64) { *m = http.MethodDelete })},
		{"signed without the query", sign(func(_ *Config, _, u *string, _ *int64) {})},
		{"stale timestamp", sign(func(_ *Config, _, _ *string, ts *int64) { *ts -= int64((6 * time.Minute).Seconds()) })},
		{"future timestamp", sign(func(_ *Config, _, _ *string, ts *int64) { *ts += int64((6 * time.Minute).Seconds()) })},
		{"wrong realm", sign(func(c *Config, _, _ *string, _ *int64) { c.AccountID = "1234567" })},
		{"lower-case realm", sign(func(c *Config, _, _ *string, _ *int64) { c.AccountID = "1234567_sb1" })},
		{"unknown token", sign(func(c *Config, _, _ *string, _ *int64) { c.TokenID = "other" })},
		{"HMAC-SHA1", strings.Replace(sign(func(*Config, *string, *string, *int64) {}), "HMAC-SHA256", "HMAC-SHA1", 1)},
		{"no header", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := a.ts.URL + path
			if tt.name == "signed without the query" {
				target += "?expandSubResources=true"
			}
			req, _ := http.NewRequest(http.MethodGet, target, nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			res := a.send(req)
			if res.status != http.StatusUnauthorized || errorCode(res.body) != codeInvalidLogin {
				t.Fatalf("%d %s, want 401 INVALID_LOGIN", res.status, res.raw)
			}
			assertInvalidLoginBody(t, res.raw)
		})
	}
	if got := a.srv.Stats().AuthFailures; got != len(tests) {
		t.Errorf("AuthFailures = %d, want %d", got, len(tests))
	}
}

func TestTBAReusedNonceIsRefused(t *testing.T) {
	a := newTestAccount(t, Config{})
	header := tbaHeader(a.cfg, http.MethodGet, a.ts.URL+recordPath+"customer/102", "fixed-nonce-0001", a.now().Unix())
	for i, want := range []int{http.StatusOK, http.StatusUnauthorized} {
		req, _ := http.NewRequest(http.MethodGet, a.ts.URL+recordPath+"customer/102", nil)
		req.Header.Set("Authorization", header)
		if res := a.send(req); res.status != want {
			t.Errorf("use %d: %d, want %d", i+1, res.status, want)
		}
	}
}

// TestTBAUnderAMountPrefix signs the URL the client used, including the
// /sandbox/netsuite prefix that http.StripPrefix removes.
func TestTBAUnderAMountPrefix(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle("/sandbox/netsuite/", http.StripPrefix("/sandbox/netsuite", srv.Handler()))
	ts := httptest.NewServer(mux)
	defer ts.Close()
	cfg := Config{}.withDefaults()

	for _, tc := range []struct {
		signed string
		want   int
	}{
		{ts.URL + "/sandbox/netsuite" + recordPath + "customer/102", http.StatusOK},
		{ts.URL + recordPath + "customer/102", http.StatusUnauthorized},
	} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/sandbox/netsuite"+recordPath+"customer/102", nil)
		req.Header.Set("Authorization", tbaHeader(cfg, http.MethodGet, tc.signed, "mount-"+tc.signed[len(tc.signed)-10:], time.Now().Unix()))
		res, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("signed %s: %d, want %d", tc.signed, res.StatusCode, tc.want)
		}
		if tc.want == http.StatusOK {
			if self := at(body, "links", 0, "href"); self != ts.URL+"/sandbox/netsuite"+recordPath+"customer/102" {
				t.Errorf("self link %v does not keep the mount prefix", self)
			}
		}
	}
}
