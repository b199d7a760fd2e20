package drift

import (
	"context"
	"slices"
	"strings"

	"github.com/tandem-sync/tandem/connectors/salesforce"
	"github.com/tandem-sync/tandem/mapping"
)

// prefetchChunk is the values of one prefetching SOQL IN list: the query
// travels in the URL, which Salesforce limits to 16,384 characters.
const prefetchChunk = 200

// prefetchSpec is the Salesforce lookup a pair's mapping makes per record
// (lookup("salesforce", object, field, value)), answered for a whole page
// by a few IN queries instead of one query per record.
type prefetchSpec struct {
	object, field string
	foldCase      bool // the field compares without case (Email)
}

// pageFinder answers the page's lookups of spec from what it read, and
// every other lookup from the Finder.
type pageFinder struct {
	mapping.Finder
	spec  prefetchSpec
	known map[string][]string // value (folded when foldCase) -> ids; a value read with no match maps to nil
}

// Find implements mapping.Finder.
func (f *pageFinder) Find(ctx context.Context, q mapping.Query) ([]string, error) {
	if q.System == "salesforce" && q.RecordType == f.spec.object && q.Field == f.spec.field {
		if ids, ok := f.known[f.spec.key(q.Value)]; ok {
			return ids, nil
		}
	}
	return f.Finder.Find(ctx, q)
}

func (s prefetchSpec) key(v string) string {
	if s.foldCase {
		return strings.ToLower(v)
	}
	return v
}

// prefetch reads, for a page's twins, the records its mapping will look
// up. A failed prefetch is not an error: the lookups then go to the
// Finder one by one.
func prefetch(ctx context.Context, fallback mapping.Finder, sf SalesforceAPI, spec prefetchSpec, values []string) mapping.Finder {
	f := &pageFinder{Finder: fallback, spec: spec, known: map[string][]string{}}
	for chunk := range slices.Chunk(values, prefetchChunk) {
		quoted := make([]string, len(chunk))
		for i, v := range chunk {
			quoted[i] = "'" + salesforce.EscapeSOQL(v) + "'"
		}
		soql := "SELECT Id, " + spec.field + " FROM " + spec.object + " WHERE " + spec.field + " IN (" + strings.Join(quoted, ", ") + ")"
		found := map[string][]string{}
		err := sf.QueryEach(ctx, soql, func(r salesforce.Record) error {
			k := spec.key(r.String(spec.field))
			found[k] = append(found[k], r.String("Id"))
			return nil
		})
		if err != nil {
			continue
		}
		for _, v := range chunk {
			f.known[spec.key(v)] = found[spec.key(v)]
		}
	}
	return f
}

// lookupValues are the distinct values the page's records look up.
func lookupValues(p *pairType, t twins) []string {
	seen := map[string]bool{}
	var out []string
	add := func(v string) {
		if k := p.lookup.key(v); v != "" && !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	for _, r := range t.rows {
		switch p.lookup.object {
		case "User":
			add(t.emails[r.String("salesrep")])
		case "Account":
			add(r.String("company"))
		}
	}
	slices.Sort(out)
	return out
}
