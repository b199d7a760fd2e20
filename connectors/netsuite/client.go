// Package netsuite is Tandem's client for NetSuite's SuiteTalk REST web
// services: the record API (/services/rest/record/v1), SuiteQL
// (/services/rest/query/v1/suiteql) and the governance limits, signed with
// OAuth 2.0 client credentials (M2M) or token-based authentication (TBA).
//
// NetSuite governs concurrent requests, not a request rate, so every
// request holds a slot of Config.Limiter while it runs, and a refused
// request (429) ends as a *connectors.ThrottleError the job waits out.
package netsuite

import (
	"cmp"
	"context"
	"crypto"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tandem-sync/tandem/connectors"
)

// Defaults and limits.
const (
	DefaultTimeout     = 60 * time.Second // per HTTP request
	DefaultMaxAttempts = 3                // in-place attempts of one call

	// MaxSuiteQLPage is the largest SuiteQL page NetSuite returns.
	MaxSuiteQLPage = 1000
)

// Config configures a Client. Zero values mean the defaults noted.
type Config struct {
	// AccountID is the NetSuite account, e.g. "1234567" or "1234567_SB1".
	// TBA signs it as the realm (upper case, underscore); the default host
	// spells it in lower case with a hyphen.
	AccountID string
	// BaseURL defaults to https://<account id, lower case, _ → ->.suitetalk.api.netsuite.com.
	// Oracle advises copying it from Setup > Company > Company Information.
	BaseURL string
	// Exactly one of M2M (OAuth 2.0 client credentials, for new
	// integrations) and TBA (OAuth 1.0a tokens, existing integrations).
	M2M *M2MConfig
	TBA *TBAConfig
	// Timeout bounds one HTTP request. Default DefaultTimeout.
	Timeout time.Duration
	// MaxAttempts bounds the attempts of one call: 429s are always tried
	// again, 5xx and network errors only for idempotent requests.
	// Default DefaultMaxAttempts.
	MaxAttempts int
	// Limiter holds a NetSuite concurrency slot for each HTTP request
	// (not for token requests). Nil admits everything.
	Limiter connectors.Limiter
	// HTTPClient sends the requests; nil means a plain *http.Client. It is
	// copied, never modified.
	HTTPClient *http.Client
	// Logger receives retries and token refreshes, and each request at
	// debug level, with the caller's context (so its correlation id); nil
	// discards them. Secrets and tokens are never logged.
	Logger *slog.Logger
	// Observe, when set, is told of every HTTP attempt (not token
	// requests): its operation, a method and a record type such as
	// "PUT salesOrder" (never an id), the status (0 when no answer came),
	// how long it took and its error. It feeds metrics.
	Observe func(op string, status int, d time.Duration, err error)
}

// M2MConfig is an OAuth 2.0 client credentials (machine-to-machine) setup.
type M2MConfig struct {
	ClientID      string // the integration record's client ID
	CertificateID string // shown after mapping the certificate; sent as the JWT kid
	// PrivateKey signs the client assertion: an *rsa.PrivateKey → PS256;
	// an *ecdsa.PrivateKey on P-256 → ES256, P-384 → ES384, P-521 → ES512.
	PrivateKey crypto.Signer
	Scopes     []string // default ["rest_webservices"]
}

// TBAConfig is a token-based authentication setup.
type TBAConfig struct {
	ConsumerKey, ConsumerSecret, TokenID, TokenSecret string
}

// Client calls one NetSuite account. It is safe for concurrent use.
type Client struct {
	baseURL     string
	http        *resty.Client
	auth        authorizer
	limiter     connectors.Limiter
	timeout     time.Duration
	maxAttempts int
	backoff     connectors.Backoff
	log         *slog.Logger
	observer    func(op string, status int, d time.Duration, err error)
	lastSuccess atomic.Int64 // unix nanoseconds of the last answer to accepted credentials (2xx, most 4xx)
}

// credentialsProven is how long after a 2xx a 401 INVALID_LOGIN that
// survives fresh credentials is still taken for a transient refusal, not a
// credentials problem: under token-based auth NetSuite answers 401 when
// requests pile up (its concurrency governor) and to a nonce the HTTP
// transport replayed on a broken keep-alive connection, with the same body
// as for a wrong secret. Within this window the job waits and tries again
// without counting a failure; past it (or before any success) the 401 is
// permanent, so a revoked token still archives with NetSuite's message.
const credentialsProven = 10 * time.Minute

// authorizer makes the Authorization header of each attempt.
type authorizer interface {
	// prepare does the slow part (an OAuth token request) and returns the
	// function that signs one request just before it is sent.
	prepare(ctx context.Context) (sign func(method, url string) (string, error), err error)
	// rejected is told which Authorization value NetSuite answered 401
	// to, so a cached token is not offered again.
	rejected(authorization string)
}

// New checks cfg and returns a Client; the error names the field at fault.
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	baseURL := strings.TrimRight(cfg.BaseURL, "/")
	if baseURL == "" {
		baseURL = "https://" + strings.ToLower(strings.ReplaceAll(cfg.AccountID, "_", "-")) + ".suitetalk.api.netsuite.com"
	}
	c := &Client{
		baseURL:     baseURL,
		limiter:     cfg.Limiter,
		timeout:     cmp.Or(cfg.Timeout, DefaultTimeout),
		maxAttempts: cmp.Or(cfg.MaxAttempts, DefaultMaxAttempts),
		backoff:     connectors.Backoff{Base: retryBaseDelay, Cap: retryMaxDelay},
		log:         cfg.Logger,
		observer:    cfg.Observe,
	}
	if c.limiter == nil {
		c.limiter = connectors.Unlimited{}
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	c.http = resty.NewWithClient(hc).
		SetLogger(connectors.RestyLogger{Log: c.log}).
		SetHeader("User-Agent", connectors.CallOptionsClient)

	var err error
	if cfg.M2M != nil {
		c.auth, err = newM2M(*cfg.M2M, baseURL+tokenPath, c)
	} else {
		c.auth = newTBA(cfg.AccountID, *cfg.TBA)
	}
	return c, err
}

func (cfg Config) validate() error {
	switch {
	case cfg.AccountID == "":
		return errors.New("netsuite: Config.AccountID is required")
	case !ValidAccountID(cfg.AccountID):
		return fmt.Errorf("netsuite: Config.AccountID %q is not a NetSuite account id", cfg.AccountID)
	case cfg.M2M == nil && cfg.TBA == nil:
		return errors.New("netsuite: Config.M2M or Config.TBA is required")
	case cfg.M2M != nil && cfg.TBA != nil:
		return errors.New("netsuite: Config.M2M and Config.TBA are exclusive: set one")
	case cfg.Timeout < 0:
		return errors.New("netsuite: Config.Timeout must not be negative")
	case cfg.MaxAttempts < 0:
		return errors.New("netsuite: Config.MaxAttempts must not be negative")
	}
	if cfg.BaseURL != "" {
		u, err := url.Parse(cfg.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("netsuite: Config.BaseURL %q is not an absolute http(s) URL", cfg.BaseURL)
		}
	}
	if cfg.M2M != nil {
		return cfg.M2M.validate()
	}
	return cfg.TBA.validate()
}

// In-place retry back-off: exponential from retryBaseDelay, capped at
// retryMaxDelay, with full jitter so workers do not retry in step. A
// request still refused for concurrency after the in-place attempts is
// handed back as a ThrottleError with a wait of throttleMinWait plus up to
// throttleJitter.
const (
	retryBaseDelay  = 250 * time.Millisecond
	retryMaxDelay   = 4 * time.Second
	throttleMinWait = 1 * time.Second
	throttleJitter  = 4 * time.Second
)

// call is one logical request; do may send it several times.
type call struct {
	op         string // for errors and logs: "get customer 107"
	method     string
	path       string     // below the base URL
	query      url.Values // signed with TBA like the path
	header     map[string]string
	body       []byte // JSON, nil for none
	idempotent bool   // safe to send again after a 5xx or a lost answer
}

// sent is the outcome of one attempt that went out.
type sent struct {
	resp  *resty.Response
	authz string        // the Authorization value used, to drop it on a 401
	err   error         // network error or timeout: the answer was lost
	took  time.Duration // from sending to the answer (or its loss)
}

// do sends r until it succeeds or must stop. 429s are tried again in
// place (nothing was applied), 5xx and lost answers only when r is
// idempotent, a 401 with fresh credentials (a new nonce, a new token) up
// to MaxAttempts times: Go's transport re-sends an idempotent request
// whose kept-alive connection broke, and that copy replays the TBA nonce,
// which NetSuite refuses with 401 INVALID_LOGIN. The Limiter slot is
// released before each back-off.
func (c *Client) do(ctx context.Context, r call) (*resty.Response, error) {
	target := c.baseURL + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	reauths := 0
	for attempt := 1; ; {
		s, err := c.send(ctx, r, target)
		if err != nil {
			return nil, err
		}
		if s.err == nil && s.resp.IsSuccess() {
			c.lastSuccess.Store(time.Now().UnixNano())
			c.observe(ctx, r, s, nil)
			return s.resp, nil
		}
		apiErr, fail := s.failure(r.op)
		if apiErr != nil && credentialsAccepted(apiErr.Status) {
			// A 403 or 404 answers a login NetSuite accepted: proof enough,
			// e.g. a least-privilege role refused governanceLimits at start-up.
			c.lastSuccess.Store(time.Now().UnixNano())
		}
		c.observe(ctx, r, s, fail)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("netsuite: %s: %w", r.op, ctx.Err())
		}
		if apiErr != nil && apiErr.Status == http.StatusUnauthorized && reauths < c.maxAttempts-1 {
			reauths++
			c.auth.rejected(s.authz)
			c.log.WarnContext(ctx, "netsuite rejected the credentials, trying again with fresh ones", "op", r.op, "try", reauths, "error", fail)
			continue
		}
		if apiErr != nil && apiErr.Status == http.StatusUnauthorized && c.credentialsWorkedRecently() {
			return nil, &connectors.ThrottleError{System: "netsuite", Reason: "INVALID_LOGIN with credentials that worked minutes ago",
				Wait: throttleMinWait + connectors.Jitter(throttleJitter), Err: fail}
		}
		if attempt >= c.maxAttempts || !retryInPlace(r, apiErr) {
			return nil, giveUp(fail, apiErr)
		}
		delay := c.backoff.Delay(attempt)
		c.log.WarnContext(ctx, "netsuite request failed, trying again", "op", r.op, "attempt", attempt, "delay", delay, "error", fail)
		if err := connectors.Sleep(ctx, delay); err != nil {
			return nil, fmt.Errorf("netsuite: %s: %w", r.op, err)
		}
		attempt++
	}
}

// credentialsAccepted reports whether an error status still means the
// login was accepted: a 4xx other than 401 and 429 (which NetSuite may
// decide before looking at the credentials).
func credentialsAccepted(status int) bool {
	return status >= 400 && status < 500 && status != http.StatusUnauthorized && status != http.StatusTooManyRequests
}

// credentialsWorkedRecently reports whether a request succeeded within
// credentialsProven.
func (c *Client) credentialsWorkedRecently() bool {
	last := c.lastSuccess.Load()
	return last != 0 && time.Since(time.Unix(0, last)) < credentialsProven
}

// send makes one attempt. Slow credential work (an OAuth token request)
// happens before the concurrency slot is taken; the signature after, so a
// wait for the slot never ages it.
func (c *Client) send(ctx context.Context, r call, target string) (sent, error) {
	sign, err := c.auth.prepare(ctx)
	if err != nil {
		return sent{}, err // says it was the token request that failed
	}
	release, err := c.limiter.Acquire(ctx)
	if err != nil {
		return sent{}, fmt.Errorf("netsuite: %s: waiting for a concurrency slot: %w", r.op, err)
	}
	defer release()
	authz, err := sign(r.method, target)
	if err != nil {
		return sent{}, fmt.Errorf("netsuite: %s: signing: %w", r.op, err)
	}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req := c.http.R().SetContext(ctx).
		SetHeader("Accept", "application/json").
		SetHeader("Authorization", authz).
		SetHeaders(r.header)
	if r.body != nil {
		req.SetHeader("Content-Type", "application/json").SetBody(r.body)
	}
	start := time.Now()
	resp, err := req.Execute(r.method, target)
	return sent{resp: resp, authz: authz, err: err, took: time.Since(start)}, nil
}

// failure is the error of an unsuccessful attempt, and the NetSuite error
// when there was an answer.
func (s sent) failure(op string) (*APIError, error) {
	if s.err != nil {
		return nil, fmt.Errorf("netsuite: %s: %w", op, s.err)
	}
	e := parseAPIError(op, s.resp.StatusCode(), s.resp.Header().Get("WWW-Authenticate"), s.resp.Body())
	return e, e
}

func retryInPlace(r call, apiErr *APIError) bool {
	switch {
	case apiErr == nil: // lost answer: the request may have been applied
		return r.idempotent
	case apiErr.throttled():
		return true
	default:
		return apiErr.Status >= 500 && r.idempotent
	}
}

// giveUp turns the last failure into the error the caller sees: a refusal
// for concurrency becomes a wait that does not count as a job failure.
func giveUp(fail error, apiErr *APIError) error {
	if apiErr == nil || !apiErr.throttled() {
		return fail
	}
	return &connectors.ThrottleError{
		System: "netsuite",
		// NetSuite documents 429 only for the concurrency governor, and
		// its published sample body is not valid JSON: no code to read.
		Reason: cmp.Or(apiErr.Code(), codeConcurrencyLimit),
		Wait:   throttleMinWait + connectors.Jitter(throttleJitter),
		Err:    apiErr,
	}
}
