package salesforce

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"github.com/tandem-sync/tandem/internal/testfixtures"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tandem-sync/tandem/connectors"
)

const bodyAccount = `{"attributes":{"type":"Account","url":"/services/data/v62.0/sobjects/Account/001Dn00000ZBr4TIAT"},"Id":"001Dn00000ZBr4TIAT","Name":"Burlington Textiles Corp of America"}`

// answer replies to every API request with status and body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeBody(w, status, body) }
}

func TestClientCredentialsFlow(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusOK, bodyAccount)
	c := org.client(nil)

	rec, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
	if err != nil {
		t.Fatal(err)
	}
	if rec.String("Name") != "Burlington Textiles Corp of America" {
		t.Errorf("record = %v", rec)
	}
	form := org.tokenForm(0)
	for field, want := range map[string]string{"grant_type": "client_credentials", "client_id": testClientID, "client_secret": testClientSecret} {
		if got := form[field]; len(got) != 1 || got[0] != want {
			t.Errorf("token form %s = %v, want %q", field, got, want)
		}
	}
	reqs := org.allRequests()
	if ct := reqs[0].Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("token request Content-Type = %q", ct)
	}
	api := reqs[1]
	if got, want := api.Header.Get("Authorization"), "Bearer "+org.issuedToken(0); got != want {
		t.Errorf("Authorization = %q, want %q", got, want)
	}
	if api.URL.Path != "/services/data/v62.0/sobjects/Account/001Dn00000ZBr4TIAT" {
		t.Errorf("API path = %q", api.URL.Path)
	}
}

func TestJWTBearerFlow(t *testing.T) {
	for _, tc := range []struct {
		name, audience, wantAud string
	}{
		{name: "audience defaults to LoginURL"},
		{name: "explicit audience", audience: "https://test.salesforce.com", wantAud: "https://test.salesforce.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.api = answer(http.StatusOK, bodyAccount)
			c := org.client(func(cfg *Config) {
				cfg.ClientSecret, cfg.PrivateKey, cfg.Username, cfg.Audience = "", org.key, testUsername, tc.audience
			})
			if _, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT"); err != nil {
				t.Fatal(err) // the org refuses assertions whose RS256 signature does not verify
			}
			form := org.tokenForm(0)
			if got := form["grant_type"]; len(got) != 1 || got[0] != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
				t.Errorf("grant_type = %v", got)
			}
			if _, sent := form["client_secret"]; sent {
				t.Error("JWT flow sent a client_secret")
			}
			header, claims := org.assertion(0)
			if alg := header["alg"]; alg != "RS256" {
				t.Errorf("alg = %v", alg)
			}
			wantAud := tc.wantAud
			if wantAud == "" {
				wantAud = org.srv.URL
			}
			for name, want := range map[string]string{"iss": testClientID, "sub": testUsername, "aud": wantAud} {
				if claims[name] != want {
					t.Errorf("claim %s = %v, want %q", name, claims[name], want)
				}
			}
			exp, err := claims.GetExpirationTime()
			if err != nil || exp == nil {
				t.Fatalf("exp: %v", err)
			}
			// exp is "now + 3 minutes" at signing time: never beyond that from now.
			if until := time.Until(exp.Time); until <= 0 || until > jwtLifetime {
				t.Errorf("exp is %s from now, want within (0, %s]", until, jwtLifetime)
			}
		})
	}
}

func TestJWTSignedWithWrongKeyIsRefused(t *testing.T) {
	org := newFakeOrg(t)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	c := org.client(func(cfg *Config) { cfg.ClientSecret, cfg.PrivateKey, cfg.Username = "", other, testUsername })
	_, err = c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "invalid_grant" || apiErr.Message != "invalid assertion" {
		t.Fatalf("err = %v, want the org's invalid_grant", err)
	}
	if !connectors.IsPermanent(err) {
		t.Error("a refused assertion should be permanent")
	}
}

func TestTokenIsCached(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusOK, bodyAccount)
	c := org.client(nil)
	for range 5 {
		if _, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT"); err != nil {
			t.Fatal(err)
		}
	}
	if n := org.tokenRequests(); n != 1 {
		t.Errorf("token requests = %d, want 1", n)
	}
}

func TestWrongCredentials(t *testing.T) {
	for _, tc := range []struct {
		name         string
		edit         func(*Config)
		code, reason string
	}{
		{"unknown client", func(c *Config) { c.ClientID = "3MVG9unknown" }, "invalid_client_id", "client identifier invalid"},
		{"wrong secret", func(c *Config) { c.ClientSecret = "wrong" }, "invalid_client", "invalid client credentials"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newFakeOrg(t)
			_, err := org.client(tc.edit).Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
			want := "salesforce: token: 400 " + tc.code + ": " + tc.reason
			if err == nil || err.Error() != want || !connectors.IsPermanent(err) {
				t.Errorf("err = %v, want permanent %q", err, want)
			}
			if n := org.tokenRequests(); n != 1 {
				t.Errorf("token requests = %d, want 1", n)
			}
		})
	}
}

func TestTokenErrors(t *testing.T) {
	for _, tc := range []struct {
		name          string
		status        int
		body          string
		code, message string
		permanent     bool
	}{
		{"invalid client", 400, oauthInvalidClient, "invalid_client", "invalid client credentials", true},
		{"authentication failure", 400, oauthAuthFailure, "invalid_grant", "authentication failure", true},
		{"not My Domain", 400, oauthWrongDomain, "invalid_grant", "request not supported on this domain", true},
		{"server error", 503, `{"error":"server_error","error_description":"internal server error"}`, "server_error", "internal server error", false},
		{"HTML outage page", 503, "<html><body>Service Unavailable</body></html>", "", "Service Unavailable: <html><body>Service Unavailable</body></html>", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			org := newFakeOrg(t)
			org.tokenReply = func(w http.ResponseWriter) { writeBody(w, tc.status, tc.body) }
			c := org.client(func(cfg *Config) { cfg.MaxAttempts = 1 })

			_, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
			var apiErr *APIError
			if !errors.As(err, &apiErr) {
				t.Fatalf("err = %v, want *APIError", err)
			}
			if apiErr.Op != "token" || apiErr.Status != tc.status || apiErr.Code != tc.code || apiErr.Message != tc.message {
				t.Errorf("err = %+v", apiErr)
			}
			if got := connectors.IsPermanent(err); got != tc.permanent {
				t.Errorf("IsPermanent = %v, want %v", got, tc.permanent)
			}
			if org.apiRequests() != 0 {
				t.Error("an API request was made without a token")
			}
		})
	}
}

func TestFailedTokenRequestIsNotCached(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusOK, bodyAccount)
	org.tokenReply = func(w http.ResponseWriter) { writeBody(w, 503, `{"error":"server_error","error_description":"down"}`) }
	c := org.client(func(cfg *Config) { cfg.MaxAttempts = 1 })
	if _, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT"); err == nil {
		t.Fatal("want an error while the token endpoint is down")
	}
	org.mu.Lock()
	org.tokenReply = nil
	org.mu.Unlock()
	if _, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT"); err != nil {
		t.Fatalf("after the endpoint recovered: %v", err)
	}
}

// The token response captured from a real org decodes to its token and instance.
func TestDecodeRealTokenResponse(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(sharedFixtures(t), "salesforce/rest/oauth-token-response-password-flow-2012.salesforce_ar_sync-vcr.json"))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := decodeToken(body)
	if err != nil {
		t.Fatal(err)
	}
	if tok.instanceURL != "https://na7.salesforce.com" || !strings.HasPrefix(tok.access, "00DA0000000gAcl!") {
		t.Errorf("token = {%q, %q…}", tok.instanceURL, tok.access[:16])
	}
}

func TestSessionRenewedOnceForConcurrentCallers(t *testing.T) {
	org := newFakeOrg(t)
	org.api = answer(http.StatusOK, bodyAccount)
	c := org.client(nil)
	if _, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT"); err != nil {
		t.Fatal(err)
	}
	org.expireSessions()

	const callers = 10
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for range callers {
		wg.Go(func() {
			_, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := org.tokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2 (the first and exactly one renewal)", n)
	}
}

func TestSessionRenewedOnlyOncePerCall(t *testing.T) {
	org := newFakeOrg(t)
	// Every token is refused, as when the user may not use the REST API.
	org.tokenReply = func(w http.ResponseWriter) {
		writeBody(w, http.StatusOK, `{"access_token":"00D5g00000LMVtf!AQ0AQrefused","instance_url":"`+org.srv.URL+`","token_type":"Bearer"}`)
	}
	c := org.client(nil)
	_, err := c.Get(context.Background(), "Account", "001Dn00000ZBr4TIAT")
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 401 || apiErr.Code != CodeInvalidSession {
		t.Fatalf("err = %v, want 401 INVALID_SESSION_ID", err)
	}
	if !connectors.IsPermanent(err) {
		t.Error("a session refused right after renewal should be permanent")
	}
	if n := org.tokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	if n := len(org.allRequests()) - org.tokenRequests(); n != 2 {
		t.Errorf("API requests = %d, want 2", n)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	key := orgKey()
	ok := Config{LoginURL: "https://acme.my.salesforce.com", ClientID: testClientID, ClientSecret: testClientSecret}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // substring of the error; "" for valid
	}{
		{"client credentials", func(*Config) {}, ""},
		{"jwt bearer", func(c *Config) { c.ClientSecret, c.PrivateKey, c.Username = "", key, testUsername }, ""},
		{"no login url", func(c *Config) { c.LoginURL = "" }, "Config.LoginURL is required"},
		{"login url not a url", func(c *Config) { c.LoginURL = "acme.my.salesforce.com" }, "Config.LoginURL"},
		{"no client id", func(c *Config) { c.ClientID = "" }, "Config.ClientID is required"},
		{"no credentials", func(c *Config) { c.ClientSecret = "" }, "Config.ClientSecret (or PrivateKey and Username) is required"},
		{"key without username", func(c *Config) { c.ClientSecret, c.PrivateKey = "", key }, "Config.Username"},
		{"both flows", func(c *Config) { c.PrivateKey, c.Username = key, testUsername }, "not both"},
		{"bad api version", func(c *Config) { c.APIVersion = "v62" }, "Config.APIVersion"},
		{"negative attempts", func(c *Config) { c.MaxAttempts = -1 }, "must not be negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			_, err := New(cfg)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("New: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("New error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// sharedFixtures is ../shared/fixtures beside the module.
func sharedFixtures(t *testing.T) string { return testfixtures.Dir(t) }
