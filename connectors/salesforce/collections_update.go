package salesforce

import (
	"context"
	"fmt"
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
	if len(records) > MaxCollectionSize {
		return nil, fmt.Errorf("salesforce: %s: %d records, at most %d per call", req.op, len(records), MaxCollectionSize)
	}
	if len(records) == 0 {
		return nil, nil
	}
	req.body = collectionRequest{Records: withType(object, records)}
	var results []UpsertResult
	if _, err := c.doJSON(ctx, req, &results); err != nil {
		return nil, err
	}
	if len(results) != len(records) {
		return nil, fmt.Errorf("salesforce: %s: %d results for %d records", req.op, len(results), len(records))
	}
	return results, nil
}
