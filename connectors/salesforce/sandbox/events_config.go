package sandbox

import (
	"cmp"
	"fmt"
	"time"

	"github.com/tandem-sync/tandem/connectors/salesforce/sandbox/schema"
)

// Defaults and limits of the Change Data Capture forwarder. The retry
// timing stands in for a Queueable that re-enqueues itself after a failed
// callout, scaled down so a demo recovers quickly.
const (
	DefaultEventsToken     = "tandem-sandbox-events-token"
	DefaultEventsSecret    = "tandem-sandbox-events-secret"
	DefaultEventsRetryBase = time.Second
	DefaultEventsRetryMax  = 2 * time.Minute
	MaxEventsPerRequest    = 100              // events per forwarded request (the contract's limit)
	eventsCalloutTimeout   = 10 * time.Second // Apex's default callout timeout
)

// How the forwarder authenticates to Tandem (the contract's TANDEM_SF_EVENTS_AUTH).
const (
	EventsAuthBearer = "bearer" // Authorization: Bearer <Token>, as a Named Credential sends it
	EventsAuthHMAC   = "hmac"   // X-Tandem-Signature: t=<unix>,v1=<hex HMAC-SHA256(Secret, "<t>."+body)>
)

// EventsConfig configures the forwarder that posts the org's Change Data
// Capture events to Tandem (an Apex trigger on the change events handing
// them to a Queueable callout). Every zero value means the default.
type EventsConfig struct {
	// URL is Tandem's events endpoint (…/webhooks/salesforce/events); "" =
	// no forwarder until SetEventsURL. Changes made while it is "" are not
	// forwarded later.
	URL string
	// Entities are the objects selected for Change Data Capture; nil =
	// Account and Contact (Tandem's deploy selects those), empty = none.
	Entities []string
	// Auth is EventsAuthBearer (default) or EventsAuthHMAC.
	Auth string
	// Token is the bearer token; default DefaultEventsToken.
	Token string
	// Secret is the HMAC secret; default DefaultEventsSecret.
	Secret string
	// MaxBatch is the most events one request carries: 1..100, default 100.
	MaxBatch int
	// RetryBase doubles after each failed request up to RetryMax.
	RetryBase, RetryMax time.Duration
}

func (c EventsConfig) withDefaults() EventsConfig {
	if c.Entities == nil {
		c.Entities = []string{"Account", "Contact"}
	}
	c.Auth = cmp.Or(c.Auth, EventsAuthBearer)
	c.Token = cmp.Or(c.Token, DefaultEventsToken)
	c.Secret = cmp.Or(c.Secret, DefaultEventsSecret)
	c.MaxBatch = cmp.Or(c.MaxBatch, MaxEventsPerRequest)
	c.RetryBase = cmp.Or(c.RetryBase, DefaultEventsRetryBase)
	c.RetryMax = cmp.Or(c.RetryMax, DefaultEventsRetryMax)
	return c
}

// check validates the configuration and returns the selected objects by
// canonical name.
func (c EventsConfig) check(s *schema.Schema) (map[string]bool, error) {
	if c.Auth != EventsAuthBearer && c.Auth != EventsAuthHMAC {
		return nil, fmt.Errorf("sandbox: Events.Auth %q is neither %q nor %q", c.Auth, EventsAuthBearer, EventsAuthHMAC)
	}
	if c.MaxBatch < 1 || c.MaxBatch > MaxEventsPerRequest {
		return nil, fmt.Errorf("sandbox: Events.MaxBatch %d is not within 1..%d", c.MaxBatch, MaxEventsPerRequest)
	}
	selected := map[string]bool{}
	for _, name := range c.Entities {
		o, ok := s.Object(name)
		if !ok {
			return nil, fmt.Errorf("sandbox: Events.Entities: unknown object %q", name)
		}
		selected[o.Name] = true
	}
	return selected, nil
}
