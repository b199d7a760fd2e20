package netsuite

import (
	"fmt"
	"net/http"

	"context"
)

// Transform makes a new record of toType from the record fromType/id
// (POST record/v1/{fromType}/{id}/!transform/{toType}: a sales order into
// an invoice, an invoice into a payment or credit memo; netsuite.md §7),
// with body's fields set on it, and returns the new record's internal id.
// Not repeated after a 5xx or lost answer: a second transform makes a
// second record.
func (c *Client) Transform(ctx context.Context, fromType, id, toType string, body any) (string, error) {
	op := "transform " + fromType + " to " + toType
	from, err := recordURL(fromType, id)
	if err != nil {
		return "", err
	}
	if !recordTypePattern.MatchString(toType) {
		return "", invalidf("%s: invalid record type", op)
	}
	if body == nil {
		body = map[string]any{}
	}
	return c.post(ctx, op, from+"/!transform/"+toType, body)
}

// post makes a record by POSTing body to path and returns its internal id,
// from the Location NetSuite answers with.
func (c *Client) post(ctx context.Context, op, path string, body any) (string, error) {
	resp, err := c.write(ctx, call{op: op, method: http.MethodPost, path: path}, body)
	if err != nil {
		return "", err
	}
	id, err := idFromLocation(resp.Header().Get("Location"))
	if err != nil {
		return "", fmt.Errorf("netsuite: %s: %w", op, err)
	}
	return id, nil
}
