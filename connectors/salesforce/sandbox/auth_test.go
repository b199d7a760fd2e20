package sandbox

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestClientCredentials(t *testing.T) {
	org := startOrg(t, Config{})
	good := url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {DefaultClientSecret}}
	r := org.tokenRequest(t, good)
	var tok map[string]string
	r.json(t, &tok)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	wantID := org.url + "/id/" + org.OrgID() + "/" + org.IntegrationUser().ID
	if tok["instance_url"] != org.url || tok["id"] != wantID || tok["token_type"] != "Bearer" || tok["scope"] == "" {
		t.Fatalf("token response %v", tok)
	}
	if !strings.HasPrefix(tok["access_token"], org.OrgID()[:15]+"!") {
		t.Fatalf("access_token %q does not start with the 15-char org id and '!'", tok["access_token"])
	}
	mac := hmac.New(sha256.New, []byte(DefaultClientSecret))
	mac.Write([]byte(tok["id"] + tok["issued_at"]))
	if tok["signature"] != base64.StdEncoding.EncodeToString(mac.Sum(nil)) {
		t.Fatal("signature is not HMAC-SHA256(secret, id+issued_at)")
	}
	if r := org.call(t, "GET", v+"/limits", tok["access_token"], nil); r.status != http.StatusOK {
		t.Fatalf("token does not work: %d %s", r.status, r.body)
	}

	req, _ := http.NewRequest("POST", org.url+"/services/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
	resp, err := org.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP Basic client authentication: %d", resp.StatusCode)
	}
}

func TestTokenErrors(t *testing.T) {
	org := startOrg(t, Config{})
	tests := []struct {
		name       string
		form       url.Values
		err, descr string
	}{
		{"unknown client", url.Values{"grant_type": {"client_credentials"}, "client_id": {"nope"}, "client_secret": {DefaultClientSecret}}, "invalid_client_id", "client identifier invalid"},
		{"wrong secret", url.Values{"grant_type": {"client_credentials"}, "client_id": {DefaultClientID}, "client_secret": {"wrong"}}, "invalid_client", "invalid client credentials"},
		{"unsupported grant", url.Values{"grant_type": {"password"}}, "unsupported_grant_type", "grant type not supported"},
		{"no grant", url.Values{}, "unsupported_grant_type", "grant type not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := org.tokenRequest(t, tt.form)
			var body map[string]string
			r.json(t, &body)
			if r.status != http.StatusBadRequest || body["error"] != tt.err || body["error_description"] != tt.descr {
				t.Fatalf("got %d %v", r.status, body)
			}
		})
	}
}

func signJWT(t *testing.T, key *rsa.PrivateKey, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJWTBearer(t *testing.T) {
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	org := startOrg(t, Config{Clock: func() time.Time { return now }})
	otherKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(change func(jwt.MapClaims)) jwt.MapClaims {
		c := jwt.MapClaims{"iss": DefaultClientID, "sub": DefaultSalesUsername, "aud": "https://login.salesforce.com", "exp": now.Add(3 * time.Minute).Unix()}
		if change != nil {
			change(c)
		}
		return c
	}
	tests := []struct {
		name      string
		assertion string
		status    int
		err       string
		descr     string
	}{
		{"good", signJWT(t, org.JWTPrivateKey(), claims(nil)), 200, "", ""},
		{"sandbox audience", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["aud"] = "https://test.salesforce.com" })), 200, "", ""},
		{"own URL as audience", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["aud"] = org.url })), 200, "", ""},
		{"expired within skew", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-2 * time.Minute).Unix() })), 200, "", ""},
		{"wrong signature", signJWT(t, otherKey, claims(nil)), 400, "invalid_grant", "invalid assertion"},
		{"garbage", "not.a.jwt", 400, "invalid_grant", "invalid assertion"},
		{"wrong audience", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["aud"] = "https://evil.example" })), 400, "invalid_grant", "audience is invalid"},
		{"expired", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["exp"] = now.Add(-4 * time.Minute).Unix() })), 400, "invalid_grant", "expired authorization code"},
		{"no exp", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { delete(c, "exp") })), 400, "invalid_grant", "invalid assertion"},
		{"unknown issuer", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["iss"] = "someone" })), 400, "invalid_client_id", "client identifier invalid"},
		{"unknown user", signJWT(t, org.JWTPrivateKey(), claims(func(c jwt.MapClaims) { c["sub"] = "nobody@x.example" })), 400, "invalid_grant", "user hasn't approved this consumer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := org.tokenRequest(t, url.Values{"grant_type": {jwtBearerGrant}, "assertion": {tt.assertion}})
			var body map[string]string
			r.json(t, &body)
			if r.status != tt.status || body["error"] != tt.err || body["error_description"] != tt.descr {
				t.Fatalf("got %d %v", r.status, body)
			}
			if tt.status == 200 && body["id"] != org.url+"/id/"+org.OrgID()+"/"+org.SalesUser().ID {
				t.Fatalf("JWT session is not the sub user's: %v", body)
			}
		})
	}
}

const invalidSessionBody = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`

func TestSessionExpiry(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	org := startOrg(t, Config{Clock: clock, TokenTTL: time.Hour})

	expectInvalid := func(t *testing.T, token string) {
		t.Helper()
		r := org.call(t, "GET", v+"/sobjects", token, nil)
		if r.status != http.StatusUnauthorized || string(r.body) != invalidSessionBody {
			t.Fatalf("got %d %s, want 401 %s", r.status, r.body, invalidSessionBody)
		}
	}
	expectInvalid(t, "")
	expectInvalid(t, "00D5e000000TNDM!made.up")

	token := org.login(t)
	advance(50 * time.Minute)
	if r := org.call(t, "GET", v+"/sobjects", token, nil); r.status != http.StatusOK {
		t.Fatalf("fresh session refused: %d", r.status)
	}
	advance(50 * time.Minute) // used 50 minutes ago: still alive (inactivity timeout)
	if r := org.call(t, "GET", v+"/sobjects", token, nil); r.status != http.StatusOK {
		t.Fatalf("session in use timed out: %d", r.status)
	}
	advance(61 * time.Minute)
	expectInvalid(t, token)

	token = org.login(t)
	org.ExpireSessions()
	expectInvalid(t, token)
	if r := org.call(t, "GET", v+"/sobjects", DefaultDemoToken, nil); r.status != http.StatusOK {
		t.Fatalf("demo token after ExpireSessions: %d", r.status)
	}
}

func TestDemoTokenIsTheSalesUser(t *testing.T) {
	org := startOrg(t, Config{})
	r := org.call(t, "GET", "/id/"+org.OrgID()+"/"+org.SalesUser().ID, DefaultDemoToken, nil)
	var id map[string]any
	r.json(t, &id)
	if r.status != http.StatusOK || id["username"] != DefaultSalesUsername || id["user_id"] != org.SalesUser().ID {
		t.Fatalf("identity: %d %v", r.status, id)
	}
}
