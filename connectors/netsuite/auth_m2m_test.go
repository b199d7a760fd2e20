package netsuite

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/tandem-sync/tandem/connectors"
	"github.com/tandem-sync/tandem/internal/testfixtures"
)

const (
	testClientID      = "1c343a716c1dceb60e7fc149fa6735929ef77d28fe16293f892976dde7d8e3e2"
	testCertificateID = "HRril7VwkkW2y0wAzFR9GKk1LVTHSZPeq5EeWT2Fgks"
)

// m2mServer is a fake NetSuite that issues access tokens the way the
// token endpoint does, checking each client assertion with the public key
// (golang-jwt, independent of the client's signing code), and serves the
// record API to holders of a valid token.
type m2mServer struct {
	*fakeNS
	pub     crypto.PublicKey
	alg     string
	limiter *countingLimiter // optional: records slots held during token requests

	tokenMu    sync.Mutex
	firstToken []byte // Oracle's token response, served verbatim first
	issued     []string
	rejected   map[string]bool
	rejectAll  bool
	problems   []string
	tokenCalls int
}

func newM2MServer(t *testing.T, key crypto.Signer, alg string) *m2mServer {
	s := &m2mServer{pub: key.Public(), alg: alg, rejected: map[string]bool{},
		firstToken: testfixtures.Read(t, "netsuite", "oracle-oauth2-client-credentials.token-response.json")}
	record := []byte(`{"links":[],"id":"107","companyName":"Tandem"}`)
	s.fakeNS = newFakeNS(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == tokenPath {
			s.token(w, r)
			return
		}
		if s.limiter != nil {
			s.limiter.check()
		}
		if !s.valid(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) {
			answer(w, http.StatusUnauthorized, typeError, s.invalidLogin)
			return
		}
		if r.Method == http.MethodGet {
			answer(w, 200, typeSingular, record)
			return
		}
		created(w, r, "customer", "107")
	})
	return s
}

func (s *m2mServer) valid(token string) bool {
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	return !s.rejectAll && !s.rejected[token] && slices.Contains(s.issued, token)
}

func (s *m2mServer) token(w http.ResponseWriter, r *http.Request) {
	if s.limiter != nil {
		s.limiter.check()
	}
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	s.tokenCalls++
	if problem := s.checkTokenRequest(r); problem != "" {
		s.problems = append(s.problems, problem)
		answer(w, 400, "application/json", []byte(`{"error":"invalid_request"}`))
		return
	}
	body := s.firstToken
	if len(s.issued) > 0 {
		var v map[string]any
		json.Unmarshal(s.firstToken, &v)
		v["access_token"] = fmt.Sprintf("%s.%d", v["access_token"], len(s.issued))
		body, _ = json.Marshal(v)
	}
	var tr tokenResponse
	json.Unmarshal(body, &tr)
	s.issued = append(s.issued, tr.AccessToken)
	answer(w, 200, "application/json;charset=utf-8", body)
}

// checkTokenRequest verifies the form and the assertion; "" when valid.
func (s *m2mServer) checkTokenRequest(r *http.Request) string {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return "not a form POST: " + r.Method + " " + r.Header.Get("Content-Type")
	}
	if r.Header.Get("Authorization") != "" {
		return "the token request carried an Authorization header"
	}
	if err := r.ParseForm(); err != nil {
		return err.Error()
	}
	if r.PostForm.Get("grant_type") != "client_credentials" || r.PostForm.Get("client_assertion_type") != clientAssertionType {
		return "form " + r.PostForm.Encode()
	}
	aud := "http://" + r.Host + tokenPath
	tok, err := jwt.Parse(r.PostForm.Get("client_assertion"), func(*jwt.Token) (any, error) { return s.pub, nil },
		jwt.WithValidMethods([]string{s.alg}), jwt.WithAudience(aud), jwt.WithIssuer(testClientID),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	if err != nil {
		return "assertion: " + err.Error()
	}
	claims := tok.Claims.(jwt.MapClaims)
	iat, _ := claims["iat"].(float64)
	exp, _ := claims["exp"].(float64)
	jti, _ := claims["jti"].(string)
	switch {
	case tok.Header["typ"] != "JWT" || tok.Header["kid"] != testCertificateID:
		return fmt.Sprintf("assertion header %v", tok.Header)
	case claims["aud"] != aud: // a string, as in Oracle's sample
		return fmt.Sprintf("aud %v", claims["aud"])
	case !reflect.DeepEqual(claims["scope"], []any{"rest_webservices"}):
		return fmt.Sprintf("scope %v", claims["scope"])
	case exp-iat != 3600 || jti == "":
		return fmt.Sprintf("iat %v exp %v jti %q", iat, exp, jti)
	}
	return ""
}

func (s *m2mServer) client(key crypto.Signer, mutate ...func(*Config)) *Client {
	s.t.Helper()
	return newTestClient(s.t, Config{
		AccountID: testAccount,
		BaseURL:   s.srv.URL,
		M2M:       &M2MConfig{ClientID: testClientID, CertificateID: testCertificateID, PrivateKey: key},
	}, mutate)
}

// sampleToken is the access token of Oracle's sample, the first one issued.
func (s *m2mServer) sampleToken() string {
	var tr tokenResponse
	if err := json.Unmarshal(s.firstToken, &tr); err != nil || tr.AccessToken == "" {
		s.t.Fatalf("token fixture: %v", err)
	}
	return tr.AccessToken
}

func (s *m2mServer) counts() (tokenCalls, apiCalls int, problems []string) {
	s.tokenMu.Lock()
	defer s.tokenMu.Unlock()
	api := 0
	for _, r := range s.seen() {
		if r.Path != tokenPath {
			api++
		}
	}
	return s.tokenCalls, api, append([]string(nil), s.problems...)
}

// newES256Server is a token endpoint for a P-256 key, and the key.
func newES256Server(t *testing.T) (*m2mServer, crypto.Signer) {
	key := ecKey(t, elliptic.P256())
	return newM2MServer(t, key, "ES256"), key
}

func ecKey(t *testing.T, curve elliptic.Curve) crypto.Signer {
	k, err := ecdsa.GenerateKey(curve, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestM2MAssertionVerifiesWithThePublicKey(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		alg string
		key crypto.Signer
	}{
		{"ES256", ecKey(t, elliptic.P256())},
		{"PS256", rsaKey},
		{"ES384", ecKey(t, elliptic.P384())},
		{"ES512", ecKey(t, elliptic.P521())},
	}
	for _, tc := range cases {
		t.Run(tc.alg, func(t *testing.T) {
			s := newM2MServer(t, tc.key, tc.alg)
			rec, err := s.client(tc.key).GetRecord(context.Background(), "customer", "107", nil)
			tokens, api, problems := s.counts()
			if err != nil || len(problems) > 0 {
				t.Fatalf("GetRecord: %v; token endpoint found: %v", err, problems)
			}
			if rec.String("companyName") != "Tandem" || tokens != 1 || api != 1 {
				t.Errorf("record %v after %d token and %d API requests", rec, tokens, api)
			}
		})
	}
}

func TestM2MTokenIsCachedAndRequestedOnce(t *testing.T) {
	s, key := newES256Server(t)
	c := s.client(key)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			_, err := c.GetRecord(context.Background(), "customer", "107", nil)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for range 3 {
		if _, err := c.GetRecord(context.Background(), "customer", "107", nil); err != nil {
			t.Fatal(err)
		}
	}
	tokens, api, _ := s.counts()
	if tokens != 1 || api != 11 {
		t.Errorf("%d token requests for %d API requests, want 1 for 11", tokens, api)
	}
	// The token is Oracle's sample, sent as issued.
	if got := s.seen()[len(s.seen())-1].Header.Get("Authorization"); got != "Bearer "+s.sampleToken() {
		t.Errorf("Authorization %q", got)
	}
}

func TestM2MExpiredTokenIsReplaced(t *testing.T) {
	s, key := newES256Server(t)
	c := s.client(key)
	if _, err := c.GetRecord(context.Background(), "customer", "107", nil); err != nil {
		t.Fatal(err)
	}
	m := c.auth.(*m2mAuth)
	m.mu.Lock()
	if left := time.Until(m.expires); left <= 58*time.Minute || left > 59*time.Minute {
		t.Errorf("a 3600 s token is kept for %v, want about 59 minutes", left)
	}
	m.expires = time.Now().Add(-time.Second)
	m.mu.Unlock()
	if _, err := c.GetRecord(context.Background(), "customer", "107", nil); err != nil {
		t.Fatal(err)
	}
	if tokens, _, _ := s.counts(); tokens != 2 {
		t.Errorf("%d token requests, want 2", tokens)
	}
}

// On a 401 the cached token is dropped and one fresh token tried; a
// second 401 is a credentials problem, permanent.
func TestM2M401RefreshesTheToken(t *testing.T) {
	for _, rejectAll := range []bool{false, true} {
		s, key := newES256Server(t)
		s.rejected[s.sampleToken()] = true // revoked after it was issued
		s.rejectAll = rejectAll

		_, err := s.client(key).CreateRecord(context.Background(), "customer", map[string]string{"companyName": "x"})
		var apiErr *APIError
		switch {
		case !rejectAll && err != nil:
			t.Errorf("after one refresh: %v", err)
		case rejectAll && (!errors.As(err, &apiErr) || apiErr.Code() != "INVALID_LOGIN" || !connectors.IsPermanent(err)):
			t.Errorf("401 with every fresh token: %v, want a permanent INVALID_LOGIN", err)
		}
		want := 2 // one refresh, then success
		if rejectAll {
			want = DefaultMaxAttempts // a fresh token each time, then give up
		}
		if tokens, api, _ := s.counts(); tokens != want || api != want {
			t.Errorf("reject all %v: %d token and %d API requests, want %d and %d", rejectAll, tokens, api, want, want)
		}
	}
}

func TestM2MTokenRequestHoldsNoLimiterSlot(t *testing.T) {
	s, key := newES256Server(t)
	s.limiter = &countingLimiter{}
	if _, err := s.client(key, func(c *Config) { c.Limiter = s.limiter }).GetRecord(context.Background(), "customer", "107", nil); err != nil {
		t.Fatal(err)
	}
	s.limiter.mu.Lock()
	defer s.limiter.mu.Unlock()
	if got := s.limiter.inUseAtEachCheck; !reflect.DeepEqual(got, []int{0, 1}) || s.limiter.acquired != 1 || s.limiter.inUse != 0 {
		t.Errorf("slots held at token request, API request = %v; acquired %d", got, s.limiter.acquired)
	}
}

func TestM2MTokenEndpointErrorIsReturned(t *testing.T) {
	s, _ := newES256Server(t)
	wrongKey := ecKey(t, elliptic.P256()) // not the mapped certificate's key
	_, err := s.client(wrongKey).GetRecord(context.Background(), "customer", "107", nil)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.Op != "request access token" || apiErr.Code() != "invalid_request" || !connectors.IsPermanent(err) {
		t.Fatalf("err %v", err)
	}
	if _, api, problems := s.counts(); api != 0 || len(problems) != 1 || !strings.Contains(problems[0], "signature is invalid") {
		t.Errorf("%d API requests without a token; token endpoint found %v", api, problems)
	}
}
