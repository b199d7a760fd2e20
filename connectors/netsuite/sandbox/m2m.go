package sandbox

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// OAuth 2.0 client credentials (M2M), as NetSuite's token endpoint takes them.
const (
	tokenPath           = "/services/rest/auth/oauth2/v1/token"
	grantClientCreds    = "client_credentials"
	assertionTypeJWT    = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	scopeRESTWebService = "rest_webservices"
	minRSABits          = 2048
	accessTokenIssuer   = "https://system.netsuite.com"
)

// assertionAlgs are the JWT algorithms NetSuite accepts; RS256 is not one.
var assertionAlgs = []string{"PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}

// tokenError is an RFC 6749 token endpoint error answer (not a Go error).
type tokenError struct {
	status int
	code   string // invalid_request, invalid_client, invalid_grant, invalid_scope, unsupported_grant_type
	reason string // for the log only
}

func badGrant(format string, args ...any) *tokenError {
	return &tokenError{status: http.StatusBadRequest, code: "invalid_grant", reason: fmt.Sprintf(format, args...)}
}

// m2mIssuer checks client assertions signed with registered certificates
// and issues the bearer tokens API requests then carry.
type m2mIssuer struct {
	clientID string
	clock    func() time.Time
	key      []byte // signs the access tokens this sandbox issues

	mu    sync.RWMutex
	certs map[string]crypto.PublicKey // certificate id (JWT kid) → public key
}

func newM2MIssuer(cfg Config) (*m2mIssuer, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generating the access token key: %w", err)
	}
	return &m2mIssuer{clientID: cfg.M2MClientID, clock: cfg.Clock, key: key, certs: map[string]crypto.PublicKey{}}, nil
}

// register maps a certificate id to its public key, as the M2M setup page does.
func (m *m2mIssuer) register(certID string, pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if c := k.Curve; c != elliptic.P256() && c != elliptic.P384() && c != elliptic.P521() {
			return fmt.Errorf("certificate %s: EC curve %s is not P-256, P-384 or P-521", certID, c.Params().Name)
		}
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return fmt.Errorf("certificate %s: RSA key of %d bits, NetSuite needs at least %d", certID, k.N.BitLen(), minRSABits)
		}
	default:
		return fmt.Errorf("certificate %s: unsupported key type %T", certID, pub)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.certs[certID] = pub
	return nil
}

// exchange answers a token request: the access token, or the error to send.
func (m *m2mIssuer) exchange(r *http.Request, tokenURLs []string) (string, *tokenError) {
	if err := checkTokenForm(r); err != nil {
		return "", err
	}
	claims := jwt.MapClaims{}
	parser := jwt.NewParser(jwt.WithValidMethods(assertionAlgs), jwt.WithTimeFunc(m.clock),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt())
	_, err := parser.ParseWithClaims(r.PostForm.Get("client_assertion"), claims, m.assertionKey)
	if err != nil {
		return "", badGrant("client assertion refused: %v", err)
	}
	if err := m.checkClaims(claims, tokenURLs); err != nil {
		return "", err
	}
	token, err := m.issue()
	if err != nil {
		return "", &tokenError{status: http.StatusInternalServerError, code: "server_error", reason: err.Error()}
	}
	return token, nil
}

func checkTokenForm(r *http.Request) *tokenError {
	invalid := func(reason string) *tokenError {
		return &tokenError{status: http.StatusBadRequest, code: "invalid_request", reason: reason}
	}
	if r.Method != http.MethodPost {
		return invalid("the token endpoint takes POST")
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return invalid("the body is not application/x-www-form-urlencoded")
	}
	if err := r.ParseForm(); err != nil {
		return invalid("unreadable form: " + err.Error())
	}
	switch {
	case r.PostForm.Get("grant_type") != grantClientCreds:
		return &tokenError{status: http.StatusBadRequest, code: "unsupported_grant_type", reason: "grant_type " + r.PostForm.Get("grant_type")}
	case r.PostForm.Get("client_assertion_type") != assertionTypeJWT:
		return invalid("client_assertion_type is not " + assertionTypeJWT)
	case r.PostForm.Get("client_assertion") == "":
		return invalid("no client_assertion")
	}
	return nil
}

// assertionKey is the registered key named by the assertion's kid.
func (m *m2mIssuer) assertionKey(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	m.mu.RLock()
	defer m.mu.RUnlock()
	pub, ok := m.certs[kid]
	if !ok {
		return nil, fmt.Errorf("no certificate with id %q is mapped", kid)
	}
	return pub, nil
}

func (m *m2mIssuer) checkClaims(c jwt.MapClaims, tokenURLs []string) *tokenError {
	if iss, _ := c.GetIssuer(); iss != m.clientID {
		return &tokenError{status: http.StatusUnauthorized, code: "invalid_client", reason: "iss is not the integration's client id"}
	}
	aud, _ := c.GetAudience()
	if !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(tokenURLs, a) }) {
		return badGrant("aud %v is not the token endpoint %v", aud, tokenURLs)
	}
	if !slices.Contains(scopes(c["scope"]), scopeRESTWebService) {
		return &tokenError{status: http.StatusBadRequest, code: "invalid_scope", reason: "scope lacks rest_webservices"}
	}
	iat, _ := c.GetIssuedAt()
	exp, _ := c.GetExpirationTime()
	if iat == nil {
		return badGrant("no iat")
	}
	if exp.Sub(iat.Time) > MaxAssertionLife {
		return badGrant("exp is more than %s after iat", MaxAssertionLife)
	}
	return nil
}

// scopes reads the scope claim: a JSON array or a space/comma separated string.
func scopes(v any) []string {
	switch x := v.(type) {
	case string:
		return strings.FieldsFunc(x, func(r rune) bool { return r == ' ' || r == ',' })
	case []any:
		var out []string
		for _, s := range x {
			if str, ok := s.(string); ok {
				out = append(out, str)
			}
		}
		return out
	}
	return nil
}

// issue signs an access token valid for an hour.
func (m *m2mIssuer) issue() (string, error) {
	now := m.clock()
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", fmt.Errorf("generating a token id: %w", err)
	}
	claims := jwt.MapClaims{
		"iss": accessTokenIssuer, "aud": []string{m.clientID}, "scope": []string{scopeRESTWebService},
		"iat": now.Unix(), "exp": now.Add(AccessTokenLifetime).Unix(), "jti": fmt.Sprintf("%x", jti),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(m.key)
}

// verifyAccessToken checks a bearer token this sandbox issued and that has not expired.
func (m *m2mIssuer) verifyAccessToken(token string) error {
	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithTimeFunc(m.clock), jwt.WithExpirationRequired())
	_, err := parser.Parse(token, func(*jwt.Token) (any, error) { return m.key, nil })
	if err != nil {
		return fmt.Errorf("bearer token refused: %w", err)
	}
	return nil
}

var errNoAuthorization = errors.New("no Authorization header")

// serveToken is POST /services/rest/auth/oauth2/v1/token. No concurrency
// slot, latency or faults: those apply to API requests only.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.stats.request(r.Method + " token")
	r.Body = http.MaxBytesReader(w, r.Body, MaxRequestBody)
	token, terr := s.m2m.exchange(r, s.tokenURLs(r))
	if terr != nil {
		s.stats.add(func(st *Stats) { st.AuthFailures++ })
		s.log.Info("netsuite sandbox: token request refused", "error", terr.code, "reason", terr.reason)
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, terr.status, contentTypeJSON, map[string]any{"error": terr.code})
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, contentTypeJSON, map[string]any{
		"access_token": token, "expires_in": int(AccessTokenLifetime / time.Second), "token_type": "Bearer",
	})
}

// tokenURLs are the audiences a client assertion may name: the token
// endpoint under BaseURL, and the URL this request came in on.
func (s *Server) tokenURLs(r *http.Request) []string {
	scheme, host := requestOrigin(r)
	urls := []string{s.linkBase(r) + tokenPath}
	if direct := scheme + "://" + host + requestPath(r); direct != urls[0] {
		urls = append(urls, direct)
	}
	return urls
}
