package salesforce

import (
	"context"
	"fmt"
	"maps"
	"net/http"
)

// collectionRequest is the body of an sObject Collections upsert:
// {"allOrNone":false,"records":[{"attributes":{"type":"Account"},…},…]}.
type collectionRequest struct {
	AllOrNone bool             `json:"allOrNone"`
	Records   []map[string]any `json:"records"`
}

// UpsertCollection upserts up to MaxCollectionSize records of one object by
// extField in one call (PATCH /composite/sobjects/{object}/{extField}). Each
// record must hold its extField value; attributes.type is added. The results
// come in the order of records. A 200 with failed records is not an error of
// the call: check every result's Success (or Err). With allOrNone, one
// failure rolls back every record.
func (c *Client) UpsertCollection(ctx context.Context, object, extField string, records []map[string]any, allOrNone bool) ([]UpsertResult, error) {
	req, err := c.pathRequest("upsert collection", http.MethodPatch, c.dataPath+"/composite/sobjects", []string{object, extField})
	if err != nil {
		return nil, err
	}
	return c.writeCollection(ctx, req, object, records, allOrNone)
}

// writeCollection sends one Collections PATCH of records (typed as
// object) and checks a result came for each.
func (c *Client) writeCollection(ctx context.Context, req request, object string, records []map[string]any, allOrNone bool) ([]UpsertResult, error) {
	if len(records) > MaxCollectionSize {
		return nil, fmt.Errorf("salesforce: %s: %d records, at most %d per call", req.op, len(records), MaxCollectionSize)
	}
	if len(records) == 0 {
		return nil, nil
	}
	req.body = collectionRequest{AllOrNone: allOrNone, Records: withType(object, records)}
	var results []UpsertResult
	if _, err := c.doJSON(ctx, req, &results); err != nil {
		return nil, err
	}
	if len(results) != len(records) {
		return nil, fmt.Errorf("salesforce: %s: %d results for %d records", req.op, len(results), len(records))
	}
	return results, nil
}

// withType copies records, adding "attributes":{"type":object} to each.
func withType(object string, records []map[string]any) []map[string]any {
	typed := make([]map[string]any, len(records))
	for i, r := range records {
		t := maps.Clone(r)
		if t == nil {
			t = map[string]any{}
		}
		t["attributes"] = map[string]any{"type": object}
		typed[i] = t
	}
	return typed
}
