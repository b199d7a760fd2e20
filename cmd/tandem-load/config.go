package main

import (
	"cmp"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tandem-sync/tandem/handlers"
)

// Defaults, used where a Config field is zero.
const (
	DefaultTarget        = "http://127.0.0.1:8080"
	DefaultStepDuration  = 10 * time.Second
	DefaultWarmup        = 2 * time.Second
	DefaultConnections   = 64
	DefaultTimeout       = 5 * time.Second
	DefaultMaxErrorShare = 0.01
	DefaultMaxInFlight   = 20000
	DefaultRawDuration   = 3 * time.Second
	DefaultMaxRetry      = 12 // tandem serve's TANDEM_MAX_RETRY default
)

// DefaultRates are the steps, in requests per second.
var DefaultRates = []float64{250, 500, 1000, 2000, 4000, 8000, 16000}

// MaxNotifications is the most notifications Salesforce puts in one
// Outbound Message.
const MaxNotifications = 100

// Credentials are what the three endpoints check. The defaults are the
// fixed ones a sandbox-mode `tandem serve` accepts.
type Credentials struct {
	OrgID         string // Outbound Message OrganizationId, allowed by TANDEM_SF_ORG_IDS
	OutboundToken string // ?token= of the Outbound Message URL (TANDEM_SF_OUTBOUND_TOKEN); "" sends none
	EventsAuth    string // handlers.EventsAuthBearer ("" too) or handlers.EventsAuthHMAC
	EventsToken   string // bearer token (TANDEM_SF_EVENTS_TOKEN)
	EventsSecret  string // HMAC secret in hmac mode (TANDEM_SF_EVENTS_SECRET)
	NSAccount     string // NetSuite accountId (TANDEM_NS_ACCOUNT_ID)
	NSSecret      string // webhook signing secret (TANDEM_NS_WEBHOOK_SECRET)
}

// The sandbox's credentials: cmd/tandem's sandbox org and account, and the
// sandboxes' default events token and secrets (a test pins them).
const (
	sandboxOrgID        = "00D5e000000TNDMEA4"
	sandboxNSAccount    = "1234567_SB1"
	sandboxEventsToken  = "tandem-sandbox-events-token"
	sandboxEventsSecret = "tandem-sandbox-events-secret"
	sandboxNSSecret     = "tandem-sandbox-webhook-secret"
)

// Config is one load run. Zero fields take the defaults above.
type Config struct {
	// Targets are the base URLs of the tandem serve processes; requests
	// go to them in turn.
	Targets []string
	Mix     Mix       // requests per endpoint, as weights; zero: all three alike
	Rates   []float64 // one step per rate, requests per second, open loop
	// StepDuration is how long each rate is held.
	StepDuration time.Duration
	// Warmup runs the first rate this long, uncounted, before the steps;
	// negative: none.
	Warmup time.Duration
	// Connections is the number of HTTP connections, split over the
	// targets, and the number of goroutines of the raw enqueue baseline.
	Connections int
	Timeout     time.Duration // per request, waiting for a connection included
	// MaxErrorShare stops stepping up after a step whose errors exceed
	// this share of its requests.
	MaxErrorShare float64
	// MaxInFlight caps requests sent and unanswered; arrivals beyond it
	// are counted as "shed" errors so the generator cannot run away.
	MaxInFlight int
	// Notifications per Outbound Message and Events per events POST
	// (1 to 100; 0 means 1).
	Notifications, Events int
	// DuplicateShare of requests (0 to 1) re-send an earlier request of
	// the same endpoint, ids and all, as Salesforce and NetSuite do.
	DuplicateShare float64
	Credentials    Credentials
	// RedisURL is the database of the raw enqueue baseline: one no
	// worker reads. Empty: no baseline.
	RedisURL    string
	RawDuration time.Duration // raw enqueueing after each step
	MaxRetry    int           // the baseline jobs' asynq MaxRetry, as tandem serve's TANDEM_MAX_RETRY
	// IDBase starts every id of the run (notification, replay, record
	// ids); 0 takes it from the clock, so runs never repeat each other's ids.
	IDBase uint64
}

// withDefaults fills the zero fields.
func (c Config) withDefaults() Config {
	if len(c.Targets) == 0 {
		c.Targets = []string{DefaultTarget}
	}
	c.Targets = slices.Clone(c.Targets)
	for i, t := range c.Targets {
		c.Targets[i] = strings.TrimSuffix(t, "/")
	}
	if c.Mix == (Mix{}) {
		c.Mix = Mix{1, 1, 1}
	}
	if len(c.Rates) == 0 {
		c.Rates = DefaultRates
	}
	c.StepDuration = cmp.Or(c.StepDuration, DefaultStepDuration)
	c.Warmup = cmp.Or(c.Warmup, DefaultWarmup)
	c.Connections = cmp.Or(c.Connections, DefaultConnections)
	c.Timeout = cmp.Or(c.Timeout, DefaultTimeout)
	c.MaxErrorShare = cmp.Or(c.MaxErrorShare, DefaultMaxErrorShare)
	c.MaxInFlight = cmp.Or(c.MaxInFlight, DefaultMaxInFlight)
	c.Notifications = cmp.Or(c.Notifications, 1)
	c.Events = cmp.Or(c.Events, 1)
	c.RawDuration = cmp.Or(c.RawDuration, DefaultRawDuration)
	c.MaxRetry = cmp.Or(c.MaxRetry, DefaultMaxRetry)
	cr := &c.Credentials
	cr.OrgID = cmp.Or(cr.OrgID, sandboxOrgID)
	cr.EventsAuth = cmp.Or(cr.EventsAuth, handlers.EventsAuthBearer)
	cr.EventsToken = cmp.Or(cr.EventsToken, sandboxEventsToken)
	cr.EventsSecret = cmp.Or(cr.EventsSecret, sandboxEventsSecret)
	cr.NSAccount = cmp.Or(cr.NSAccount, sandboxNSAccount)
	cr.NSSecret = cmp.Or(cr.NSSecret, sandboxNSSecret)
	if c.IDBase == 0 {
		c.IDBase = idBaseFromClock(time.Now())
	}
	return c
}

// idBaseFromClock allots 1000 ids to each millisecond since the epoch: a
// run never repeats the ids of one that started a minute before unless it
// sent 60 million of them. The 16 digits fit a replayId and a record id.
func idBaseFromClock(t time.Time) uint64 { return uint64(t.UnixMilli()) * 1000 }

// validate checks a Config that has its defaults.
func (c Config) validate() error {
	var errs []error
	for _, t := range c.Targets {
		if u, err := url.Parse(t); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("target %q is not an http(s) base URL", t))
		}
	}
	for _, r := range c.Rates {
		if r <= 0 {
			errs = append(errs, fmt.Errorf("rate %g: rates must be above 0", r))
		}
	}
	if c.Notifications < 1 || c.Notifications > MaxNotifications || c.Events < 1 || c.Events > handlers.MaxEventsPerRequest {
		errs = append(errs, fmt.Errorf("notifications (%d) and events (%d) per request must be 1 to 100", c.Notifications, c.Events))
	}
	if n := len(c.Credentials.OrgID); n != 15 && n != 18 {
		errs = append(errs, fmt.Errorf("org id %q is not 15 or 18 characters", c.Credentials.OrgID))
	}
	if c.DuplicateShare < 0 || c.DuplicateShare > 1 {
		errs = append(errs, fmt.Errorf("duplicate share %g is not between 0 and 1", c.DuplicateShare))
	}
	if a := c.Credentials.EventsAuth; a != handlers.EventsAuthBearer && a != handlers.EventsAuthHMAC {
		errs = append(errs, fmt.Errorf("events auth %q is neither %s nor %s", a, handlers.EventsAuthBearer, handlers.EventsAuthHMAC))
	}
	if c.Connections < len(c.Targets) {
		errs = append(errs, fmt.Errorf("%d connections cannot cover %d targets", c.Connections, len(c.Targets)))
	}
	return errors.Join(errs...)
}

// parseRates reads "250,500,1000".
func parseRates(s string) ([]float64, error) {
	var rates []float64
	for _, f := range strings.Split(s, ",") {
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, fmt.Errorf("rates %q: %q is not a number", s, f)
		}
		rates = append(rates, r)
	}
	return rates, nil
}

func formatRates(rates []float64) string {
	parts := make([]string, len(rates))
	for i, r := range rates {
		parts[i] = strconv.FormatFloat(r, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// parseList reads a comma-separated list, dropping empty items.
func parseList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
