package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// page is the limit/offset of a collection or SuiteQL request.
type page struct{ limit, offset int }

// pagingFrom reads ?limit&offset: limit 1…1000 (default 1000), offset a
// multiple of limit, as NetSuite requires.
func pagingFrom(r *http.Request) (page, *apiError) {
	q := r.URL.Query()
	p := page{limit: MaxPageSize}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return p, invalidParameter("limit", fmt.Sprintf(
				"Invalid value for query parameter 'limit'. The value must be an integer between 1 and %d.", MaxPageSize))
		}
		p.limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, invalidParameter("offset", "Invalid value for query parameter 'offset'. The value must be a non-negative integer.")
		}
		p.offset = n
	}
	if p.offset%p.limit != 0 {
		return p, invalidParameter("offset", "Invalid value for query parameter 'offset'. The offset must be a multiple of the limit.")
	}
	return p, nil
}

// bounds is the [from, to) slice of total rows this page covers.
func (p page) bounds(total int) (from, to int) {
	from = min(p.offset, total)
	return from, min(from+p.limit, total)
}

// collection is NetSuite's paged answer: links, count, hasMore, items,
// offset, totalResults. self is the URL without query; extra are query
// parameters the page links repeat (a record filter's q).
func (p page) collection(self, rawQuery string, extra url.Values, items any, count, total int) map[string]any {
	return map[string]any{
		"links":        p.links(self, rawQuery, extra, total),
		"count":        count,
		"hasMore":      p.offset+p.limit < total,
		"items":        items,
		"offset":       p.offset,
		"totalResults": total,
	}
}

// links are prev/first when there is a page before, next/last when there
// is one after, and self, in the order NetSuite lists them.
func (p page) links(self, rawQuery string, extra url.Values, total int) []any {
	at := func(offset int) string {
		v := url.Values{}
		for k, vs := range extra {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(p.limit))
		v.Set("offset", strconv.Itoa(offset))
		return self + "?" + v.Encode()
	}
	rel := func(name, href string) any { return map[string]any{"rel": name, "href": href} }
	var links []any
	if p.offset > 0 {
		links = append(links, rel("prev", at(max(0, p.offset-p.limit))), rel("first", at(0)))
	}
	if p.offset+p.limit < total {
		last := (total - 1) / p.limit * p.limit
		links = append(links, rel("next", at(p.offset+p.limit)), rel("last", at(last)))
	}
	if rawQuery != "" {
		self += "?" + rawQuery
	}
	return append(links, rel("self", self))
}
