package netsuite

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// suiteQLPath is the SuiteQL query service (Oracle section_157909186990).
const suiteQLPath = "/services/rest/query/v1/suiteql"

// Row is one SuiteQL result row: lower-case column names, values usually
// strings (numbers included), plus NetSuite's empty "links".
type Row map[string]any

// String is a column as text ("" when missing or null).
func (r Row) String(col string) string { return text(r[col]) }

// Float is a numeric column (SuiteQL sends numbers as strings); 0 when
// missing or not a number.
func (r Row) Float(col string) float64 { return number(r[col]) }

type suiteQLRequest struct {
	Q      string `json:"q"`
	Params []any  `json:"params,omitempty"`
}

type suiteQLPage struct {
	Items   []Row `json:"items"`
	HasMore bool  `json:"hasMore"`
}

// SuiteQL runs query with its ? placeholders bound to params and calls fn
// for every row, reading pages of MaxSuiteQLPage rows while NetSuite says
// hasMore. An error from fn stops the query and is returned as it is.
func (c *Client) SuiteQL(ctx context.Context, query string, params []any, fn func(Row) error) error {
	body, err := encodeJSON(suiteQLRequest{Q: query, Params: params})
	if err != nil {
		return invalidf("suiteql: encoding the query: %v", err)
	}
	for offset := 0; ; offset += MaxSuiteQLPage {
		page, err := c.suiteQLPage(ctx, body, offset)
		if err != nil {
			return err
		}
		for _, row := range page.Items {
			if err := fn(row); err != nil {
				return err
			}
		}
		if !page.HasMore || len(page.Items) == 0 {
			return nil
		}
	}
}

// SuiteQLAll returns every row of query.
func (c *Client) SuiteQLAll(ctx context.Context, query string, params []any) ([]Row, error) {
	var rows []Row
	err := c.SuiteQL(ctx, query, params, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

func (c *Client) suiteQLPage(ctx context.Context, body []byte, offset int) (suiteQLPage, error) {
	op := "suiteql page at offset " + strconv.Itoa(offset)
	resp, err := c.do(ctx, call{
		op:     op,
		method: http.MethodPost,
		path:   suiteQLPath,
		query: url.Values{
			"limit":  {strconv.Itoa(MaxSuiteQLPage)},
			"offset": {strconv.Itoa(offset)},
		},
		header:     map[string]string{"Prefer": "transient"}, // required by the query service
		body:       body,
		idempotent: true, // a query changes nothing
	})
	if err != nil {
		return suiteQLPage{}, err
	}
	var page suiteQLPage
	if err := decodeJSON(resp.Body(), &page); err != nil {
		return suiteQLPage{}, fmt.Errorf("netsuite: %s: decoding the page: %w", op, err)
	}
	return page, nil
}
