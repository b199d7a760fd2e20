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
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// OAuth 2.0 client credentials (Oracle section_162755359851, section_162790605110).
const (
	tokenPath           = "/services/rest/auth/oauth2/v1/token"
	clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	defaultScope        = "rest_webservices"
	// assertionLifetime is exp - iat of the client assertion; NetSuite
	// accepts at most 60 minutes.
	assertionLifetime = time.Hour
	// tokenRefreshMargin: a cached access token is replaced this long
	// before expires_in runs out (at most half its lifetime).
	tokenRefreshMargin = time.Minute
)

// m2mAuth exchanges a signed JWT for an access token and caches it until
// shortly before it expires; one token request runs at a time.
type m2mAuth struct {
	cfg      M2MConfig
	alg      jwt.SigningMethod
	tokenURL string
	client   *Client // sends the token request, without a Limiter slot

	refreshing chan struct{} // holds one token while a token request runs
	mu         sync.Mutex
	token      string
	expires    time.Time
}

func newM2M(cfg M2MConfig, tokenURL string, c *Client) (*m2mAuth, error) {
	alg, err := algorithmFor(cfg.PrivateKey)
	if err != nil {
		return nil, err
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{defaultScope}
	}
	return &m2mAuth{cfg: cfg, alg: alg, tokenURL: tokenURL, client: c, refreshing: make(chan struct{}, 1)}, nil
}

func (cfg *M2MConfig) validate() error {
	switch {
	case cfg.ClientID == "":
		return errors.New("netsuite: Config.M2M.ClientID is required")
	case cfg.CertificateID == "":
		return errors.New("netsuite: Config.M2M.CertificateID is required")
	case cfg.PrivateKey == nil:
		return errors.New("netsuite: Config.M2M.PrivateKey is required")
	}
	_, err := algorithmFor(cfg.PrivateKey)
	return err
}

func (a *m2mAuth) prepare(ctx context.Context) (func(method, url string) (string, error), error) {
	token, err := a.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	header := "Bearer " + token
	return func(string, string) (string, error) { return header, nil }, nil
}

// rejected drops the cached token if it is the one NetSuite refused (a
// concurrent caller may already have replaced it).
func (a *m2mAuth) rejected(authorization string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if "Bearer "+a.token == authorization {
		a.token = ""
	}
}

func (a *m2mAuth) cached() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token == "" || !time.Now().Before(a.expires) {
		return ""
	}
	return a.token
}

func (a *m2mAuth) accessToken(ctx context.Context) (string, error) {
	if token := a.cached(); token != "" {
		return token, nil
	}
	select {
	case a.refreshing <- struct{}{}:
		defer func() { <-a.refreshing }()
	case <-ctx.Done():
		return "", fmt.Errorf("netsuite: waiting for an access token: %w", ctx.Err())
	}
	if token := a.cached(); token != "" { // fetched while we waited
		return token, nil
	}
	token, lifetime, err := a.requestToken(ctx)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	a.token = token
	a.expires = time.Now().Add(lifetime - min(tokenRefreshMargin, lifetime/2))
	a.mu.Unlock()
	a.client.log.DebugContext(ctx, "netsuite access token obtained", "expires_in", lifetime)
	return token, nil
}

// tokenResponse is the token endpoint's answer; expires_in is a number of
// seconds (3600 in Oracle's sample).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	TokenType   string `json:"token_type"`
}

func (a *m2mAuth) requestToken(ctx context.Context) (string, time.Duration, error) {
	const op = "request access token"
	assertion, err := a.assertion(time.Now())
	if err != nil {
		return "", 0, fmt.Errorf("netsuite: %s: %w", op, err)
	}
	ctx, cancel := context.WithTimeout(ctx, a.client.timeout)
	defer cancel()
	resp, err := a.client.http.R().SetContext(ctx).
		SetHeader("Accept", "application/json").
		SetFormData(map[string]string{
			"grant_type":            "client_credentials",
			"client_assertion_type": clientAssertionType,
			"client_assertion":      assertion,
		}).
		Post(a.tokenURL)
	if err != nil {
		return "", 0, fmt.Errorf("netsuite: %s: %w", op, err)
	}
	if !resp.IsSuccess() {
		return "", 0, parseAPIError(op, resp.StatusCode(), resp.Header().Get("WWW-Authenticate"), resp.Body())
	}
	var tr tokenResponse
	if err := json.Unmarshal(resp.Body(), &tr); err != nil || tr.AccessToken == "" {
		return "", 0, fmt.Errorf("netsuite: %s: answer without an access_token (%d bytes)", op, len(resp.Body()))
	}
	lifetime := time.Duration(tr.ExpiresIn) * time.Second
	if lifetime <= 0 {
		lifetime = assertionLifetime // NetSuite's documented token lifetime
	}
	return tr.AccessToken, lifetime, nil
}

// assertion is the signed JWT NetSuite verifies with the mapped
// certificate: header typ JWT, alg, kid = certificate id; claims iss,
// scope (an array, as in Oracle's sample), aud = the token URL, iat, exp,
// jti.
func (a *m2mAuth) assertion(now time.Time) (string, error) {
	t := jwt.NewWithClaims(a.alg, jwt.MapClaims{
		"iss":   a.cfg.ClientID,
		"scope": a.cfg.Scopes,
		"aud":   a.tokenURL,
		"iat":   now.Unix(),
		"exp":   now.Add(assertionLifetime).Unix(),
		"jti":   rand.Text(),
	})
	t.Header["kid"] = a.cfg.CertificateID
	signed, err := t.SignedString(a.cfg.PrivateKey)
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return signed, nil
}

// algorithmFor picks the JWS algorithm NetSuite accepts (no RS256) for the
// key. golang-jwt signs with an *rsa.PrivateKey or *ecdsa.PrivateKey only:
// a key kept in a KMS or HSM would need its own jwt.SigningMethod.
func algorithmFor(key crypto.Signer) (jwt.SigningMethod, error) {
	switch k := key.(type) {
	case *rsa.PrivateKey:
		return jwt.SigningMethodPS256, nil
	case *ecdsa.PrivateKey:
		switch k.Curve {
		case elliptic.P256():
			return jwt.SigningMethodES256, nil
		case elliptic.P384():
			return jwt.SigningMethodES384, nil
		case elliptic.P521():
			return jwt.SigningMethodES512, nil
		}
	}
	return nil, fmt.Errorf("netsuite: Config.M2M.PrivateKey: %T is not an RSA or ECDSA P-256/P-384/P-521 private key", key)
}
