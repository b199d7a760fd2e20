package netsuite

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sync"
	"time"
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
	alg      jwsAlgorithm
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

// assertion is the signed JWT NetSuite verifies with the mapped certificate.
func (a *m2mAuth) assertion(now time.Time) (string, error) {
	header := struct {
		Typ string `json:"typ"`
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}{"JWT", a.alg.name, a.cfg.CertificateID}
	claims := struct {
		Iss   string   `json:"iss"`
		Scope []string `json:"scope"`
		Aud   string   `json:"aud"`
		Iat   int64    `json:"iat"`
		Exp   int64    `json:"exp"`
		Jti   string   `json:"jti"`
	}{a.cfg.ClientID, a.cfg.Scopes, a.tokenURL, now.Unix(), now.Add(assertionLifetime).Unix(), rand.Text()}
	h, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	c, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signingInput := b64(h) + "." + b64(c)
	sig, err := a.alg.sign(a.cfg.PrivateKey, []byte(signingInput))
	if err != nil {
		return "", fmt.Errorf("signing the client assertion: %w", err)
	}
	return signingInput + "." + b64(sig), nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// jwsAlgorithm is a JWS signature algorithm NetSuite accepts (no RS256).
type jwsAlgorithm struct {
	name    string
	hash    crypto.Hash
	pss     bool // RSASSA-PSS, salt length = hash length (RFC 7518 §3.5)
	ecBytes int  // ECDSA: bytes of r and of s in the signature
}

// algorithmFor picks the algorithm from the key: any crypto.Signer works,
// so the key may live in a KMS or HSM.
func algorithmFor(key crypto.Signer) (jwsAlgorithm, error) {
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		return jwsAlgorithm{name: "PS256", hash: crypto.SHA256, pss: true}, nil
	case *ecdsa.PublicKey:
		switch pub.Curve {
		case elliptic.P256():
			return jwsAlgorithm{name: "ES256", hash: crypto.SHA256, ecBytes: 32}, nil
		case elliptic.P384():
			return jwsAlgorithm{name: "ES384", hash: crypto.SHA384, ecBytes: 48}, nil
		case elliptic.P521():
			return jwsAlgorithm{name: "ES512", hash: crypto.SHA512, ecBytes: 66}, nil
		}
	}
	return jwsAlgorithm{}, fmt.Errorf("netsuite: Config.M2M.PrivateKey: %T is not an RSA or ECDSA P-256/P-384/P-521 key", key.Public())
}

func (alg jwsAlgorithm) sign(key crypto.Signer, input []byte) ([]byte, error) {
	h := alg.hash.New()
	h.Write(input)
	digest := h.Sum(nil)
	var opts crypto.SignerOpts = alg.hash
	if alg.pss {
		opts = &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash, Hash: alg.hash}
	}
	sig, err := key.Sign(rand.Reader, digest, opts)
	if err != nil || alg.ecBytes == 0 {
		return sig, err
	}
	// crypto.Signer gives ECDSA as ASN.1 DER; JWS wants r || s, fixed width.
	var rs struct{ R, S *big.Int }
	if _, err := asn1.Unmarshal(sig, &rs); err != nil {
		return nil, fmt.Errorf("decoding the ECDSA signature: %w", err)
	}
	out := make([]byte, 2*alg.ecBytes)
	rs.R.FillBytes(out[:alg.ecBytes])
	rs.S.FillBytes(out[alg.ecBytes:])
	return out, nil
}
