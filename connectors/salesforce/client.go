// Package salesforce is Tandem's client for the Salesforce REST API: OAuth
// server-to-server tokens, SOQL queries, sObject reads and writes, upserts by
// external id and sObject Collections. It classifies Salesforce errors for the
// job workers, retries idempotent requests in place and tracks the org's API
// usage from the Sforce-Limit-Info header.
package salesforce

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/tandem-sync/tandem/connectors"
)

const (
	// DefaultAPIVersion is the REST API version used when Config.APIVersion is empty.
	DefaultAPIVersion = "62.0"
	// MaxCollectionSize is the most records one sObject Collections request takes.
	MaxCollectionSize = 200

	defaultTimeout     = 30 * time.Second
	defaultMaxAttempts = 3
	// In-place retries back off exponentially with full jitter between 0 and
	// min(retryCap, retryBase·2^(n-1)). A Retry-After longer than retryCap is
	// not sat out in-process: the error goes back to the job, which waits.
	retryBase = 200 * time.Millisecond
	retryCap  = 5 * time.Second
)

// Config says how to reach and authenticate to one Salesforce org. Set
// ClientSecret for the client credentials flow, or PrivateKey and Username
// for the JWT bearer flow.
type Config struct {
	// LoginURL is the token endpoint's base: https://login.salesforce.com,
	// https://test.salesforce.com or the org's My Domain (the client
	// credentials flow only works on My Domain). Tokens are requested from
	// LoginURL + "/services/oauth2/token".
	LoginURL string
	// ClientID is the connected app's consumer key.
	ClientID string
	// ClientSecret selects the client credentials flow.
	ClientSecret string
	// PrivateKey and Username select the JWT bearer flow: an RS256 assertion
	// with iss=ClientID, sub=Username, aud=Audience, exp=now+3m.
	PrivateKey *rsa.PrivateKey
	Username   string
	// Audience is the JWT aud claim; default LoginURL.
	Audience string
	// APIVersion is the REST API version, like "62.0"; default DefaultAPIVersion.
	APIVersion string
	// Timeout bounds each HTTP request; default 30s.
	Timeout time.Duration
	// MaxAttempts bounds the attempts of one idempotent call that keeps
	// failing with retryable errors; default 3. Creates are sent once.
	MaxAttempts int
	// Limiter admits every API request (not token requests); nil admits all.
	Limiter connectors.Limiter
	// CallOptionsClient is sent as "Sforce-Call-Options: client=<it>" so the
	// change events Tandem causes can be recognised; default
	// connectors.CallOptionsClient.
	CallOptionsClient string
	// BudgetShare is the share (0 to 1) of the org's daily API allocation
	// Tandem may use: requests slow down near it and wait at it (see
	// budget.go). 0 means no budget: only the org's own refusal stops them.
	BudgetShare float64
	// BulkUploadLimit bounds the CSV bytes of one Bulk API 2.0 job (a job
	// takes one upload); BulkUpsert spreads a larger load over several
	// jobs. Default MaxBulkUpload.
	BulkUploadLimit int
	// BulkPoll paces BulkUpsert's polls of a job's state; default
	// {Base: 1s, Cap: 20s}.
	BulkPoll connectors.Backoff
	// HTTPClient is used (copied, never modified) when set.
	HTTPClient *http.Client
	// Logger receives retries, throttles and token renewals, and each
	// request at debug level, with the caller's context (so its
	// correlation id); default discards. Tokens, secrets and assertions
	// are never logged.
	Logger *slog.Logger
	// Observe, when set, is told of every HTTP attempt of an API request
	// (not token requests): its operation, a method and an object such as
	// "PATCH Account" (never an id), the status (0 when no answer came),
	// how long it took and its error. It feeds metrics.
	Observe func(op string, status int, d time.Duration, err error)
}

// Client calls one org's REST API. It is safe for concurrent use.
type Client struct {
	http        *resty.Client
	auth        *tokenSource
	limiter     connectors.Limiter
	log         *slog.Logger
	dataPath    string // "/services/data/v62.0"
	timeout     time.Duration
	maxAttempts int
	backoff     connectors.Backoff
	usage       usageTracker
	observer    func(op string, status int, d time.Duration, err error)
	bulkLimit   int
	bulkPoll    connectors.Backoff
	budget      *budget
	currency    currencyCache
}

// New checks cfg and returns a client. No request is made until the first call.
func New(cfg Config) (*Client, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	rc := resty.NewWithClient(hc).
		SetLogger(connectors.RestyLogger{Log: cfg.Logger}).
		SetDisableWarn(true).
		SetHeader("Accept", "application/json").
		SetHeader("Sforce-Call-Options", "client="+cfg.CallOptionsClient)
	c := &Client{
		http:        rc,
		limiter:     cfg.Limiter,
		log:         cfg.Logger,
		dataPath:    "/services/data/v" + cfg.APIVersion,
		timeout:     cfg.Timeout,
		maxAttempts: cfg.MaxAttempts,
		backoff:     connectors.Backoff{Base: retryBase, Cap: retryCap},
		observer:    cfg.Observe,
		bulkLimit:   cfg.BulkUploadLimit,
		bulkPoll:    cfg.BulkPoll,
	}
	c.auth = newTokenSource(cfg, rc)
	c.budget = newBudget(cfg.BudgetShare, &c.usage, cfg.Logger)
	return c, nil
}

func (cfg Config) validate() error {
	var missing string
	switch {
	case cfg.LoginURL == "":
		missing = "LoginURL"
	case cfg.ClientID == "":
		missing = "ClientID"
	case cfg.ClientSecret == "" && cfg.PrivateKey == nil:
		missing = "ClientSecret (or PrivateKey and Username)"
	case cfg.PrivateKey != nil && cfg.Username == "":
		missing = "Username (needed with PrivateKey)"
	}
	if missing != "" {
		return fmt.Errorf("salesforce: Config.%s is required", missing)
	}
	if cfg.ClientSecret != "" && cfg.PrivateKey != nil {
		return errors.New("salesforce: set Config.ClientSecret or Config.PrivateKey, not both")
	}
	if u, err := url.Parse(cfg.LoginURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("salesforce: Config.LoginURL %q is not an http(s) URL", cfg.LoginURL)
	}
	if v := cfg.APIVersion; v != "" {
		if _, err := strconv.ParseFloat(v, 64); err != nil || !strings.Contains(v, ".") {
			return fmt.Errorf("salesforce: Config.APIVersion %q is not like %q", v, DefaultAPIVersion)
		}
	}
	if cfg.BudgetShare < 0 || cfg.BudgetShare > 1 {
		return fmt.Errorf("salesforce: Config.BudgetShare %v is not between 0 and 1", cfg.BudgetShare)
	}
	if cfg.Timeout < 0 || cfg.MaxAttempts < 0 {
		return errors.New("salesforce: Config.Timeout and Config.MaxAttempts must not be negative")
	}
	return nil
}

func (cfg *Config) setDefaults() {
	cfg.LoginURL = strings.TrimRight(cfg.LoginURL, "/")
	if cfg.Audience == "" {
		cfg.Audience = cfg.LoginURL
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = DefaultAPIVersion
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.MaxAttempts == 0 {
		cfg.MaxAttempts = defaultMaxAttempts
	}
	if cfg.Limiter == nil {
		cfg.Limiter = connectors.Unlimited{}
	}
	if cfg.BulkUploadLimit <= 0 {
		cfg.BulkUploadLimit = MaxBulkUpload
	}
	if cfg.BulkPoll.Base <= 0 || cfg.BulkPoll.Cap <= 0 {
		cfg.BulkPoll = connectors.Backoff{Base: bulkPollBase, Cap: bulkPollCap}
	}
	if cfg.CallOptionsClient == "" {
		cfg.CallOptionsClient = connectors.CallOptionsClient
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
}

// Limits returns the org's API usage from the last Sforce-Limit-Info header seen.
func (c *Client) Limits() APIUsage { return c.usage.get() }

// request is one REST call.
type request struct {
	op         string // what is being done, for errors and logs
	method     string
	path       string // below the instance URL
	query      url.Values
	body       any
	header     map[string]string // beside the client's own (Content-Type of a CSV upload, Accept of results)
	idempotent bool              // sending it twice leaves the same state as once
}

// do sends req: it renews an expired session once and retries retryable
// failures of idempotent requests in place. Any status of 300 or more is an error.
func (c *Client) do(ctx context.Context, req request) (*resty.Response, error) {
	failures, renewed := 0, false
	for {
		resp, tok, err := c.send(ctx, req)
		if err == nil {
			return resp, nil
		}
		if tok != nil && !renewed && isSessionExpired(err) {
			renewed = true
			c.log.InfoContext(ctx, "salesforce session expired, renewing token", "op", req.op)
			c.auth.invalidate(tok)
			continue
		}
		failures++
		wait, retry := c.retryWait(ctx, req, err, failures)
		if !retry {
			if connectors.IsThrottle(err) {
				c.log.WarnContext(ctx, "salesforce throttled", "op", req.op, "err", err)
			}
			return nil, err
		}
		c.log.WarnContext(ctx, "salesforce request failed, retrying", "op", req.op, "attempt", failures, "wait", wait, "err", err)
		if werr := connectors.Sleep(ctx, wait); werr != nil {
			return nil, fmt.Errorf("salesforce: %s: %w while waiting to retry after: %w", req.op, werr, err)
		}
	}
}

// send makes one attempt: token, limiter slot, HTTP request. It returns the
// token used (nil when none could be had) so an expired one can be dropped.
func (c *Client) send(ctx context.Context, req request) (*resty.Response, *token, error) {
	tok, err := c.auth.get(ctx)
	if err != nil {
		return nil, nil, err
	}
	if err := c.budget.admit(ctx, req.op); err != nil {
		return nil, tok, fmt.Errorf("salesforce: %s: %w", req.op, err)
	}
	release, err := c.limiter.Acquire(ctx)
	if err != nil {
		return nil, tok, fmt.Errorf("salesforce: %s: waiting for the request limiter: %w", req.op, err)
	}
	defer release()

	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r := c.http.R().SetContext(actx).
		SetHeader("Authorization", "Bearer "+tok.access).
		SetQueryParamsFromValues(req.query)
	switch body := req.body.(type) {
	case nil:
	case func() io.Reader: // streamed from a file; a fresh reader each attempt
		r.SetBody(body())
	default:
		r.SetBody(body)
	}
	r.SetHeaders(req.header)
	start := time.Now()
	resp, err := r.Execute(req.method, tok.instanceURL+req.path)
	if err != nil {
		err = fmt.Errorf("salesforce: %s: %w", req.op, err)
		c.observe(ctx, req, 0, start, err)
		return nil, tok, err
	}
	c.usage.observe(resp.Header(), time.Now())
	if resp.StatusCode() >= http.StatusMultipleChoices {
		err = classifyResponse(req.op, resp.StatusCode(), resp.Header(), resp.Body(), c.usage.get())
	}
	c.observe(ctx, req, resp.StatusCode(), start, err)
	if err != nil {
		return nil, tok, err
	}
	return resp, tok, nil
}

// doJSON sends req and decodes a JSON answer into out (when out is not nil
// and there is a body). Not resty's SetResult/SetError: resty leaves the
// result empty, without an error, when the Content-Type is not JSON (a
// proxy's HTML page), its decoding errors come back from Execute like a
// lost answer (which do would re-send), and error bodies come in three
// shapes plus raw text kept as a snippet (parseErrorBody).
func (c *Client) doJSON(ctx context.Context, req request, out any) (*resty.Response, error) {
	resp, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if out != nil && len(resp.Body()) > 0 {
		if err := json.Unmarshal(resp.Body(), out); err != nil {
			return nil, fmt.Errorf("salesforce: %s: decoding the %d response: %w", req.op, resp.StatusCode(), err)
		}
	}
	return resp, nil
}

// retryWait decides whether a failed attempt is tried again in place, and
// after how long. Creates are never re-sent: a create that timed out or
// failed with a 5xx may have committed.
func (c *Client) retryWait(ctx context.Context, req request, err error, failures int) (time.Duration, bool) {
	if !req.idempotent || failures >= c.maxAttempts || ctx.Err() != nil || !retryable(err) {
		return 0, false
	}
	if ra, ok := connectors.RetryAfter(err); ok {
		return ra, ra <= retryCap
	}
	return c.backoff.Delay(failures), true
}
