package salesforce

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Real response bytes, as Salesforce sends them (REST API developer guide
// and captured responses; see ../../../shared/reference/salesforce.md §3).
const (
	bodyInvalidSession = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
	bodyNotFound       = `[{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]`
	bodyLockRow        = `[{"message":"unable to obtain exclusive access to this record or 1 records: 0035c00002ZxUaBAAV","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`
	bodyRequiredField  = `[{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]}]`
	bodyDailyLimit     = `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
	bodyConcurrent     = `[{"message":"ConcurrentRequests (Concurrent API Requests) Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
	bodyEntityDeleted  = `[{"message":"entity is deleted","errorCode":"ENTITY_IS_DELETED","fields":[]}]`
	bodyServerDown     = `[{"message":"Server temporarily unavailable","errorCode":"SERVER_UNAVAILABLE"}]`
	bodyMalformedQuery = `[{"message":"unexpected token: FORM","errorCode":"MALFORMED_QUERY"}]`

	oauthInvalidClient = `{"error":"invalid_client","error_description":"invalid client credentials"}`
	oauthUnknownClient = `{"error":"invalid_client_id","error_description":"client identifier invalid"}`
	oauthAuthFailure   = `{"error_description":"authentication failure","error":"invalid_grant"}`
	oauthWrongDomain   = `{"error":"invalid_grant","error_description":"request not supported on this domain"}`
	oauthBadAssertion  = `{"error":"invalid_grant","error_description":"invalid assertion"}`

	testClientID     = "3MVG9fMtCkV6eLhdTestConsumerKey0000000000000000000000000000000000"
	testClientSecret = "7A1E5D0C9B8F2A3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F7081920A1B"
	testUsername     = "integration@tandem.example"
)

// fakeOrg is a Salesforce org over httptest: the OAuth token endpoint and a
// REST API whose answers each test supplies. It checks credentials and
// bearer tokens as Salesforce does and records every request.
type fakeOrg struct {
	t   *testing.T
	srv *httptest.Server
	key *rsa.PrivateKey // its public half verifies JWT assertions

	// tokenReply, when set, answers token requests instead of issuing tokens.
	tokenReply func(w http.ResponseWriter)
	// api answers authorised API requests; the default is 404 NOT_FOUND.
	api http.HandlerFunc

	mu         sync.Mutex
	valid      map[string]bool // access tokens the API accepts
	issued     []string        // every access token issued
	assertions []string        // JWT assertions received
	jwtHeaders []map[string]any
	jwtClaims  []jwt.MapClaims
	tokenForms []map[string][]string
	requests   []*http.Request // every request, token ones included
	apiCalls   int             // authorised API requests
	usage      int
}

// orgKey is the connected app's key pair, made once: RSA key generation is slow.
var orgKey = sync.OnceValue(func() *rsa.PrivateKey {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return key
})

func newFakeOrg(t *testing.T) *fakeOrg {
	t.Helper()
	org := &fakeOrg{t: t, key: orgKey(), valid: map[string]bool{}}
	org.api = func(w http.ResponseWriter, _ *http.Request) { writeBody(w, http.StatusNotFound, bodyNotFound) }
	org.srv = httptest.NewServer(http.HandlerFunc(org.serve))
	t.Cleanup(org.srv.Close)
	return org
}

func (o *fakeOrg) serve(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	o.requests = append(o.requests, r.Clone(r.Context()))
	o.mu.Unlock()
	if r.URL.Path == tokenPath {
		o.serveToken(w, r)
		return
	}
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	o.mu.Lock()
	ok := o.valid[bearer]
	if ok {
		o.apiCalls++
		o.usage++
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/15000", o.usage))
	}
	o.mu.Unlock()
	if !ok {
		w.Header().Set("WWW-Authenticate", "Token")
		writeBody(w, http.StatusUnauthorized, bodyInvalidSession)
		return
	}
	o.api(w, r)
}

// serveToken is POST /services/oauth2/token for both grants.
func (o *fakeOrg) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		writeBody(w, http.StatusBadRequest, `{"error":"invalid_request","error_description":"must use HTTP POST"}`)
		return
	}
	o.mu.Lock()
	o.tokenForms = append(o.tokenForms, r.PostForm)
	o.mu.Unlock()
	if o.tokenReply != nil {
		o.tokenReply(w)
		return
	}
	var refusal string
	switch r.PostForm.Get("grant_type") {
	case grantClientCredentials:
		switch {
		case r.PostForm.Get("client_id") != testClientID:
			refusal = oauthUnknownClient
		case r.PostForm.Get("client_secret") != testClientSecret:
			refusal = oauthInvalidClient
		}
	case grantJWTBearer:
		refusal = o.checkAssertion(r.PostForm.Get("assertion"))
	default:
		refusal = `{"error":"unsupported_grant_type","error_description":"grant type not supported"}`
	}
	if refusal != "" {
		writeBody(w, http.StatusBadRequest, refusal)
		return
	}
	writeBody(w, http.StatusOK, o.issueToken())
}

// checkAssertion verifies the JWT's RS256 signature with the public key and
// records its header and claims for the test to inspect.
func (o *fakeOrg) checkAssertion(assertion string) (refusal string) {
	parsed, err := jwt.Parse(assertion, func(*jwt.Token) (any, error) { return &o.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired())
	o.mu.Lock()
	defer o.mu.Unlock()
	o.assertions = append(o.assertions, assertion)
	if err != nil {
		o.t.Logf("assertion refused: %v", err)
		return oauthBadAssertion
	}
	o.jwtHeaders = append(o.jwtHeaders, parsed.Header)
	o.jwtClaims = append(o.jwtClaims, parsed.Claims.(jwt.MapClaims))
	return ""
}

// issueToken answers like the client credentials sample in Salesforce's
// help ("Sample Request and Response for Access Token").
func (o *fakeOrg) issueToken() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	access := fmt.Sprintf("00D5g00000LMVtf!AQ0AQ%dKj8Fz.qnT3xWq1w_DPsfHtE8ZcV9rTbW2yLkE", len(o.issued)+1)
	o.issued = append(o.issued, access)
	o.valid[access] = true
	body, _ := json.Marshal(map[string]string{
		"access_token": access,
		"signature":    "5sg5lSXtYVOHbxiH/8dYyvGT1TMIBuYHTSGtFMg8eLk=",
		"scope":        "api",
		"instance_url": o.srv.URL,
		"id":           "https://login.salesforce.com/id/00D5g00000LMVtfEAH/0055g00000EdHvNAAV",
		"token_type":   "Bearer",
		"issued_at":    "1701095458163",
	})
	return string(body)
}

// expireSessions makes the API refuse every token issued so far.
func (o *fakeOrg) expireSessions() {
	o.mu.Lock()
	defer o.mu.Unlock()
	clear(o.valid)
}

func (o *fakeOrg) tokenRequests() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.tokenForms)
}

// tokenForm is the form of token request i.
func (o *fakeOrg) tokenForm(i int) map[string][]string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tokenForms[i]
}

// assertion is the header and claims of JWT assertion i.
func (o *fakeOrg) assertion(i int) (map[string]any, jwt.MapClaims) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.jwtHeaders[i], o.jwtClaims[i]
}

// issuedToken is access token i.
func (o *fakeOrg) issuedToken(i int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.issued[i]
}

func (o *fakeOrg) apiRequests() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.apiCalls
}

func (o *fakeOrg) allRequests() []*http.Request {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]*http.Request(nil), o.requests...)
}

// config is a client credentials Config for this org.
func (o *fakeOrg) config() Config {
	return Config{LoginURL: o.srv.URL, ClientID: testClientID, ClientSecret: testClientSecret}
}

// client returns a client for this org with fast in-place retries; edit
// adjusts its Config first.
func (o *fakeOrg) client(edit func(*Config)) *Client {
	o.t.Helper()
	cfg := o.config()
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		o.t.Fatal(err)
	}
	c.backoff.Base = time.Millisecond
	return c
}

// writeBody answers with Salesforce's JSON content type.
func writeBody(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// readBody decodes a JSON request body.
func readBody(t *testing.T, r *http.Request) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		t.Errorf("request body: %v", err)
	}
	return m
}
