package salesforce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/golang-jwt/jwt/v5"
	"github.com/tandem-sync/tandem/connectors"
)

const (
	tokenPath = "/services/oauth2/token"
	// jwtLifetime is the assertion's exp: Salesforce allows a few minutes of clock skew.
	jwtLifetime = 3 * time.Minute

	grantClientCredentials = "client_credentials"
	grantJWTBearer         = "urn:ietf:params:oauth:grant-type:jwt-bearer"
)

// token is an access token and the instance it works against.
type token struct {
	access      string
	instanceURL string
}

// tokenSource caches one token and renews it on demand. Only one token
// request runs at a time; callers arriving meanwhile wait for its result.
type tokenSource struct {
	http     *resty.Client
	tokenURL string
	grant    func() (url.Values, error) // the form of a token request
	flow     string
	timeout  time.Duration
	log      *slog.Logger

	mu      sync.Mutex
	current *token
	pending *tokenFetch
}

// tokenFetch is a token request in flight; done closes when tok or err is set.
type tokenFetch struct {
	done chan struct{}
	tok  *token
	err  error
}

func newTokenSource(cfg Config, rc *resty.Client) *tokenSource {
	s := &tokenSource{
		http:     rc,
		tokenURL: cfg.LoginURL + tokenPath,
		timeout:  cfg.Timeout,
		log:      cfg.Logger,
	}
	if cfg.PrivateKey != nil {
		s.flow, s.grant = "jwt-bearer", jwtBearerGrant(cfg)
	} else {
		s.flow, s.grant = "client-credentials", clientCredentialsGrant(cfg)
	}
	return s
}

func clientCredentialsGrant(cfg Config) func() (url.Values, error) {
	return func() (url.Values, error) {
		return url.Values{
			"grant_type":    {grantClientCredentials},
			"client_id":     {cfg.ClientID},
			"client_secret": {cfg.ClientSecret},
		}, nil
	}
}

// jwtBearerGrant signs a fresh assertion for every token request.
func jwtBearerGrant(cfg Config) func() (url.Values, error) {
	return func() (url.Values, error) {
		assertion, err := jwt.NewWithClaims(jwt.SigningMethodRS256, jwt.MapClaims{
			"iss": cfg.ClientID,
			"sub": cfg.Username,
			"aud": cfg.Audience,
			"exp": time.Now().Add(jwtLifetime).Unix(),
		}).SignedString(cfg.PrivateKey)
		if err != nil {
			return nil, fmt.Errorf("salesforce: token: signing the JWT assertion: %w", err)
		}
		return url.Values{"grant_type": {grantJWTBearer}, "assertion": {assertion}}, nil
	}
}

// get returns the cached token, or waits for a new one.
func (s *tokenSource) get(ctx context.Context) (*token, error) {
	s.mu.Lock()
	if tok := s.current; tok != nil {
		s.mu.Unlock()
		return tok, nil
	}
	f := s.pending
	if f == nil {
		f = &tokenFetch{done: make(chan struct{})}
		s.pending = f
		// Detached from ctx: other callers wait for this fetch too.
		go s.fetch(context.WithoutCancel(ctx), f)
	}
	s.mu.Unlock()
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("salesforce: token: %w", ctx.Err())
	}
}

// invalidate drops stale if it is still the cached token, so that many
// callers failing with the same token cause one renewal.
func (s *tokenSource) invalidate(stale *token) {
	s.mu.Lock()
	if s.current == stale {
		s.current = nil
	}
	s.mu.Unlock()
}

func (s *tokenSource) fetch(ctx context.Context, f *tokenFetch) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	f.tok, f.err = s.request(ctx)
	s.mu.Lock()
	s.pending = nil
	if f.err == nil {
		s.current = f.tok
	}
	s.mu.Unlock()
	close(f.done)
}

func (s *tokenSource) request(ctx context.Context) (*token, error) {
	form, err := s.grant()
	if err != nil {
		return nil, err
	}
	resp, err := s.http.R().SetContext(ctx).SetFormDataFromValues(form).Post(s.tokenURL)
	if err != nil {
		return nil, fmt.Errorf("salesforce: token: %w", err)
	}
	if resp.StatusCode() != http.StatusOK {
		return nil, tokenError(resp.StatusCode(), resp.Header(), resp.Body())
	}
	tok, err := decodeToken(resp.Body())
	if err != nil {
		return nil, err
	}
	s.log.DebugContext(ctx, "salesforce token issued", "flow", s.flow, "instance_url", tok.instanceURL)
	return tok, nil
}

// decodeToken reads a token response:
// {"access_token","instance_url","id","token_type","issued_at","signature",…}.
// Errors never quote the body: it holds the token.
func decodeToken(body []byte) (*token, error) {
	var r struct {
		AccessToken string `json:"access_token"`
		InstanceURL string `json:"instance_url"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("salesforce: token: decoding the token response: %w", err)
	}
	if r.AccessToken == "" || r.InstanceURL == "" {
		return nil, errors.New("salesforce: token: response lacks access_token or instance_url")
	}
	return &token{access: r.AccessToken, instanceURL: strings.TrimRight(r.InstanceURL, "/")}, nil
}

// tokenError reads an OAuth error, {"error":"invalid_grant","error_description":"…"}.
// 4xx are permanent (bad credentials or app setup); 5xx are retryable.
func tokenError(status int, header http.Header, body []byte) error {
	var r struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if json.Unmarshal(body, &r) != nil || r.Error == "" {
		return classifyResponse("token", status, header, body, APIUsage{})
	}
	return &APIError{
		Status:     status,
		Code:       r.Error,
		Message:    r.Description,
		Op:         "token",
		retryAfter: connectors.ParseRetryAfter(header.Get("Retry-After"), time.Now()),
	}
}
