package sandbox

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// m2mClient signs client assertions as an integration does.
type m2mClient struct {
	kid    string
	method jwt.SigningMethod
	key    crypto.Signer
}

func (c m2mClient) assertion(t *testing.T, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(c.method, claims)
	tok.Header["kid"] = c.kid
	s, err := tok.SignedString(c.key)
	if err != nil {
		t.Fatalf("signing assertion: %v", err)
	}
	return s
}

func standardClaims(a *testAccount, now time.Time) jwt.MapClaims {
	return jwt.MapClaims{
		"iss": a.cfg.M2MClientID, "aud": a.ts.URL + tokenPath, "scope": []string{"restlets", "rest_webservices"},
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix(), "jti": "abc123",
	}
}

// requestToken posts the client credentials form and decodes the answer.
func requestToken(t *testing.T, a *testAccount, assertion string) (int, map[string]any) {
	t.Helper()
	form := url.Values{
		"grant_type":            {"client_credentials"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
		"client_assertion":      {assertion},
	}
	res, err := a.ts.Client().Post(a.ts.URL+tokenPath, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("token answer is not JSON: %v", err)
	}
	return res.StatusCode, body
}

func bearerGet(t *testing.T, a *testAccount, token string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.ts.URL+recordPath+"customer/102", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return a.send(req)
}

func TestM2MTokenFlow(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []m2mClient{
		{kid: "cert-es256", method: jwt.SigningMethodES256, key: ecKey},
		{kid: "cert-ps256", method: jwt.SigningMethodPS256, key: rsaKey},
	} {
		t.Run(c.method.Alg(), func(t *testing.T) {
			clock := newFixedClock(time.Now())
			a := newTestAccount(t, Config{Clock: clock.Now})
			a.srv.RegisterCertificate(c.kid, c.key.Public())

			status, body := requestToken(t, a, c.assertion(t, standardClaims(a, clock.Now())))
			if status != http.StatusOK || body["token_type"] != "Bearer" || body["expires_in"] != 3600.0 {
				t.Fatalf("token: %d %v", status, body)
			}
			token, _ := body["access_token"].(string)
			if strings.Count(token, ".") != 2 {
				t.Errorf("access token %q is not a JWT", token)
			}
			if res := bearerGet(t, a, token); res.status != http.StatusOK {
				t.Fatalf("GET with bearer: %d %s", res.status, res.raw)
			}
			clock.Advance(59 * time.Minute)
			if res := bearerGet(t, a, token); res.status != http.StatusOK {
				t.Errorf("bearer after 59 minutes: %d", res.status)
			}
			clock.Advance(2 * time.Minute)
			if res := bearerGet(t, a, token); res.status != http.StatusUnauthorized || errorCode(res.body) != codeInvalidLogin {
				t.Errorf("bearer after 61 minutes: %d %s, want 401 INVALID_LOGIN", res.status, res.raw)
			}
		})
	}
}

func TestM2MRefusals(t *testing.T) {
	clock := newFixedClock(time.Now())
	a := newTestAccount(t, Config{Clock: clock.Now})
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	a.srv.RegisterCertificate("ec", ecKey.Public())
	a.srv.RegisterCertificate("rsa", rsaKey.Public())
	es := m2mClient{kid: "ec", method: jwt.SigningMethodES256, key: ecKey}
	now := clock.Now()
	with := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := standardClaims(a, now)
		change(c)
		return c
	}
	otherEC, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)

	tests := []struct {
		name      string
		assertion string
		wantCode  string
	}{
		{"RS256 is not accepted", m2mClient{kid: "rsa", method: jwt.SigningMethodRS256, key: rsaKey}.assertion(t, standardClaims(a, now)), "invalid_grant"},
		{"unknown kid", m2mClient{kid: "nope", method: jwt.SigningMethodES256, key: ecKey}.assertion(t, standardClaims(a, now)), "invalid_grant"},
		{"signed by another key", m2mClient{kid: "ec", method: jwt.SigningMethodES256, key: otherEC}.assertion(t, standardClaims(a, now)), "invalid_grant"},
		{"wrong audience", es.assertion(t, with(func(c jwt.MapClaims) { c["aud"] = "https://other.example/token" })), "invalid_grant"},
		{"expired", es.assertion(t, with(func(c jwt.MapClaims) {
			c["iat"], c["exp"] = now.Add(-2*time.Hour).Unix(), now.Add(-time.Hour).Unix()
		})), "invalid_grant"},
		{"lives over an hour", es.assertion(t, with(func(c jwt.MapClaims) { c["exp"] = now.Add(2 * time.Hour).Unix() })), "invalid_grant"},
		{"no exp", es.assertion(t, with(func(c jwt.MapClaims) { delete(c, "exp") })), "invalid_grant"},
		{"no rest_webservices scope", es.assertion(t, with(func(c jwt.MapClaims) { c["scope"] = "restlets" })), "invalid_scope"},
		{"wrong client id", es.assertion(t, with(func(c jwt.MapClaims) { c["iss"] = "someone-else" })), "invalid_client"},
		{"not a JWT", "garbage", "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := requestToken(t, a, tt.assertion)
			if body["error"] != tt.wantCode || status == http.StatusOK || body["access_token"] != nil {
				t.Errorf("%d %v, want error %s", status, body, tt.wantCode)
			}
		})
	}
	// scope as a space-separated string is fine
	if status, body := requestToken(t, a, es.assertion(t, with(func(c jwt.MapClaims) { c["scope"] = "restlets rest_webservices" }))); status != http.StatusOK {
		t.Errorf("string scope: %d %v", status, body)
	}
	if res := bearerGet(t, a, "not-a-token"); res.status != http.StatusUnauthorized {
		t.Errorf("made-up bearer: %d", res.status)
	}
	// a wrong grant_type and a GET are malformed requests
	res, _ := a.ts.Client().Post(a.ts.URL+tokenPath, "application/x-www-form-urlencoded", strings.NewReader("grant_type=password"))
	var body map[string]any
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || body["error"] != "unsupported_grant_type" {
		t.Errorf("grant_type=password: %d %v", res.StatusCode, body)
	}
}

func TestRegisterCertificateRefusesWeakKeys(t *testing.T) {
	a := newTestAccount(t, Config{})
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	a.srv.RegisterCertificate("weak", weak.Public())
	c := m2mClient{kid: "weak", method: jwt.SigningMethodPS256, key: weak}
	if status, body := requestToken(t, a, c.assertion(t, standardClaims(a, time.Now()))); status == http.StatusOK {
		t.Errorf("1024-bit RSA key accepted: %v", body)
	}
}
