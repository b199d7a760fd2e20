package sandbox

import (
	"log/slog"
	"time"
)

// Defaults and limits, named after what they stand for in NetSuite.
const (
	DefaultAccountID        = "1234567_SB1"
	DefaultConsumerKey      = "tandem-sandbox-ck"
	DefaultConsumerSecret   = "tandem-sandbox-cs"
	DefaultTokenID          = "tandem-sandbox-tk"
	DefaultTokenSecret      = "tandem-sandbox-ts"
	DefaultM2MClientID      = "tandem-sandbox-m2m"
	DefaultConcurrencyLimit = 5                // Standard service tier
	DefaultFaultTimeout     = 30 * time.Second // how long an injected timeout holds a request
	DefaultSeedItems        = 11
	DefaultSeedCustomers    = 3

	TimestampWindow     = 5 * time.Minute  // TBA oauth_timestamp must be this close to server time
	MinNonceLength      = 6                // TBA nonce minimum, per NetSuite's TBA errors
	AccessTokenLifetime = 60 * time.Minute // M2M access tokens are valid this long
	MaxAssertionLife    = 60 * time.Minute // a client assertion's exp may be at most iat + this
	MaxPageSize         = 1000             // SuiteQL and collection page size default and maximum
	MaxRequestBody      = 104 << 20        // NetSuite's 104 MB request size limit

	// unlimitedReport is the concurrency limit governanceLimits reports when
	// the sandbox runs without one: no real tier has it, clients read it as plenty.
	unlimitedReport = 1000
)

// Config configures a sandbox. The zero value gives a Standard-tier account
// with the default credentials, seeded demo data and no faults.
type Config struct {
	// BaseURL is the external URL where Handler() is reachable, without a
	// trailing slash, e.g. "http://127.0.0.1:8080/sandbox/netsuite"; used in
	// Location headers and links. Empty: derived from each request.
	BaseURL string
	// AccountID is the account id and TBA realm, e.g. "1234567_SB1".
	AccountID string
	// TBA credentials of the one integration/token pair the account knows.
	ConsumerKey, ConsumerSecret, TokenID, TokenSecret string
	// M2MClientID is the OAuth 2.0 client-credentials integration client id.
	M2MClientID string
	// ConcurrencyLimit is the account concurrency limit: 0 = 5 (Standard
	// tier), negative = unlimited.
	ConcurrencyLimit int
	// Latency is added to every API request while it holds its concurrency slot.
	Latency time.Duration
	// Faults injects errors; the zero value injects none.
	Faults Faults
	// NonAdminRole makes the integration's role a least-privilege one:
	// governanceLimits, which answers administrators only, refuses it with
	// 403 INSUFFICIENT_PERMISSION (Oracle does not publish the body; this
	// is NetSuite's error shape with its permission code).
	NonAdminRole bool
	// Concurrency401 answers token-based requests refused for concurrency
	// (over the limit, or an injected 429 fault) with 401 INVALID_LOGIN
	// instead of 429, as field reports show NetSuite doing when TBA
	// requests pile up.
	Concurrency401 bool
	// Seed sizes the demo data; the zero value gives the defaults.
	Seed Seed
	// Webhook makes the account post the shipped SuiteScript's webhooks.
	Webhook WebhookConfig
	// Clock tells the time (timestamps, token expiry); default time.Now.
	Clock func() time.Time
	// Today is the account's date for A/R figures: which invoices are
	// overdue and for how long; default Clock. Moving it alone lets a test
	// make invoices fall due without moving the time TBA checks against
	// the caller's clock.
	Today func() time.Time
	// Logger receives request and auth-failure logs; default discards.
	Logger *slog.Logger
}

// Faults makes the sandbox misbehave like a real service on a bad day.
// Rates are probabilities per API request, drawn from a RNG seeded with
// Rand, so a given seed and request order always fail the same way.
type Faults struct {
	Rate5xx     float64       // 500 UNEXPECTED_ERROR; half of them after applying a write
	Rate429     float64       // 429 CONCURRENCY_LIMIT_EXCEEDED, though a slot was free
	RateTimeout float64       // hold the request for Timeout, then drop the connection; half after applying a write
	Timeout     time.Duration // default 30s
	Rand        int64         // RNG seed
}

// Seed sizes the deterministic demo data. Zero means the default; negative
// means none.
type Seed struct {
	Items     int // inventory items 1001…1000+Items, itemId SKU-0001…
	Customers int // customers without an externalId, for matching tests
	// CatalogItems are generated catalog items (CatalogItem(1…n)) after
	// the inventory items; the zero value gives none.
	CatalogItems int
}

func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.AccountID, DefaultAccountID)
	def(&c.ConsumerKey, DefaultConsumerKey)
	def(&c.ConsumerSecret, DefaultConsumerSecret)
	def(&c.TokenID, DefaultTokenID)
	def(&c.TokenSecret, DefaultTokenSecret)
	def(&c.M2MClientID, DefaultM2MClientID)
	if c.ConcurrencyLimit == 0 {
		c.ConcurrencyLimit = DefaultConcurrencyLimit
	}
	c.Faults = c.Faults.withDefaults()
	c.Seed = c.Seed.withDefaults()
	c.Webhook = c.Webhook.withDefaults()
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Today == nil {
		c.Today = c.Clock
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

func (f Faults) withDefaults() Faults {
	if f.Timeout <= 0 {
		f.Timeout = DefaultFaultTimeout
	}
	return f
}

func (s Seed) withDefaults() Seed {
	size := func(n, def int) int {
		switch {
		case n == 0:
			return def
		case n < 0:
			return 0
		}
		return n
	}
	return Seed{Items: size(s.Items, DefaultSeedItems), Customers: size(s.Customers, DefaultSeedCustomers),
		CatalogItems: max(s.CatalogItems, 0)}
}
