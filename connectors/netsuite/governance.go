package netsuite

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// governancePath answers the account's concurrency limits, to administrators
// only (Oracle article_0625010817).
const governancePath = "/services/rest/system/v1/governanceLimits"

// The integrationLimitType values NetSuite documents.
const (
	LimitIntegrationSpecific = "integrationSpecific" // a limit is allocated to this integration
	LimitAccount             = "accountLimit"        // no specific limit: the unallocated pool applies
	LimitInternal            = "internal"            // an internal application; no limit shown
)

// GovernanceLimits are the concurrency limits NetSuite enforces for this
// integration.
type GovernanceLimits struct {
	AccountConcurrencyLimit            int    `json:"accountConcurrencyLimit"`
	AccountUnallocatedConcurrencyLimit int    `json:"accountUnallocatedConcurrencyLimit"`
	IntegrationConcurrencyLimit        int    `json:"integrationConcurrencyLimit"` // integrationSpecific only
	IntegrationLimitType               string `json:"integrationLimitType"`
}

// Effective is the number of concurrent requests this integration may make:
// its own allocation when it has one, otherwise the unallocated part of the
// account limit that integrations without an allocation share.
func (g GovernanceLimits) Effective() int {
	if g.IntegrationLimitType == LimitIntegrationSpecific && g.IntegrationConcurrencyLimit > 0 {
		return g.IntegrationConcurrencyLimit
	}
	return g.AccountUnallocatedConcurrencyLimit
}

// Share is what Tandem takes: its own allocation whole, or percent of the
// unallocated pool, which other integrations share; at least 1.
func (g GovernanceLimits) Share(percent int) int {
	if g.IntegrationLimitType == LimitIntegrationSpecific && g.IntegrationConcurrencyLimit > 0 {
		return g.IntegrationConcurrencyLimit
	}
	return max(1, g.AccountUnallocatedConcurrencyLimit*percent/100)
}

// GovernanceLimits reads the concurrency limits (the role must be an
// administrator).
func (c *Client) GovernanceLimits(ctx context.Context) (GovernanceLimits, error) {
	const op = "read governance limits"
	resp, err := c.do(ctx, call{op: op, method: http.MethodGet, path: governancePath, idempotent: true})
	if err != nil {
		return GovernanceLimits{}, err
	}
	var g GovernanceLimits
	if err := json.Unmarshal(resp.Body(), &g); err != nil {
		return GovernanceLimits{}, fmt.Errorf("netsuite: %s: %w", op, err)
	}
	return g, nil
}
