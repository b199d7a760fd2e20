package netsuite

import (
	"context"
	"strings"
)

// observe logs one HTTP attempt at debug level, with the caller's context,
// and tells Config.Observe about it; err is the attempt's failure, nil on
// success.
func (c *Client) observe(ctx context.Context, r call, s sent, err error) {
	status := 0
	if s.err == nil && s.resp != nil {
		status = s.resp.StatusCode()
	}
	c.log.DebugContext(ctx, "netsuite request", "op", r.op, "status", status, "duration", s.took)
	if c.observer != nil {
		c.observer(operation(r.method, r.path), status, s.took, err)
	}
}

// operation names a request for metrics by its method and what it
// addresses, never an id: "GET customer", "PUT salesOrder",
// "POST suiteql", "GET governanceLimits". path is below the base URL:
// /services/rest/<service>/v1/<what>/….
func operation(method, path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/services/rest/"), "/")
	what := parts[len(parts)-1]
	if len(parts) > 2 {
		what = parts[2]
	}
	return method + " " + what
}
