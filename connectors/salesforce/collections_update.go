package salesforce

import (
	"context"
	"net/http"
)

// UpdateCollection updates up to MaxCollectionSize records of one object
// by Id in one call (PATCH /composite/sobjects, allOrNone false). Each
// record must hold its "Id". Results come in the order of records, with
// Created false; check every result's Success (or Err).
func (c *Client) UpdateCollection(ctx context.Context, object string, records []map[string]any) ([]UpsertResult, error) {
	req, err := c.pathRequest("update collection", http.MethodPatch, c.dataPath+"/composite/sobjects", nil)
	if err != nil {
		return nil, err
	}
	return c.writeCollection(ctx, req, object, records, false)
}
