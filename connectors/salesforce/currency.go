package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// currencyCache remembers whether the org has multi-currency on; it does
// not change while Tandem runs (turning it on is a support case).
type currencyCache struct {
	mu    sync.Mutex
	known bool
	multi bool
}

// MultiCurrency says whether the org has multi-currency on. Only then do
// records have CurrencyIsoCode; in a single-currency org any SOQL or write
// naming it fails with INVALID_FIELD. It reads Account's describe once and
// caches the answer; a failed describe is not cached.
func (c *Client) MultiCurrency(ctx context.Context) (bool, error) {
	c.currency.mu.Lock()
	defer c.currency.mu.Unlock()
	if c.currency.known {
		return c.currency.multi, nil
	}
	req, err := c.sobjectRequest("describe", http.MethodGet, "Account", "describe")
	if err != nil {
		return false, err
	}
	var desc struct {
		Fields []struct {
			Name string `json:"name"`
		} `json:"fields"`
	}
	if _, err := c.doJSON(ctx, req, &desc); err != nil {
		return false, fmt.Errorf("salesforce: learning whether the org has multi-currency: %w", err)
	}
	c.currency.known = true
	for _, f := range desc.Fields {
		if f.Name == "CurrencyIsoCode" {
			c.currency.multi = true
		}
	}
	return c.currency.multi, nil
}
