package sandbox

import (
	"fmt"
	"slices"
	"time"
)

// Defaults and limits of the webhooks the shipped SuiteScript sends. The
// retry timing stands in for the outbox retry script (every 15 minutes),
// scaled down so a demo recovers quickly.
const (
	DefaultWebhookSecret     = "tandem-sandbox-webhook-secret"
	DefaultIntegrationRoleID = "1023" // the custom role Tandem's token works under
	DefaultWebhookRetryBase  = time.Second
	DefaultWebhookRetryMax   = 2 * time.Minute
	webhookTimeout           = 45 * time.Second // N/https gives up sending after 45 s
)

// The users changes are made as, by runtime.getCurrentUser(): the account
// administrator, in the UI (Put, PutFields) as Administrator and over REST
// under the integration role its token was issued for.
const (
	AdminUserID = "-5"
	AdminRoleID = "3"
)

// DefaultWebhookRecordTypes are the record types the script is deployed on.
var DefaultWebhookRecordTypes = []string{"customer", "contact", "invoice", "customerpayment", "creditmemo",
	"inventoryitem", "noninventoryitem", "salesorder", "serviceitem", "customerrefund"}

// WebhookConfig configures the record-change webhooks the shipped
// SuiteScript (deploy/netsuite) posts to Tandem. Every zero value means
// the default.
type WebhookConfig struct {
	// URL is Tandem's webhook endpoint (…/webhooks/netsuite); "" = the
	// script is not configured (it posts nothing) until SetWebhookURL.
	URL string
	// Secret is the API secret custsecret_tandem_webhook; default DefaultWebhookSecret.
	Secret string
	// RecordTypes are the SuiteScript record types (context.newRecord.type)
	// the script is deployed on; nil = DefaultWebhookRecordTypes.
	RecordTypes []string
	// SkipIntegrationWrites makes the script skip REST writes made under
	// IntegrationRoleID, as its custscript_tandem_integration_role
	// parameter does. Off by default: Tandem's own writes come back, with
	// executionContext RESTWEBSERVICES and the integration role, so that
	// Tandem's echo check is what stops them.
	SkipIntegrationWrites bool
	// IntegrationRoleID is the role REST writes are made under; default
	// DefaultIntegrationRoleID.
	IntegrationRoleID string
	// RetryBase doubles after each failed post up to RetryMax.
	RetryBase, RetryMax time.Duration
}

func (c WebhookConfig) withDefaults() WebhookConfig {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.Secret, DefaultWebhookSecret)
	def(&c.IntegrationRoleID, DefaultIntegrationRoleID)
	if c.RecordTypes == nil {
		c.RecordTypes = DefaultWebhookRecordTypes
	}
	if c.RetryBase <= 0 {
		c.RetryBase = DefaultWebhookRetryBase
	}
	if c.RetryMax <= 0 {
		c.RetryMax = DefaultWebhookRetryMax
	}
	return c
}

// check refuses record types the sandbox does not serve.
func (c WebhookConfig) check() error {
	for _, name := range c.RecordTypes {
		known := false
		for _, rt := range recordTypes {
			known = known || scriptType(rt) == name
		}
		if !known {
			return fmt.Errorf("Webhook.RecordTypes: %q is not a SuiteScript record type the sandbox serves", name)
		}
	}
	return nil
}

// deployedOn reports whether the script runs for a record type.
func (c WebhookConfig) deployedOn(rt *recordType) bool {
	return slices.Contains(c.RecordTypes, scriptType(rt))
}
