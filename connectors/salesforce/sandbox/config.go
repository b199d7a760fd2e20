package sandbox

import (
	"cmp"
	"crypto"
	"log/slog"
	"time"

	shipped "github.com/tandem-sync/tandem/deploy/salesforce"
)

// Defaults of Config's zero values. The retry and age limits follow real
// Outbound Messaging (exponential back-off, dropped after 24 hours), scaled
// down so a demo recovers quickly.
const (
	DefaultOrgID               = "00D5e000000TNDMEA4"
	DefaultClientID            = "tandem-sandbox"
	DefaultClientSecret        = "tandem-sandbox-secret"
	DefaultIntegrationUsername = "integration@tandem.sandbox"
	DefaultSalesUsername       = "sales@tandem.sandbox"
	DefaultDemoToken           = "00D5e000000TNDM!demo.sales.user.token"
	DefaultOutboundRetryBase   = time.Second
	DefaultOutboundRetryMax    = 2 * time.Minute
	DefaultOutboundMaxAge      = 24 * time.Hour
	DefaultOutboundTimeout     = 60 * time.Second // Salesforce's outbound message timeout
	DefaultQueryBatchSize      = 2000
	DefaultTokenTTL            = 2 * time.Hour
	DefaultAPILimit            = 100000
)

// JWT bearer audience behaviours (Config.JWTAudience).
const (
	JWTAudienceAny      = ""
	JWTAudienceClassic  = "classic"
	JWTAudienceMyDomain = "my-domain"
)

// Limits of the real API that the sandbox enforces.
const (
	MinQueryBatchSize          = 200
	MaxQueryBatchSize          = 2000
	MaxCollectionSize          = 200 // records per sObject Collections request
	MaxNotificationsPerMessage = 100 // notifications per Outbound Message
	MinAPIVersion              = 46
	MaxAPIVersion              = 62
	jwtClockSkew               = 3 * time.Minute
	maxBodyBytes               = 8 << 20
	maxQueryCursors            = 50
)

// Config configures a sandbox. Every zero value means the documented default.
type Config struct {
	// BaseURL is where Handler() is reachable from outside, without a
	// trailing slash, e.g. "http://127.0.0.1:8080/sandbox/salesforce". It
	// becomes instance_url, the id URL, record attribute urls and the
	// EnterpriseUrl/PartnerUrl of Outbound Messages. "" = derived from each
	// request's Host (and "http://localhost" in Outbound Messages).
	BaseURL string
	// OrgID is the 18-character org id; default DefaultOrgID.
	OrgID string
	// FiscalYearStartMonth is the Organization's (1-12); default 1.
	FiscalYearStartMonth int
	// ClientID and ClientSecret identify the connected app.
	ClientID, ClientSecret string
	// JWTPublicKey checks JWT bearer assertions; nil = an RSA 2048 key pair
	// is generated at New and its private half is JWTPrivateKey().
	JWTPublicKey crypto.PublicKey
	// JWTAudience is which JWT bearer aud the connected app accepts:
	// JWTAudienceAny (""): the login URLs or the org's My Domain (BaseURL);
	// JWTAudienceClassic: only https://login.salesforce.com and
	// https://test.salesforce.com, My Domain refused with invalid_grant
	// "audience is invalid"; JWTAudienceMyDomain: an External Client App
	// on an org that wants My Domain since Spring '26, the login URLs
	// refused with app_not_found.
	JWTAudience string
	// IntegrationUsername is the run-as user of the client credentials
	// flow and a user a JWT may name as sub.
	IntegrationUsername string
	// DemoToken is a fixed session token of the seeded sales user (not the
	// integration user), so a newcomer can change data with curl. It never
	// expires.
	DemoToken string
	// OutboundURL is the endpoint of the default Outbound Message rules;
	// "" = no outbound messages until SetOutboundURL.
	OutboundURL string
	// Outbound are the Outbound Message rules; nil = DefaultOutboundRules.
	Outbound []OutboundRule
	// SuppressOutboundForIntegrationUser mirrors switching the profile
	// permission "Send Outbound Messages" off for the integration user.
	SuppressOutboundForIntegrationUser bool
	// OutboundDeletedEmpty sends a notification of a record deleted before
	// delivery as an empty sObject; false sends only its Id. Salesforce
	// documents only that such a notification "doesn't contain any data".
	OutboundDeletedEmpty bool
	// SingleCurrency runs the org without multi-currency (the default of
	// new orgs): no CurrencyIsoCode on any object, INVALID_FIELD for SOQL
	// and writes naming it, and the seed in the corporate currency only.
	SingleCurrency bool
	// OutboundRetryBase doubles after each failed delivery up to
	// OutboundRetryMax; notifications older than OutboundMaxAge are dropped.
	OutboundRetryBase, OutboundRetryMax, OutboundMaxAge time.Duration
	// OutboundTimeout bounds one delivery attempt (Salesforce: 60s).
	OutboundTimeout time.Duration
	// FieldSecurity enforces the integration user's field-level security
	// as a real org does for an API-only integration user: a query naming
	// a field it cannot read fails with INVALID_FIELD "No such column",
	// writing one it cannot edit with INVALID_FIELD_FOR_INSERT_UPDATE.
	// Other users see every field.
	FieldSecurity bool
	// FieldPermissions are the integration user's field grants, keyed
	// "Object.Field"; nil = the shipped permission set Tandem_Integration
	// (deploy/salesforce), read from its file.
	FieldPermissions map[string]shipped.FieldAccess
	// Automation are rules run inside every write, whoever makes it, as a
	// before-save flow or trigger does: the change they make is committed
	// with the write, by the same user. None by default.
	Automation []Automation
	// Faults injects errors into Tandem's API calls; the zero value none.
	Faults Faults
	// Events forwards Change Data Capture events to Tandem.
	Events EventsConfig
	// PubSub configures the Pub/Sub API (ServePubSub).
	PubSub PubSubConfig
	// QueryBatchSize is the default page size of query results; a request's
	// Sforce-Query-Options batchSize (200..2000) overrides it.
	QueryBatchSize int
	// TokenTTL is how long a session lives without being used.
	TokenTTL time.Duration
	// APILimit is the daily API request allocation (Sforce-Limit-Info).
	APILimit int
	// BulkUploadLimit is the most CSV bytes one Bulk API 2.0 upload takes;
	// default DefaultBulkUploadLimit (tests lower it to see a client split).
	BulkUploadLimit int
	// Seed sizes the deterministic demo data.
	Seed Seed
	// Clock stamps records and sessions; nil = time.Now.
	Clock func() time.Time
	// Logger receives operational logs; nil = discard.
	Logger *slog.Logger
}

// Seed sizes the deterministic seed data. Zero fields take the defaults.
type Seed struct {
	Accounts      int   // default 20, two contacts each
	Products      int   // default 12; the last one is "Unmapped Widget"
	Opportunities int   // default 30 open opportunities with 1-5 lines
	Rand          int64 // random seed; default 1
}

func (c Config) withDefaults() Config {
	c.OrgID = cmp.Or(c.OrgID, DefaultOrgID)
	c.FiscalYearStartMonth = cmp.Or(c.FiscalYearStartMonth, 1)
	c.ClientID = cmp.Or(c.ClientID, DefaultClientID)
	c.ClientSecret = cmp.Or(c.ClientSecret, DefaultClientSecret)
	c.IntegrationUsername = cmp.Or(c.IntegrationUsername, DefaultIntegrationUsername)
	c.DemoToken = cmp.Or(c.DemoToken, DefaultDemoToken)
	c.OutboundRetryBase = cmp.Or(c.OutboundRetryBase, DefaultOutboundRetryBase)
	c.OutboundRetryMax = cmp.Or(c.OutboundRetryMax, DefaultOutboundRetryMax)
	c.OutboundMaxAge = cmp.Or(c.OutboundMaxAge, DefaultOutboundMaxAge)
	c.OutboundTimeout = cmp.Or(c.OutboundTimeout, DefaultOutboundTimeout)
	c.Events = c.Events.withDefaults()
	c.PubSub = c.PubSub.withDefaults()
	c.QueryBatchSize = cmp.Or(c.QueryBatchSize, DefaultQueryBatchSize)
	c.TokenTTL = cmp.Or(c.TokenTTL, DefaultTokenTTL)
	c.APILimit = cmp.Or(c.APILimit, DefaultAPILimit)
	c.BulkUploadLimit = cmp.Or(c.BulkUploadLimit, DefaultBulkUploadLimit)
	c.Seed.Accounts = cmp.Or(c.Seed.Accounts, 20)
	c.Seed.Products = cmp.Or(c.Seed.Products, 12)
	c.Seed.Opportunities = cmp.Or(c.Seed.Opportunities, 30)
	c.Seed.Rand = cmp.Or(c.Seed.Rand, 1)
	if c.Outbound == nil {
		c.Outbound = DefaultOutboundRules()
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Automation sets fields of an updated record of Object, when the update
// changes WhenChanged ("" = every update).
type Automation struct {
	Object      string
	WhenChanged string
	Set         map[string]any
}
