package salesforce

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// queryPage is one batch of a SOQL result:
// {"totalSize":3222,"done":false,"nextRecordsUrl":"/services/data/v62.0/query/01g…-2000","records":[…]}.
type queryPage struct {
	Done           bool     `json:"done"`
	NextRecordsURL string   `json:"nextRecordsUrl"`
	Records        []Record `json:"records"`
}

// Query runs soql and returns every record, following nextRecordsUrl until
// the result is done.
func (c *Client) Query(ctx context.Context, soql string) ([]Record, error) {
	var all []Record
	err := c.QueryEach(ctx, soql, func(r Record) error {
		all = append(all, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// QueryEach runs soql and calls fn for every record, one batch at a time.
// An error from fn stops the query and is returned as is.
func (c *Client) QueryEach(ctx context.Context, soql string, fn func(Record) error) error {
	return c.QueryEachBatch(ctx, soql, 0, fn)
}

// QueryEachBatch is QueryEach asking for batches of batchSize records
// (Sforce-Query-Options: batchSize, 200-2,000; Salesforce may send fewer);
// 0 leaves Salesforce's default of 2,000. Smaller batches hold less in
// memory at a time, for more calls.
func (c *Client) QueryEachBatch(ctx context.Context, soql string, batchSize int, fn func(Record) error) error {
	req := request{
		op:         "query",
		method:     http.MethodGet,
		path:       c.dataPath + "/query",
		query:      url.Values{"q": {soql}},
		idempotent: true,
	}
	if batchSize > 0 {
		req.header = map[string]string{"Sforce-Query-Options": "batchSize=" + strconv.Itoa(batchSize)}
	}
	for {
		var page queryPage
		if _, err := c.doJSON(ctx, req, &page); err != nil {
			return err
		}
		for _, r := range page.Records {
			if err := fn(r); err != nil {
				return err
			}
		}
		if page.Done || page.NextRecordsURL == "" {
			return nil
		}
		if !strings.HasPrefix(page.NextRecordsURL, "/services/data/") {
			return fmt.Errorf("salesforce: query: unexpected nextRecordsUrl %q", page.NextRecordsURL)
		}
		req.op, req.path, req.query = "query more", page.NextRecordsURL, nil
	}
}

// soqlEscaper escapes the characters SOQL string literals reserve.
var soqlEscaper = strings.NewReplacer(
	`\`, `\\`,
	`'`, `\'`,
	`"`, `\"`,
	"\n", `\n`,
	"\r", `\r`,
	"\t", `\t`,
	"\b", `\b`,
	"\f", `\f`,
)

// EscapeSOQL escapes s for use inside a quoted SOQL string literal:
// "SELECT Id FROM Account WHERE Name = '" + EscapeSOQL(name) + "'".
// LIKE wildcards (% and _) are left alone.
func EscapeSOQL(s string) string { return soqlEscaper.Replace(s) }
