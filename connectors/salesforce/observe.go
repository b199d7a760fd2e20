package salesforce

import (
	"context"
	"strings"
	"time"
)

// observe logs one HTTP attempt at debug level, with the caller's context,
// and tells Config.Observe about it.
func (c *Client) observe(ctx context.Context, req request, status int, start time.Time, err error) {
	d := time.Since(start)
	c.log.DebugContext(ctx, "salesforce request", "op", req.op, "status", status, "duration", d)
	if c.observer != nil {
		c.observer(operation(req.method, req.path), status, d, err)
	}
}

// operation names a request for metrics by its method and what it
// addresses, never an id: "GET query", "PATCH Account",
// "PATCH collection Account". path is below the instance URL
// (/services/data/v62.0/…).
func operation(method, path string) string {
	rest := strings.TrimPrefix(path, "/services/data/")
	if _, after, ok := strings.Cut(rest, "/"); ok { // drop "v62.0"
		rest = after
	}
	parts := strings.Split(rest, "/")
	what := parts[0]
	switch {
	case what == "sobjects" && len(parts) > 1:
		what = parts[1]
	case what == "composite" && len(parts) > 2 && parts[1] == "sobjects":
		what = "collection " + parts[2]
	}
	return method + " " + what
}
