package salesforce

import "context"

// Session returns the access token and instance URL the client uses,
// fetching a token if none is cached: what the Pub/Sub API's accesstoken
// and instanceurl headers carry.
func (c *Client) Session(ctx context.Context) (token, instanceURL string, err error) {
	tok, err := c.auth.get(ctx)
	if err != nil {
		return "", "", err
	}
	return tok.access, tok.instanceURL, nil
}

// InvalidateSession drops token if it is still the cached one, so the
// next Session call logs in again (after an UNAUTHENTICATED answer).
func (c *Client) InvalidateSession(token string) {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	if c.auth.current != nil && c.auth.current.access == token {
		c.auth.current = nil
	}
}
