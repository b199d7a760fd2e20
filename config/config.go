// Package config reads Tandem's configuration from the environment,
// applies the documented defaults and validates it at start-up. Every
// error names the variable to fix.
//
// TANDEM_MODE decides, for both systems at once, whether Tandem talks to
// the real Salesforce and NetSuite (live) or to its built-in sandboxes
// (sandbox). Unset, it follows the credentials: none set is sandbox mode,
// all set is live mode, and anything between is refused.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/go-playground/validator/v10"

	"github.com/tandem-sync/tandem/connectors/netsuite"
	"github.com/tandem-sync/tandem/internal/redisurl"
)

// Config is everything Tandem reads from the environment. Each field's env
// tag names its variable, default its value when unset, and doc what it is
// for; Variables lists them for the README and `tandem help`. cred marks
// the credentials of a real system: any of them set leaves sandbox mode.
type Config struct {
	// Mode is TANDEM_MODE; after Load, the mode in effect (ModeSandbox or
	// ModeLive), also when it was inferred from the credentials.
	Mode          string `env:"TANDEM_MODE" validate:"omitempty,oneof=sandbox live" doc:"sandbox: both systems are the built-in sandboxes (no Salesforce or NetSuite credential may be set). live: both are real; every credential live mode needs is required and the sandboxes' published org id, tokens and secrets are refused. Unset: sandbox when no credential is set, live when all are; a mix is refused at start-up."`
	Addr          string `env:"TANDEM_ADDR" default:"127.0.0.1:8080" validate:"required,hostname_port" doc:"HTTP listen address (webhooks, health, admin, sandboxes in sandbox mode)."`
	MetricsAddr   string `env:"TANDEM_METRICS_ADDR" validate:"omitempty,hostname_port" doc:"Listen address of tandem work's /metrics, /healthz and /readyz (serve and run serve /metrics on TANDEM_ADDR). Unset: work serves no HTTP."`
	PublicURL     string `env:"TANDEM_PUBLIC_URL" validate:"omitempty,url" doc:"URL at which Salesforce and NetSuite reach Tandem; default http://TANDEM_ADDR. Used in printed endpoint URLs and by the sandboxes."`
	RedisURL      string `env:"REDIS_URL" validate:"omitempty,redis_url" doc:"Redis for queues, dedup and throttles: redis://[user:password@]host:port/db (rediss:// for TLS); Sentinel: redis-sentinel://[:password@]host1:26379,host2:26379[/db]?master=name; Cluster: redis-cluster://[:password@]host1:6379,host2:6379 (rediss-sentinel://, rediss-cluster:// for TLS). Unset: an embedded in-process Redis (tandem run only; nothing survives a restart)."`
	RedisReplicas int    `env:"TANDEM_REDIS_WAIT_REPLICAS" default:"0" validate:"gte=0,lte=16" doc:"Replicas that must confirm a webhook's jobs (Redis WAIT) before Tandem acknowledges it; the sender re-sends otherwise. Set 1 with Sentinel so a failover loses no acknowledged job (Redis replication is asynchronous). 0: the master's answer is enough. Not with redis-cluster:// or the embedded Redis."`
	LogFormat     string `env:"TANDEM_LOG_FORMAT" default:"auto" validate:"oneof=auto text json" doc:"auto: coloured text on a terminal, JSON otherwise; or text, json."`
	LogLevel      string `env:"TANDEM_LOG_LEVEL" default:"info" validate:"oneof=debug info warn error" doc:"debug, info, warn or error."`
	MappingsDir   string `env:"TANDEM_MAPPINGS_DIR" validate:"omitempty,dir" doc:"Directory of mapping files that change or add to the shipped ones (see mapping/README.md). Checked at start-up."`
	SyncRules     string `env:"TANDEM_SYNC_RULES" validate:"omitempty,file" doc:"YAML file of F2 sync rules (field groups and their master system, match keys, deletion policy) replacing the shipped pairs it lists; see jobs/accountsync/sync_rules.yaml."`
	ExchangeRates string `env:"TANDEM_EXCHANGE_RATES" default:"table" validate:"oneof=table netsuite" doc:"Where the mappings' convert() takes exchange rates: table (exchange_rates in tables.yaml) or netsuite (the rates on NetSuite's currency records)."`
	AdminToken    string `env:"TANDEM_ADMIN_TOKEN" secret:"true" doc:"Token for /admin/ and /monitoring/ (Authorization: Bearer, or the password of HTTP basic auth). Unset: sandbox mode uses tandem-sandbox-admin; live mode does not serve those routes."`

	// CreditHoldRules is F5's rules file (jobs/credithold).
	CreditHoldRules string `env:"TANDEM_CREDIT_HOLD_RULES" validate:"omitempty,file" doc:"YAML file of F5 credit hold rules (when a customer is on hold, the reason texts, the account owner's Task and the optional Chatter post) replacing the shipped jobs/credithold/credit_hold.yaml; checked at start-up."`
	// OnboardingRules is the onboarding flow's file (jobs/onboarding).
	OnboardingRules string `env:"TANDEM_ONBOARDING_RULES" validate:"omitempty,file" doc:"YAML file of new-customer onboarding (the trigger status, the customer success managers and their rules, the task sequence, the account owner's note) replacing the shipped jobs/onboarding/onboarding.yaml; checked at start-up, its user ids against Salesforce. Unset in live mode: onboarding is off (the shipped file names the sandbox's users)."`

	Salesforce Salesforce
	NetSuite   NetSuite
	Worker     Worker
	Sandbox    Sandbox
	Catalog    Catalog
	Reconcile  Reconcile

	modeReason string // why Mode is what it is
}

// Salesforce is how Tandem reaches and trusts one Salesforce org.
type Salesforce struct {
	LoginURL      string   `env:"TANDEM_SF_LOGIN_URL" cred:"true" validate:"omitempty,url" doc:"Token endpoint base: https://login.salesforce.com, https://test.salesforce.com, or the org's My Domain URL (required for client credentials)."`
	ClientID      string   `env:"TANDEM_SF_CLIENT_ID" cred:"true" doc:"Connected app / external client app consumer key."`
	ClientSecret  string   `env:"TANDEM_SF_CLIENT_SECRET" cred:"true" secret:"true" doc:"Consumer secret, for the client credentials flow."`
	JWTKeyFile    string   `env:"TANDEM_SF_JWT_KEY_FILE" cred:"true" validate:"omitempty,file" doc:"PEM RSA private key for the JWT bearer flow (with TANDEM_SF_USERNAME)."`
	Username      string   `env:"TANDEM_SF_USERNAME" cred:"true" doc:"Integration user's username, for the JWT bearer flow."`
	APIVersion    string   `env:"TANDEM_SF_API_VERSION" default:"62.0" validate:"api_version" doc:"REST API version."`
	OrgIDs        []string `env:"TANDEM_SF_ORG_IDS" validate:"dive,sf_org_id" doc:"Comma-separated organization ids allowed to post Outbound Messages (15 or 18 chars). Required in live mode."`
	OutboundToken string   `env:"TANDEM_SF_OUTBOUND_TOKEN" secret:"true" doc:"If set, Outbound Message endpoint URLs must carry ?token=<this> (Outbound Messages have no signature)."`
	RateLimit     int      `env:"TANDEM_SF_RATE_LIMIT" default:"25" validate:"gte=1" doc:"Salesforce API requests per second, shared by every worker through Redis."`
	// Change Data Capture / Platform Events forwarded to /webhooks/salesforce/events.
	EventsAuth        string `env:"TANDEM_SF_EVENTS_AUTH" default:"bearer" validate:"oneof=bearer hmac" doc:"How /webhooks/salesforce/events authenticates: bearer (Authorization: Bearer TANDEM_SF_EVENTS_TOKEN, e.g. from a Named Credential) or hmac (X-Tandem-Signature with TANDEM_SF_EVENTS_SECRET)."`
	EventsToken       string `env:"TANDEM_SF_EVENTS_TOKEN" secret:"true" doc:"Bearer token the Salesforce event forwarder sends. Unset: the events endpoint is off (sandbox mode: a fixed sandbox token)."`
	EventsSecret      string `env:"TANDEM_SF_EVENTS_SECRET" secret:"true" doc:"HMAC secret for TANDEM_SF_EVENTS_AUTH=hmac."`
	IntegrationUserID string `env:"TANDEM_SF_INTEGRATION_USER_ID" doc:"Id (005…) of the integration user; change events it committed are Tandem's own. They still go to the flows, whose echo check writes nothing for Tandem's own values, so a trigger's or flow's change inside Tandem's write syncs. Sandbox mode: the sandbox's integration user."`
	// Batched writes and the org's daily API allocation (issue 13).
	APIBudgetPercent int `env:"TANDEM_SF_API_BUDGET_PERCENT" default:"80" validate:"gte=0,lte=100" doc:"Percent of the org's daily API allocation (api-usage in Sforce-Limit-Info) Tandem may use: from 90% of it each Salesforce request waits a growing pause, at it requests wait (jobs retry later without counting a failure). Shown by tandem_throttle_waits_total with reason daily API budget and a log line at each change. 0: no budget of Tandem's own."`
	BulkThreshold    int `env:"TANDEM_SF_BULK_THRESHOLD" default:"2000" validate:"gte=1" doc:"Records of one batched Salesforce upsert load above which it goes through a Bulk API 2.0 ingest job instead of sObject Collections calls of 200 records."`
	// Change events and platform events Tandem subscribes to itself (Pub/Sub API).
	PubSubTopics []string `env:"TANDEM_SF_PUBSUB_TOPICS" default:"/data/AccountChangeEvent,/data/ContactChangeEvent" doc:"Comma-separated Pub/Sub API topics 'tandem run' and 'tandem work' subscribe to (one stream per topic across all processes), e.g. /data/AccountChangeEvent, /data/Tandem__chn, /event/Tandem_Sync__e; none: no subscription."`
	PubSubAddr   string   `env:"TANDEM_SF_PUBSUB_ADDR" default:"api.pubsub.salesforce.com:7443" validate:"hostname_port" doc:"Pub/Sub API endpoint (TLS); EU-resident orgs: api.deu.pubsub.salesforce.com:7443. Sandbox mode: the sandbox's TANDEM_SANDBOX_PUBSUB_ADDR, in plaintext."`
	JWTAudience  string   `env:"TANDEM_SF_JWT_AUDIENCE" validate:"omitempty,url" doc:"The aud of JWT bearer assertions, apart from where the token request goes (TANDEM_SF_LOGIN_URL, which may be My Domain). Unset: TANDEM_SF_LOGIN_URL. A classic connected app wants https://login.salesforce.com (https://test.salesforce.com for a sandbox org): 'audience is invalid' otherwise; an External Client App may want the My Domain URL: 'app_not_found' otherwise."`
}

// NetSuite is how Tandem reaches one NetSuite account.
type NetSuite struct {
	AccountID      string `env:"TANDEM_NS_ACCOUNT_ID" cred:"true" validate:"omitempty,ns_account" doc:"Account id, e.g. 1234567 or 1234567_SB1."`
	BaseURL        string `env:"TANDEM_NS_BASE_URL" cred:"true" validate:"omitempty,url" doc:"REST base URL; default https://<account>.suitetalk.api.netsuite.com (copy it from Setup > Company > Company Information > Company URLs)."`
	ClientID       string `env:"TANDEM_NS_CLIENT_ID" cred:"true" doc:"OAuth 2.0 client credentials (M2M): integration record client id."`
	CertificateID  string `env:"TANDEM_NS_CERTIFICATE_ID" cred:"true" doc:"M2M: certificate id shown in the OAuth 2.0 Client Credentials Setup mapping (the JWT kid)."`
	PrivateKeyFile string `env:"TANDEM_NS_PRIVATE_KEY_FILE" cred:"true" validate:"omitempty,file" doc:"M2M: PEM private key of that certificate (RSA → PS256, EC P-256 → ES256)."`
	ConsumerKey    string `env:"TANDEM_NS_CONSUMER_KEY" cred:"true" doc:"Token-based authentication (existing integrations): consumer key."`
	ConsumerSecret string `env:"TANDEM_NS_CONSUMER_SECRET" cred:"true" secret:"true" doc:"TBA consumer secret."`
	TokenID        string `env:"TANDEM_NS_TOKEN_ID" cred:"true" doc:"TBA token id."`
	TokenSecret    string `env:"TANDEM_NS_TOKEN_SECRET" cred:"true" secret:"true" doc:"TBA token secret."`
	Concurrency    int    `env:"TANDEM_NS_CONCURRENCY" default:"0" validate:"gte=0" doc:"Concurrent NetSuite requests shared by every worker; 0 reads the limit from governanceLimits at start-up (administrator roles only: for any other role Tandem uses 2 and warns)."`
	WebhookSecret  string `env:"TANDEM_NS_WEBHOOK_SECRET" secret:"true" doc:"Shared secret of the SuiteScript webhooks (the API secret custsecret_tandem_webhook). Unset: /webhooks/netsuite is off (sandbox mode: a fixed sandbox secret)."`
	PoolShare      int    `env:"TANDEM_NS_POOL_SHARE" default:"80" validate:"gte=1,lte=100" doc:"With TANDEM_NS_CONCURRENCY=0 and no limit allocated to Tandem's integration record: the percentage of the account's unallocated concurrency pool Tandem takes, leaving the rest to the integrations that share it (at least 1 request)."`
}

// Worker tunes the job workers.
type Worker struct {
	Concurrency     int           `env:"TANDEM_WORKER_CONCURRENCY" default:"20" validate:"gte=1,lte=1000" doc:"Jobs run at once by one worker process."`
	ShutdownTimeout time.Duration `env:"TANDEM_SHUTDOWN_TIMEOUT" default:"30s" validate:"gt=0" doc:"How long running jobs get to finish on SIGTERM; unfinished jobs go back to the queue."`
	MaxRetry        int           `env:"TANDEM_MAX_RETRY" default:"12" validate:"gte=0" doc:"Failed attempts before a job is archived (throttle waits do not count)."`
	// The NetSuite sweep (jobs/sweep): the safety net under the webhooks.
	SweepInterval time.Duration `env:"TANDEM_SWEEP_INTERVAL" default:"15m" validate:"gte=0" doc:"How often every worker process's scheduler enqueues the incremental NetSuite sweep (SuiteQL of records changed since a watermark in Redis, enqueuing the webhook's jobs); it runs once per interval however many workers run. 0: off. Whole seconds."`
	SweepLookback time.Duration `env:"TANDEM_SWEEP_LOOKBACK" default:"24h" validate:"gt=0" doc:"How far back the first sweep of a record type looks when Redis holds no watermark for it yet (a new install or a flushed Redis), instead of the beginning of time."`
	SweepTypes    []string      `env:"TANDEM_SWEEP_RECORD_TYPES" default:"customer,contact,invoice,customerpayment,creditmemo,customerrefund,inventoryitem,noninventoryitem,serviceitem" doc:"Comma-separated NetSuite record types the sweep reads (lower case, as the webhook names them); a type no flow reads yet is skipped."`
	// The drift audit (jobs/drift): every linked pair compared, and healed if asked.
	DriftInterval time.Duration `env:"TANDEM_DRIFT_INTERVAL" default:"24h" validate:"gte=0" doc:"How often every worker process's scheduler enqueues the drift audit (the mapped fields of every linked account/customer, contact, item/product, invoice and sales order pair compared, page by page; the last run at GET /admin/drift); it runs once per interval however many workers run. 0: off. Whole seconds."`
	DriftHeal     string        `env:"TANDEM_DRIFT_HEAL" default:"false" validate:"oneof=true false" doc:"true: the drift audit enqueues the ordinary sync job of each differing pair (one per record), so the side the sync rules say is right is written to the other; false: it only reports."`
}

// DriftHeals is whether the drift audit heals (TANDEM_DRIFT_HEAL).
func (w Worker) DriftHeals() bool { return w.DriftHeal == "true" }

// Sandbox configures the built-in Salesforce and NetSuite sandboxes.
type Sandbox struct {
	Addr          string        `env:"TANDEM_SANDBOX_ADDR" default:"127.0.0.1:8090" validate:"required,hostname_port" doc:"Listen address of 'tandem sandbox' (standalone sandboxes)."`
	OutboundURL   string        `env:"TANDEM_SANDBOX_OUTBOUND_URL" validate:"omitempty,url" doc:"Where the standalone Salesforce sandbox posts Outbound Messages; default http://127.0.0.1:8080/webhooks/salesforce/outbound."`
	NSLatency     time.Duration `env:"TANDEM_SANDBOX_NS_LATENCY" default:"0s" validate:"gte=0" doc:"Latency the NetSuite sandbox adds to each request."`
	SFLatency     time.Duration `env:"TANDEM_SANDBOX_SF_LATENCY" default:"0s" validate:"gte=0" doc:"Latency the Salesforce sandbox adds to each REST API request (for benchmarks; a real org answers a single-record write in roughly 100-300 ms)."`
	NSConcurrency int           `env:"TANDEM_SANDBOX_NS_CONCURRENCY" default:"5" validate:"gte=1" doc:"The NetSuite sandbox's account concurrency limit."`
	NSFaults      string        `env:"TANDEM_SANDBOX_NS_FAULTS" doc:"Faults the NetSuite sandbox injects into API requests, e.g. 5xx=0.10,429=0.05,timeout=0.02 (rates per request; also hold=2s: how long a timeout hangs, seed=N). For chaos tests."`
	SFFaults      string        `env:"TANDEM_SANDBOX_SF_FAULTS" doc:"Faults the Salesforce sandbox injects into REST API requests; same form as TANDEM_SANDBOX_NS_FAULTS (429 = REQUEST_LIMIT_EXCEEDED)."`
	Control       string        `env:"TANDEM_SANDBOX_CONTROL" default:"off" validate:"oneof=on off" doc:"on: 'tandem sandbox' also serves the unauthenticated test-driver surface under /_sandbox/ (act as a UI user, read state, set faults). Never in production."`
	PubSubAddr    string        `env:"TANDEM_SANDBOX_PUBSUB_ADDR" default:"127.0.0.1:7011" validate:"required" doc:"Where the Salesforce sandbox serves the Pub/Sub API (gRPC, plaintext) in 'tandem run' and 'tandem sandbox'; port 0 picks a free one."`
	Traps         []string      `env:"TANDEM_SANDBOX_TRAPS" doc:"Behaviours of real orgs and accounts the sandboxes reproduce, comma-separated: deleted-empty (an Outbound Message of a record deleted before delivery carries an empty sObject), ns-non-admin (governanceLimits refuses the role), ns-401 (NetSuite answers piled-up TBA requests 401 INVALID_LOGIN), jwt-aud=classic or jwt-aud=my-domain (which JWT aud the connected app accepts), fls (the integration user sees and writes only what the shipped Tandem_Integration permission set grants), fls-without=Object.Field (the same, the permission set lacking that field), automation (an org flow sets Phone when an Account's Website changes, inside Tandem's own writes), single-currency (no CurrencyIsoCode on any Salesforce object: multi-currency off). See Pointing Tandem at a real org in the README."`
}

// Catalog configures F4, NetSuite items and prices to Product2 and price
// books (jobs/catalog).
type Catalog struct {
	ItemTypes   []string `env:"TANDEM_CATALOG_ITEM_TYPES" default:"InvtPart,NonInvtPart,Service" validate:"min=1,dive,alpha" doc:"Comma-separated NetSuite item types (itemType ids: InvtPart, NonInvtPart, Service, OthCharge, Kit, Assembly, …) that become Salesforce products."`
	PriceLevels []string `env:"TANDEM_CATALOG_PRICE_LEVELS" default:"1" validate:"min=1,dive,numeric" doc:"Comma-separated NetSuite price level internal ids synced to price books, each to the book the price_books table in tables.yaml names (made when missing); one must be the standard price book. 1 is Base Price."`
	Currencies  []string `env:"TANDEM_CATALOG_CURRENCIES" default:"USD" validate:"min=1,dive,len=3,alpha" doc:"Comma-separated ISO currency codes of the price book entries kept (one per product, book and currency), each in the currencies table of tables.yaml."`
}

// Reconcile configures F6, bookings against billings (jobs/reconcile).
type Reconcile struct {
	FiscalYearStartMonth int           `env:"TANDEM_FISCAL_YEAR_START_MONTH" default:"1" validate:"gte=1,lte=12" doc:"Month (1-12) the fiscal year starts in, as the org's fiscal year settings say (SELECT FiscalYearStartMonth FROM Organization); fiscal quarters and years of the bookings-vs-billings report count from it. A fiscal year is named after the calendar year it ends in."`
	ReportingCurrency    string        `env:"TANDEM_REPORTING_CURRENCY" default:"USD" validate:"len=3,alpha,uppercase" doc:"ISO code of the currency the bookings-vs-billings report totals in, at NetSuite's exchange rates (currencyrate) of the period's last day (today while the period runs)."`
	Interval             time.Duration `env:"TANDEM_RECONCILE_INTERVAL" default:"0s" validate:"gte=0" doc:"How often the workers reconcile the current fiscal quarter's bookings against billings and write changed NetSuite figures to its closed-won opportunities (once per interval however many workers run). 0: off; tandem report bookings-vs-billings --write does it by hand."`
}

// NetSuiteUsesM2M reports whether OAuth 2.0 client credentials are configured.
func (c *Config) NetSuiteUsesM2M() bool { return c.NetSuite.ClientID != "" }

// BaseURL is where Tandem is reachable from outside.
func (c *Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	return "http://" + c.Addr
}

// Load reads the configuration through lookup, applies defaults and
// validates it.
func Load(lookup func(string) (string, bool)) (*Config, error) {
	var c Config
	var errs []error
	eachField(&c, func(f field) {
		raw, ok := lookup(f.env)
		if !ok || raw == "" {
			raw = f.def
		}
		if raw == "" {
			return
		}
		if err := f.set(raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.env, err))
		}
	})
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) validate() error {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string { return f.Tag.Get("env") })
	must(v.RegisterValidation("sf_org_id", func(fl validator.FieldLevel) bool { return ValidOrgID(fl.Field().String()) }))
	must(v.RegisterValidation("ns_account", func(fl validator.FieldLevel) bool { return netsuite.ValidAccountID(fl.Field().String()) }))
	must(v.RegisterValidation("api_version", func(fl validator.FieldLevel) bool { return validAPIVersion(fl.Field().String()) }))
	must(v.RegisterValidation("redis_url", func(fl validator.FieldLevel) bool { _, err := redisurl.Parse(fl.Field().String()); return err == nil }))
	var errs []error
	if err := v.Struct(c); err != nil {
		var ve validator.ValidationErrors
		if !errors.As(err, &ve) {
			return err
		}
		for _, fe := range ve {
			errs = append(errs, fmt.Errorf("%s: %s", envName(fe), describe(fe)))
		}
	}
	errs = append(errs, c.resolveMode()...)
	if c.Salesforce.EventsAuth == "hmac" && c.Salesforce.EventsSecret == "" && c.Live() {
		errs = append(errs, errors.New("TANDEM_SF_EVENTS_SECRET: required when TANDEM_SF_EVENTS_AUTH=hmac"))
	}
	if c.RedisReplicas > 0 {
		if o, err := redisurl.Parse(c.RedisURL); c.RedisURL == "" || (err == nil && o.Cluster != nil) {
			errs = append(errs, errors.New("TANDEM_REDIS_WAIT_REPLICAS: needs REDIS_URL naming one server or a Sentinel set-up (WAIT counts the replicas of the connection's own server; a Cluster spreads one webhook's jobs over several)"))
		}
	}
	return errors.Join(errs...)
}

// ValidOrgID reports whether id looks like a Salesforce organization id
// (00D prefix, 15 or 18 alphanumeric characters).
func ValidOrgID(id string) bool {
	if (len(id) != 15 && len(id) != 18) || !strings.HasPrefix(id, "00D") {
		return false
	}
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

func validAPIVersion(v string) bool {
	f, err := strconv.ParseFloat(v, 64)
	return err == nil && f >= 46 && strings.Contains(v, ".")
}

func describe(fe validator.FieldError) string {
	switch fe.Tag() {
	case "required":
		return "required"
	case "hostname_port":
		return fmt.Sprintf("%q is not host:port", fe.Value())
	case "url":
		return fmt.Sprintf("%q is not a URL", fe.Value())
	case "file":
		return fmt.Sprintf("%q is not a readable file", fe.Value())
	case "dir":
		return fmt.Sprintf("%q is not a directory", fe.Value())
	case "min":
		return fmt.Sprintf("at least %s characters (e.g. openssl rand -hex 24)", fe.Param())
	case "oneof":
		return fmt.Sprintf("%q is not one of %s", fe.Value(), fe.Param())
	case "sf_org_id":
		return fmt.Sprintf("%q is not a Salesforce organization id (00D…, 15 or 18 characters)", fe.Value())
	case "ns_account":
		return fmt.Sprintf("%q is not a NetSuite account id", fe.Value())
	case "redis_url":
		_, err := redisurl.Parse(fe.Value().(string))
		return err.Error() // never the URL itself: it may hold a password
	case "api_version":
		return fmt.Sprintf("%q is not a Salesforce API version like 62.0 (46.0 or later)", fe.Value())
	default:
		return fmt.Sprintf("%v fails %s %s", fe.Value(), fe.Tag(), fe.Param())
	}
}

// envName turns a validator namespace ("Config.Salesforce.TANDEM_SF_ORG_IDS[0]")
// into the variable's name.
func envName(fe validator.FieldError) string {
	name := fe.Field()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i]
	}
	return name
}

// Redacted is the configuration as text, with secrets masked, for logs.
func (c *Config) Redacted() map[string]string {
	out := map[string]string{}
	eachField(c, func(f field) {
		v := f.get()
		if f.secret && v != "" {
			v = "[set]"
		}
		if v != "" {
			out[f.env] = v
		}
	})
	return out
}

// ParseURL is url.Parse for configuration values already validated.
func ParseURL(s string) *url.URL {
	u, _ := url.Parse(s)
	return u
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
